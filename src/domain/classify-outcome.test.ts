import {
  AUTO_DISABLE_AFTER_MS,
  classifyOutcome,
  lastResultOf,
  shouldAutoDisable,
  type AttemptResult,
  type AutoDisableInput,
  type TransportErrorKind,
} from './classify-outcome';

const nowMs = Date.UTC(2024, 0, 1, 0, 0, 0); // Mon, 01 Jan 2024 00:00:00 GMT
const response = (status: number, headers: Record<string, string> = {}): AttemptResult => ({ kind: 'response', status, headers, nowMs });

describe('classifyOutcome of a response', () => {
  it.each([200, 201, 204, 299])('HTTP %i is delivered', (status) => {
    expect(classifyOutcome(response(status))).toEqual({ outcome: 'delivered' });
  });

  it('HTTP 410 disables the webhook', () => {
    expect(classifyOutcome(response(410))).toEqual({ outcome: 'disable-webhook', reason: 'endpoint gone (HTTP 410)' });
  });

  it('HTTP 410 disables the webhook even with a Retry-After', () => {
    expect(classifyOutcome(response(410, { 'retry-after': '60' }))).toEqual({ outcome: 'disable-webhook', reason: 'endpoint gone (HTTP 410)' });
  });

  it.each([
    [301, 'https://new.example.com/hook', 'redirect not followed (HTTP 301 to https://new.example.com/hook)'],
    [302, 'https://example.com/login', 'redirect not followed (HTTP 302 to https://example.com/login)'],
    [307, '/elsewhere', 'redirect not followed (HTTP 307 to /elsewhere)'],
    [308, 'https://example.com/v2', 'redirect not followed (HTTP 308 to https://example.com/v2)'],
  ])('HTTP %i is retried, naming the Location', (status, location, reason) => {
    expect(classifyOutcome(response(status, { Location: location }))).toStrictEqual({ outcome: 'retry', reason });
  });

  it('HTTP 304 without a Location is retried as a redirect not followed', () => {
    expect(classifyOutcome(response(304))).toStrictEqual({ outcome: 'retry', reason: 'redirect not followed (HTTP 304)' });
  });

  it('a very long Location is shortened in the reason', () => {
    const outcome = classifyOutcome(response(302, { location: `https://example.com/${'a'.repeat(1000)}` }));
    expect(outcome).toEqual({ outcome: 'retry', reason: expect.stringMatching(/^redirect not followed \(HTTP 302 to https:\/\/example\.com\/a{280}a*…\)$/) });
    expect(outcome.outcome === 'retry' && outcome.reason.length).toBeLessThan(400);
  });

  it.each([
    [100, 'unexpected informational response (HTTP 100)'],
    [101, 'unexpected informational response (HTTP 101)'],
    [400, 'request rejected (HTTP 400)'],
    [401, 'request rejected (HTTP 401)'],
    [404, 'request rejected (HTTP 404)'],
    [408, 'request rejected (HTTP 408)'],
    [409, 'request rejected (HTTP 409)'],
    [413, 'request rejected (HTTP 413)'],
    [429, 'rate limited (HTTP 429)'],
    [500, 'receiver error (HTTP 500)'],
    [502, 'receiver unavailable (HTTP 502)'],
    [503, 'receiver unavailable (HTTP 503)'],
    [504, 'receiver unavailable (HTTP 504)'],
    [0, 'invalid HTTP status 0'],
    [600, 'invalid HTTP status 600'],
  ])('HTTP %i is retried on the schedule', (status, reason) => {
    expect(classifyOutcome(response(status))).toStrictEqual({ outcome: 'retry', reason });
  });

  it.each([
    [429, 'retry-after', '120', 120_000],
    [429, 'Retry-After', 'Mon, 01 Jan 2024 00:05:00 GMT', 300_000],
    [503, 'retry-after', '30', 30_000],
    [502, 'retry-after', '0', 0],
    [504, 'RETRY-AFTER', '172800', 86_400_000],
    [500, 'retry-after', '60', 60_000],
    [302, 'retry-after', '60', 60_000],
    [429, 'retry-after', 'Sun, 31 Dec 2023 00:00:00 GMT', 0],
  ])('HTTP %i with %s: %s is retried no sooner than %i ms', (status, name, value, retryAfterMs) => {
    expect(classifyOutcome(response(status, { [name]: value }))).toEqual({ outcome: 'retry', reason: expect.any(String), retryAfterMs });
  });

  it('HTTP 429 with an unreadable Retry-After is retried on the schedule', () => {
    expect(classifyOutcome(response(429, { 'retry-after': 'later' }))).toStrictEqual({ outcome: 'retry', reason: 'rate limited (HTTP 429)' });
  });
});

