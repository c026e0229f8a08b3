import { BURST, takeRequest, type Bucket } from './rate-limit';

describe('takeRequest (token bucket: 10 per second, bursts of 20)', () => {
  it('allows a burst of 20 at one instant, then refuses with the seconds until the next request', () => {
    let bucket: Bucket | undefined;
    for (let i = 0; i < BURST; i += 1) {
      const decision = takeRequest(bucket, 1_000);
      expect(decision.allowed).toBe(true);
      bucket = decision.bucket;
    }
    const refused = takeRequest(bucket, 1_000);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at 10 per second, never above the burst', () => {
    const empty: Bucket = { tokens: 0, at: 0 };
    expect(takeRequest(empty, 50).allowed).toBe(false);
    expect(takeRequest(empty, 100)).toMatchObject({ allowed: true, bucket: { tokens: 0 } });
    expect(takeRequest(empty, 60_000).bucket.tokens).toBe(BURST - 1);
  });

  it('a clock that went backwards refills nothing', () => {
    expect(takeRequest({ tokens: 0.5, at: 5_000 }, 1_000).allowed).toBe(false);
  });
});
