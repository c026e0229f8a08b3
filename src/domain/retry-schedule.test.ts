import { MAX_ATTEMPTS, MAX_RETRY_DELAY_MS, nextRetryDelayMs, parseRetryAfter, planRetryTransport } from './retry-schedule';

const s = 1000;
const min = 60 * s;
const h = 60 * min;

describe('nextRetryDelayMs', () => {
  it('allows 8 attempts in all', () => {
    expect(MAX_ATTEMPTS).toBe(8);
  });

  it.each([
    // attempt that failed, jitter, delay before the next attempt
    [1, 0, 4 * s],
    [1, 0.5, 5 * s],
    [1, 0.999, 5998],
    [2, 0, 4 * min],
    [2, 0.5, 5 * min],
    [2, 0.999, 359_880],
    [3, 0, 24 * min],
    [3, 0.5, 30 * min],
    [3, 0.999, 2_159_280],
    [4, 0, 96 * min],
    [4, 0.5, 2 * h],
    [4, 0.999, 8_637_120],
    [5, 0, 4 * h],
    [5, 0.5, 5 * h],
    [5, 0.999, 21_592_800],
    [6, 0, 8 * h],
    [6, 0.5, 10 * h],
    [6, 0.999, 43_185_600],
    [7, 0, 8 * h],
    [7, 0.5, 10 * h],
    [7, 0.999, 43_185_600],
  ])('after attempt %i with jitter %p waits %i ms', (attempt, jitter, delayMs) => {
    expect(nextRetryDelayMs({ attempt, jitter })).toEqual({ kind: 'retry', delayMs });
  });

  it.each([8, 9])('gives up after attempt %i', (attempt) => {
    expect(nextRetryDelayMs({ attempt, jitter: 0.5 })).toEqual({ kind: 'give-up' });
  });

  it('gives up after the last attempt even when Retry-After asks for a later try', () => {
    expect(nextRetryDelayMs({ attempt: MAX_ATTEMPTS, jitter: 0.5, retryAfterMs: 10 * s })).toEqual({ kind: 'give-up' });
  });

  it.each([
    ['a longer Retry-After wins', 2 * min, 2 * min],
    ['a shorter Retry-After keeps the schedule', 1 * s, 5 * s],
    ['Retry-After 0 keeps the schedule', 0, 5 * s],
    ['Retry-After beyond 24 h is clamped to 24 h', 48 * h, MAX_RETRY_DELAY_MS],
  ])('%s', (_case, retryAfterMs, delayMs) => {
    expect(nextRetryDelayMs({ attempt: 1, jitter: 0.5, retryAfterMs })).toEqual({ kind: 'retry', delayMs });
  });

  it.each([
    ['attempt 0', { attempt: 0, jitter: 0.5 }],
    ['a fractional attempt', { attempt: 1.5, jitter: 0.5 }],
    ['jitter 1', { attempt: 1, jitter: 1 }],
    ['negative jitter', { attempt: 1, jitter: -0.1 }],
    ['NaN jitter', { attempt: 1, jitter: Number.NaN }],
    ['a negative Retry-After', { attempt: 1, jitter: 0.5, retryAfterMs: -1 }],
    ['a NaN Retry-After', { attempt: 1, jitter: 0.5, retryAfterMs: Number.NaN }],
  ])('throws on %s', (_case, input) => {
    expect(() => nextRetryDelayMs(input)).toThrow(RangeError);
  });
});

describe('parseRetryAfter', () => {
  const nowMs = Date.UTC(2024, 0, 1, 0, 0, 0); // Mon, 01 Jan 2024 00:00:00 GMT

  it.each([
    ['delta-seconds', '120', 2 * min],
    ['zero seconds', '0', 0],
    ['delta-seconds with surrounding spaces', ' 30 ', 30 * s],
    ['exactly 24 h', '86400', 24 * h],
    ['more than 24 h, clamped', '86401', 24 * h],
    ['an enormous number, clamped', '9'.repeat(400), 24 * h],
    ['an IMF-fixdate 2 minutes ahead', 'Mon, 01 Jan 2024 00:02:00 GMT', 2 * min],
    ['an IMF-fixdate 3 days ahead, clamped', 'Thu, 04 Jan 2024 00:00:00 GMT', 24 * h],
    ['an IMF-fixdate in the past', 'Sun, 31 Dec 2023 23:59:00 GMT', 0],
    ['an IMF-fixdate equal to now', 'Mon, 01 Jan 2024 00:00:00 GMT', 0],
    ['an IMF-fixdate with a leap second', 'Mon, 01 Jan 2024 00:02:60 GMT', 2 * min + 59 * s],
    ['an obsolete RFC 850 date', 'Monday, 01-Jan-24 00:02:00 GMT', 2 * min],
    ['an obsolete asctime date', 'Mon Jan  1 00:02:00 2024', 2 * min],
  ])('reads %s', (_case, header, expected) => {
    expect(parseRetryAfter(header, nowMs)).toBe(expected);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['negative seconds', '-5'],
    ['signed seconds', '+5'],
    ['fractional seconds', '1.5'],
    ['digits then text', '12abc'],
    ['a word', 'soon'],
    ['an ISO 8601 date', '2024-01-01T00:02:00Z'],
    ['a date without weekday', '01 Jan 2024 00:02:00 GMT'],
    ['a date in another zone', 'Mon, 01 Jan 2024 00:02:00 UTC'],
    ['a day that does not exist', 'Fri, 30 Feb 2024 00:00:00 GMT'],
    ['day 32', 'Mon, 32 Jan 2024 00:00:00 GMT'],
    ['hour 24', 'Mon, 01 Jan 2024 24:00:00 GMT'],
    ['minute 60', 'Mon, 01 Jan 2024 00:60:00 GMT'],
    ['an unknown month', 'Mon, 01 Foo 2024 00:02:00 GMT'],
    ['a lower-case month', 'Mon, 01 jan 2024 00:02:00 GMT'],
    ['a one-digit day in IMF-fixdate', 'Mon, 1 Jan 2024 00:02:00 GMT'],
  ])('ignores %s', (_case, header) => {
    expect(parseRetryAfter(header, nowMs)).toBeUndefined();
  });

  it('reads a two-digit RFC 850 year more than 50 years ahead as the past', () => {
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', nowMs)).toBe(0);
  });
});

describe('planRetryTransport', () => {
  const nowMs = 1_700_000_000_000;

  it.each([
    [0, 0],
    [4_000, 4],
    [4_001, 5],
    [899_999, 900],
    [900_000, 900],
  ])('sends a %i ms delay on the queue with %i s', (delayMs, delaySeconds) => {
    expect(planRetryTransport({ delayMs, nowMs })).toEqual({ via: 'queue', delaySeconds, dueAtMs: nowMs + delaySeconds * s });
  });

  it.each([900_001, 30 * min, 24 * h])('stores a %i ms delay as due for the sweeper', (delayMs) => {
    expect(planRetryTransport({ delayMs, nowMs })).toEqual({ via: 'sweeper', dueAtMs: nowMs + delayMs });
  });

  it.each([-1, Number.NaN])('throws on delay %p', (delayMs) => {
    expect(() => planRetryTransport({ delayMs, nowMs })).toThrow(RangeError);
  });
});