describe('classifyOutcome of a transport error', () => {
  it.each<[TransportErrorKind, string, string]>([
    ['timeout', 'no response within 10 s', 'request timed out: no response within 10 s'],
    ['dns', 'ENOTFOUND hooks.example.com', 'DNS lookup failed: ENOTFOUND hooks.example.com'],
    ['tls', 'certificate has expired', 'TLS handshake failed: certificate has expired'],
    ['connection', 'ECONNREFUSED', 'connection failed: ECONNREFUSED'],
    ['blocked', 'hooks.example.com resolves to 10.0.0.5', 'blocked by the URL policy: hooks.example.com resolves to 10.0.0.5'],
    ['other', 'socket hang up', 'request failed: socket hang up'],
    ['other', '', 'request failed'],
  ])('%s is retried with reason "%s"', (error, message, reason) => {
    expect(classifyOutcome({ kind: 'error', error, message })).toStrictEqual({ outcome: 'retry', reason });
  });
});

describe('lastResultOf', () => {
  it.each([
    [200, 'OK'],
    [204, 'OK'],
    [299, 'OK'],
    [199, 'ERROR'],
    [302, 'ERROR'],
    [410, 'ERROR'],
    [500, 'ERROR'],
    [undefined, 'ERROR'],
  ])('HTTP %p is %s', (status, result) => {
    expect(lastResultOf(status)).toBe(result);
  });
});

describe('shouldAutoDisable', () => {
  const day = 24 * 60 * 60 * 1000;
  const createdAt = Date.UTC(2023, 11, 1);
  const lastSuccess = Date.UTC(2023, 11, 20, 12, 0, 0);
  const input = (override: Partial<AutoDisableInput>): AutoDisableInput => ({
    lastSuccessAtMs: lastSuccess,
    webhookCreatedAtMs: createdAt,
    failedDeliveriesSince: 5,
    nowMs: lastSuccess + 5 * day,
    ...override,
  });

  it('is 5 days', () => {
    expect(AUTO_DISABLE_AFTER_MS).toBe(5 * day);
  });

  it('disables after 5 days without success and 5 failed deliveries, saying since when', () => {
    expect(shouldAutoDisable(input({}))).toEqual({
      disable: true,
      sinceMs: lastSuccess,
      reason: 'No successful delivery since 2023-12-20T12:00:00.000Z and 5 failed deliveries in that time. Fix the receiver, then re-enable the webhook.',
    });
  });

  it('counts from the creation when the webhook never succeeded', () => {
    expect(shouldAutoDisable(input({ lastSuccessAtMs: null, nowMs: createdAt + 6 * day, failedDeliveriesSince: 12 }))).toEqual({
      disable: true,
      sinceMs: createdAt,
      reason: 'No successful delivery since the webhook was created (2023-12-01T00:00:00.000Z) and 12 failed deliveries in that time. Fix the receiver, then re-enable the webhook.',
    });
  });

  it.each<[string, Partial<AutoDisableInput>]>([
    ['a success less than 5 days ago', { nowMs: lastSuccess + 5 * day - 1 }],
    ['fewer than 5 failed deliveries', { failedDeliveriesSince: 4, nowMs: lastSuccess + 30 * day }],
    ['no failed delivery', { failedDeliveriesSince: 0, nowMs: lastSuccess + 30 * day }],
    ['a new webhook that never succeeded', { lastSuccessAtMs: null, nowMs: createdAt + 4 * day, failedDeliveriesSince: 50 }],
  ])('keeps the webhook enabled with %s', (_case, override) => {
    expect(shouldAutoDisable(input(override))).toEqual({ disable: false });
  });
});
