/** Forge's per-minute rates, which count over a sliding window, as a prediction of a burst's minutes. */

/**
 * Minutes a burst takes under per-minute quotas counted over a sliding window, as Forge's are. The
 * burst needs `quotaMinutes` of its binding quota (its units / the rate: the plain prediction) and
 * the app alone, never held back, needs `appMinutes`. A window's quota is there at once, so the app
 * spends one minute's units at its own pace, waits for the window to slide past them, and spends
 * them again as they come back: a burst of 1.5 minutes' quota ends after 1 minute plus the app's
 * time for the last third of it, not after 1.5 minutes; one under a minute's quota is never held back.
 */
export function slidingWindowMinutes(quotaMinutes: number, appMinutes: number): number {
  if (!(quotaMinutes > 0) || !(appMinutes >= 0)) throw new RangeError(`slidingWindowMinutes: quotaMinutes ${quotaMinutes} must be > 0 and appMinutes ${appMinutes} >= 0`);
  const fullWindows = Math.ceil(quotaMinutes) - 1;
  const lastShare = (quotaMinutes - fullWindows) / quotaMinutes;
  return Math.max(appMinutes, fullWindows + appMinutes * lastShare);
}
