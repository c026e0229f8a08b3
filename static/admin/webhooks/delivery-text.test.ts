import { describe, expect, it } from '@jest/globals';
import type { DeliverySummaryDto } from '../../../src/shared/webhooks-contract';
import { attemptOutcome, clockTime, deliveryState, deliverySummary, disabledReasonText, failureText, hostOf, statusText } from './delivery-text';

const URL_ = 'https://hooks.example.com/projectrak';
const NOW = Date.UTC(2026, 11, 2, 13, 0);

type StateInput = Pick<DeliverySummaryDto, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError'> & Partial<Pick<DeliverySummaryDto, 'ordered' | 'cancelledAt' | 'cancelledBy'>>;
const delivery = (overrides: Partial<StateInput> = {}): StateInput => ({ status: 'pending', attempts: 0, nextAttemptAt: null, lastStatusCode: null, lastError: null, ...overrides });

describe('failureText', () => {
  it('names the receiver answer with its reason phrase', () => {
    expect(failureText({ url: URL_, statusCode: 404, error: 'request rejected (HTTP 404)' })).toBe('The receiver answered 404 Not Found');
    expect(failureText({ url: URL_, statusCode: 500, error: 'receiver error (HTTP 500)' })).toBe('The receiver answered 500 Internal Server Error');
    expect(failureText({ url: URL_, statusCode: 599, error: 'receiver error (HTTP 599)' })).toBe('The receiver answered 599');
    expect(failureText({ url: URL_, statusCode: 301, error: 'redirect not followed (HTTP 301 to https://x)' })).toMatch(/^The receiver answered 301 Moved Permanently \(redirects are not followed/);
  });

  it('says what stopped a request that got no answer, naming the host and not the raw error', () => {
    expect(failureText({ url: URL_, statusCode: null, error: 'connection failed: fetch failed: connect ECONNREFUSED 127.0.0.1:4349 (ECONNREFUSED)' })).toBe('Could not connect to hooks.example.com');
    expect(failureText({ url: 'https://127.0.0.1:4349/x', statusCode: null, error: 'connection failed' })).toBe('Could not connect to 127.0.0.1:4349');
    expect(failureText({ url: URL_, statusCode: null, error: 'request timed out: after 10000 ms' })).toBe('hooks.example.com did not answer in time');
    expect(failureText({ url: URL_, statusCode: null, error: 'DNS lookup failed: ENOTFOUND' })).toBe('Could not find hooks.example.com (its name does not resolve)');
    expect(failureText({ url: URL_, statusCode: null, error: 'TLS handshake failed: self-signed certificate' })).toMatch(/^Could not set up a secure connection to hooks\.example\.com/);
    expect(failureText({ url: URL_, statusCode: null, error: 'blocked by the URL policy: 10.0.0.7 is private' })).toBe('hooks.example.com leads to an address webhooks may not be sent to');
  });

  it('is null when nothing failed, and keeps a sentence it does not know', () => {
    expect(failureText({ url: URL_, statusCode: 200, error: null })).toBeNull();
    expect(failureText({ url: URL_, statusCode: null, error: null })).toBeNull();
    expect(failureText({ url: URL_, statusCode: null, error: 'something new' })).toBe('Something new');
  });

  it('statusText and hostOf', () => {
    expect(statusText(429)).toBe('429 Too Many Requests');
    expect(hostOf('not a url')).toBe('not a url');
  });
});

describe('deliveryState', () => {
  it('a pending delivery that failed before is retrying, with the attempt coming and its time', () => {
    const state = deliveryState(delivery({ attempts: 2, nextAttemptAt: Date.UTC(2026, 11, 2, 14, 5), lastStatusCode: 500, lastError: 'receiver error (HTTP 500)' }), NOW, 'UTC');
    expect(state).toEqual({ label: 'Retrying', appearance: 'moved', sentence: 'Retrying, attempt 3 of 8, next at 14:05' });
  });

  it('says the day when the next attempt is not today, and "due now" once it is due', () => {
    expect(deliveryState(delivery({ attempts: 6, nextAttemptAt: Date.UTC(2026, 11, 3, 2, 0), lastError: 'request timed out' }), NOW, 'UTC').sentence).toBe('Retrying, attempt 7 of 8, next at Dec 3, 02:00');
    expect(deliveryState(delivery({ attempts: 1, nextAttemptAt: NOW - 1, lastError: 'connection failed' }), NOW, 'UTC').sentence).toBe('Retrying, attempt 2 of 8, due now');
  });

  it('a redelivered delivery past the schedule length has no "of 8"', () => {
    expect(deliveryState(delivery({ attempts: 9, nextAttemptAt: NOW + 60_000, lastStatusCode: 503 }), NOW, 'UTC').sentence).toBe('Retrying, attempt 10, next at 13:01');
  });

  it('a delivery sent fine and asked for again is being sent again, not retrying', () => {
    expect(deliveryState(delivery({ attempts: 1, nextAttemptAt: NOW, lastStatusCode: 200 }), NOW, 'UTC')).toEqual({ label: 'Waiting', appearance: 'inprogress', sentence: 'Sending again, attempt 2, due now' });
  });

  it('a change waiting behind an earlier one of its project says so, with the latest time it goes', () => {
    expect(deliveryState(delivery({ attempts: 0, nextAttemptAt: Date.UTC(2026, 11, 2, 14, 5), ordered: true }), NOW, 'UTC')).toEqual({
      label: 'Waiting',
      appearance: 'inprogress',
      sentence: 'Waiting for an earlier change of its project, next at 14:05 at the latest',
    });
    // A test or a redelivery does not wait for its project.
    expect(deliveryState(delivery({ attempts: 0, nextAttemptAt: Date.UTC(2026, 11, 2, 14, 5), ordered: false }), NOW, 'UTC').sentence).toBe('First attempt at 14:05');
  });

  it('a cancelled delivery says when', () => {
    expect(deliveryState(delivery({ status: 'cancelled', cancelledAt: Date.UTC(2026, 11, 2, 12, 30), cancelledBy: 'acc-1' }), NOW, 'UTC').sentence).toBe('Cancelled at 12:30');
  });

  it('waiting, delivered, failed, cancelled, and a status this UI does not know', () => {
    expect(deliveryState(delivery(), NOW).label).toBe('Waiting');
    expect(deliveryState(delivery({ status: 'delivered', attempts: 1 }), NOW)).toEqual({ label: 'Delivered', appearance: 'success', sentence: null });
    expect(deliveryState(delivery({ status: 'delivered', attempts: 3 }), NOW).sentence).toBe('Delivered on attempt 3');
    expect(deliveryState(delivery({ status: 'failed', attempts: 8 }), NOW)).toEqual({ label: 'Failed', appearance: 'removed', sentence: 'Gave up after 8 attempts' });
    expect(deliveryState(delivery({ status: 'cancelled' }), NOW).label).toBe('Cancelled');
    expect(deliveryState(delivery({ status: 'sending' as DeliverySummaryDto['status'] }), NOW)).toEqual({ label: 'Sending', appearance: 'default', sentence: null });
  });
});

describe('attemptOutcome', () => {
  it('only the latest attempt of a pending delivery will retry; earlier ones were retried', () => {
    expect(attemptOutcome({ outcome: 'retry' }, true).label).toBe('Failed, will retry');
    expect(attemptOutcome({ outcome: 'retry' }, false).label).toBe('Failed, retried');
  });
});

describe('clockTime', () => {
  it('is the time today, the day and time otherwise', () => {
    expect(clockTime(Date.UTC(2026, 11, 2, 9, 7), NOW, 'UTC')).toBe('09:07');
    expect(clockTime(Date.UTC(2026, 11, 1, 23, 59), NOW, 'UTC')).toBe('Dec 1, 23:59');
  });
});

describe('disabledReasonText', () => {
  it('says what a 410 means, and keeps the sentences of the automatic rule', () => {
    expect(disabledReasonText('endpoint gone (HTTP 410)')).toBe('The receiver answered 410 Gone, which means it wants no more requests.');
    expect(disabledReasonText('No successful delivery since 2026-01-01.')).toBe('No successful delivery since 2026-01-01.');
  });
});

describe('deliverySummary', () => {
  it('says what the delivery is doing and, unless delivered, what went wrong, once', () => {
    const retrying = delivery({ attempts: 2, nextAttemptAt: Date.UTC(2026, 11, 2, 14, 5), lastStatusCode: 500, lastError: 'receiver error (HTTP 500)' });
    expect(deliverySummary(retrying, URL_, NOW, 'UTC')).toBe('Retrying, attempt 3 of 8, next at 14:05 · The receiver answered 500 Internal Server Error');
    expect(deliverySummary(delivery({ status: 'delivered', attempts: 1, lastStatusCode: 200 }), URL_, NOW, 'UTC')).toBe('1 attempt · answered 200 OK');
    expect(deliverySummary(delivery({ status: 'delivered', attempts: 2, lastStatusCode: 204 }), URL_, NOW, 'UTC')).toBe('Delivered on attempt 2 · answered 204 No Content');
    expect(deliverySummary(delivery({ status: 'failed', attempts: 8, lastError: 'connection failed: ECONNREFUSED' }), URL_, NOW, 'UTC')).toBe('Gave up after 8 attempts · Could not connect to hooks.example.com');
    expect(deliverySummary(delivery(), URL_, NOW, 'UTC')).toBe('Waiting for its first attempt');
  });
});
