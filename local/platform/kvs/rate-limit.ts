import { KvsRequestError } from './errors';

/** Amounts over a sliding window of virtual time (the window moves when the clock is advanced). */
class SlidingWindow {
  private readonly entries: { at: number; amount: number }[] = [];
  private total = 0;

  constructor(private readonly windowMs: number) {}

  private expire(now: number): void {
    while (this.entries.length > 0 && (this.entries[0]?.at ?? now) <= now - this.windowMs) this.total -= this.entries.shift()?.amount ?? 0;
  }

  sum(now: number): number {
    this.expire(now);
    return this.total;
  }

  add(now: number, amount: number): void {
    this.entries.push({ at: now, amount });
    this.total += amount;
  }

  /** Seconds until the oldest amount leaves the window (a Retry-After). */
  retryAfterSeconds(now: number): number {
    this.expire(now);
    const oldest = this.entries[0]?.at ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
}

export interface KvsRateLimits {
  readonly requestsPerSecond: number;
  readonly readUnitsPerMinute: number;
  readonly writeUnitsPerMinute: number;
  /** Batch requests (batchSet, batchGet, batchDelete) per minute: the batch pages' "45 per minute" reading; Infinity: off. */
  readonly batchRequestsPerMinute?: number;
}

/**
 * Forge's KVS rates per installation: requests per second, and 10 KB read and write units per
 * minute. A request is refused (429 `RATE_LIMIT_EXCEEDED`, what the SDK turns into a
 * `ForgeKvsAPIError` with that code) while its window is full; what it costs is known only after
 * it ran, so a request may take a window slightly past its limit, as a token bucket would.
 */
export function createKvsRateLimiter(limits: KvsRateLimits) {
  const requests = new SlidingWindow(1_000);
  const reads = new SlidingWindow(60_000);
  const writes = new SlidingWindow(60_000);
  const batches = new SlidingWindow(60_000);
  const batchLimit = limits.batchRequestsPerMinute ?? Number.POSITIVE_INFINITY;
  const refusal = (what: string, limit: number, retryAfter: number) =>
    new KvsRequestError(429, 'RATE_LIMIT_EXCEEDED', `Rate limit exceeded: ${what} per installation is ${limit}. Retry after ${retryAfter} s, and spread the work out.`, {
      retryAfterSeconds: retryAfter,
    });

  return {
    /** The refusal for a request made now, or undefined when it may run. */
    check(kind: 'read' | 'write', now: number, batch = false): KvsRequestError | undefined {
      if (requests.sum(now) >= limits.requestsPerSecond) return refusal('KVS requests per second', limits.requestsPerSecond, requests.retryAfterSeconds(now));
      if (batch && batches.sum(now) >= batchLimit) return refusal('KVS batch operations per minute', batchLimit, batches.retryAfterSeconds(now));
      const units = kind === 'read' ? reads : writes;
      const limit = kind === 'read' ? limits.readUnitsPerMinute : limits.writeUnitsPerMinute;
      if (units.sum(now) >= limit) return refusal(`KVS ${kind} units (10 KB each) per minute`, limit, units.retryAfterSeconds(now));
      return undefined;
    },
    record(kind: 'read' | 'write', units: number, now: number, batch = false): void {
      requests.add(now, 1);
      if (batch) batches.add(now, 1);
      (kind === 'read' ? reads : writes).add(now, units);
    },
  };
}
