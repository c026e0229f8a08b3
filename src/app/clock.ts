import type { Clock } from './ports';

/**
 * The one place the app reads the time. On Forge it is the platform's clock; in the offline host
 * the host owns `Date`, so a virtual clock moves this too. Use cases take a Clock and pass `now`
 * into the domain.
 */
export const systemClock: Clock = { now: () => Date.now() };
