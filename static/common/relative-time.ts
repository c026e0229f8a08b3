/**
 * Times as people read them in a list ("3 minutes ago"), with the exact time for a tooltip.
 * `now` is passed in so the wording is testable. Times within a minute read "just now" either way;
 * `inPast` marks times of things that happened, which read "just now" when the server's clock is
 * ahead of the browser's (the offline host's virtual clock is, once advanced).
 */
const UNITS: readonly { readonly limit: number; readonly ms: number; readonly unit: Intl.RelativeTimeFormatUnit }[] = [
  { limit: 60 * 60_000, ms: 60_000, unit: 'minute' },
  { limit: 24 * 60 * 60_000, ms: 60 * 60_000, unit: 'hour' },
  { limit: 30 * 24 * 60 * 60_000, ms: 24 * 60 * 60_000, unit: 'day' },
  { limit: Number.POSITIVE_INFINITY, ms: 30 * 24 * 60 * 60_000, unit: 'month' },
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function relativeTime(at: number, now: number, options: { readonly inPast?: boolean } = {}): string {
  const past = now - at;
  // Something that has happened cannot be in the future: a later time is another clock running ahead.
  if (Math.abs(past) < 60_000 || (options.inPast && past < 0)) return 'just now';
  const distance = Math.abs(past);
  const unit = UNITS.find((u) => distance < u.limit) ?? UNITS[UNITS.length - 1];
  if (!unit) return exactTime(at);
  const amount = Math.floor(distance / unit.ms);
  return relative.format(past > 0 ? -amount : amount, unit.unit);
}

/** The exact time, in UTC with seconds (what a log line says), e.g. "2026-01-05 14:03:07 UTC". */
export function exactTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration of an attempt: "840 ms", "2.3 s". */
export function durationText(ms: number): string {
  return Math.round(ms) < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
