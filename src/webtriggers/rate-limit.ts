/**
 * Per-token rate limit of the management API: a token bucket of 20 requests refilled at 10 per
 * second. The state lives in the function's memory (one bucket per token per Forge container),
 * which costs no storage request; a burst spread over several containers can pass more, and the
 * installation-wide KVS and queue rates still bound what the app does.
 */
export const RATE_PER_SECOND = 10;
export const BURST = 20;

export interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

export type RateDecision = { readonly allowed: true; readonly bucket: Bucket } | { readonly allowed: false; readonly bucket: Bucket; readonly retryAfterSeconds: number };

/** Pure: refill since `bucket.at`, then take one request if there is one. */
export function takeRequest(bucket: Bucket | undefined, now: number, rate = RATE_PER_SECOND, burst = BURST): RateDecision {
  const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
  const tokens = Math.min(burst, (bucket?.tokens ?? burst) + (elapsed / 1000) * rate);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at: now } };
  return { allowed: false, bucket: { tokens, at: now }, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate)) };
}

const MAX_BUCKETS = 10_000;

/** The buckets of this container, by token hash (never the token). */
export function createRateLimiter(clock: { now(): number }) {
  const buckets = new Map<string, Bucket>();
  return {
    take(key: string): RateDecision {
      const decision = takeRequest(buckets.get(key), clock.now());
      // Forget the oldest buckets rather than grow without bound (a full bucket is the default).
      if (!buckets.has(key) && buckets.size >= MAX_BUCKETS) buckets.delete(buckets.keys().next().value as string);
      buckets.set(key, decision.bucket);
      return decision;
    },
  };
}
