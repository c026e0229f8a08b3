import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queriesCaughtUp, startTestHost, type TestHost } from '../support/host-fixture';
import { closedPort, startFaultReceiver, type Fault, type FaultReceiver } from '../support/fault-receiver';
import { consumerFailures } from '../support/storage-dump';

/**
 * The receiver fault matrix (issue 11, issue 7 "Bad input"): every way a receiver can misbehave
 * ends as DESIGN.md section 6 says — a failed attempt with its reason, the next attempt on the
 * schedule (or when Retry-After asks), 410 disables — on the virtual clock, and the drain never
 * crashes. Real seconds are spent only on the two cases that must wait for the 10 s time-out.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let tlsDir: string;
let otherTlsDir: string;
let receiver: FaultReceiver;
/** Same loopback address, a certificate the host does not trust. */
let untrusted: FaultReceiver;
let t: TestHost;

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'prw-faults-'));
  otherTlsDir = mkdtempSync(join(tmpdir(), 'prw-faults-untrusted-'));
  receiver = await startFaultReceiver({ tlsDir });
  untrusted = await startFaultReceiver({ tlsDir: otherTlsDir });
});

afterAll(async () => {
  await Promise.all([receiver.stop(), untrusted.stop()]);
  rmSync(tlsDir, { recursive: true, force: true });
  rmSync(otherTlsDir, { recursive: true, force: true });
});

beforeEach(async () => {
  // The consumers' one-line summaries would bury the test output; errors and warnings still show.
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  receiver.clear();
  t = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, log: () => undefined });
});

afterEach(async () => {
  // Whatever the receiver did, no consumer invocation threw or ran past its time-out.
  expect(consumerFailures(t.host)).toEqual([]);
  expect(t.host.usage().total.callsAfterTimeout).toBe(0);
  await t.stop();
  jest.restoreAllMocks();
});

async function createHook(name: string, url: string): Promise<string> {
  return (await t.invokeOk('admin', 'createWebhook', { name: `Hook ${name}`, url })).webhook.id;
}

async function saveBudget(value: number): Promise<void> {
  const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
  const budget = view.fields.find((f) => f.name === 'Budget');
  await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [String(budget?.id)]: value } });
}

/** The webhook's only delivery, with its attempts (newest first). */
async function onlyDelivery(webhookId: string) {
  // The log is an index query: on Forge (and in strict fidelity) it lags writes.
  await queriesCaughtUp();
  const log = await t.invokeOk('admin', 'listDeliveries', { webhookId });
  expect(log.deliveries).toHaveLength(1);
  return t.invokeOk('admin', 'getDelivery', { deliveryId: log.deliveries[0]?.id ?? '' });
}

async function advance(ms: number): Promise<void> {
  await t.host.advanceClock(ms);
  await t.host.settle();
}

type RetryCase = { name: string; fault: Fault; status: number | null; error: RegExp };

const retried: RetryCase[] = [
  { name: 'http-500', fault: { kind: 'answer', status: 500, body: 'boom' }, status: 500, error: /^receiver error \(HTTP 500\)$/ },
  { name: 'http-502', fault: { kind: 'answer', status: 502 }, status: 502, error: /^receiver unavailable \(HTTP 502\)$/ },
  { name: 'http-503', fault: { kind: 'answer', status: 503 }, status: 503, error: /^receiver unavailable \(HTTP 503\)$/ },
  { name: 'http-429-no-retry-after', fault: { kind: 'answer', status: 429 }, status: 429, error: /^rate limited \(HTTP 429\)$/ },
  { name: 'reset', fault: { kind: 'reset' }, status: null, error: /^connection failed: / },
];

describe('a failing receiver: a failed attempt with its reason, the next one 5 s later (+-20%), then delivered', () => {
  it.each(retried)('$name', async ({ name, fault, status, error }) => {
    const id = await createHook(name, receiver.hookUrl(name));
    receiver.on(name, fault);
    await saveBudget(1);
    await t.host.settle();

    const first = await onlyDelivery(id);
    expect(first.status).toBe('pending');
    const [attempt] = first.attemptLog;
    expect(attempt).toMatchObject({ attempt: 1, outcome: 'retry', responseStatus: status });
    expect(attempt?.error).toMatch(error);
    const ended = (attempt?.startedAt ?? 0) + (attempt?.durationMs ?? 0);
    expect(attempt?.nextAttemptAt).toBeGreaterThanOrEqual(ended + 4 * SECOND - 1000);
    expect(attempt?.nextAttemptAt).toBeLessThanOrEqual(ended + 6 * SECOND + 1000);
    expect(first.nextAttemptAt).toBe(attempt?.nextAttemptAt);
    const webhook = await t.invokeOk('admin', 'getWebhook', { id });
    expect(webhook.active).toBe(true);
    expect(webhook.status).toMatchObject({ lastResult: 'ERROR', lastStatusCode: status });
    expect(webhook.health).toMatchObject({ attempts24h: 1, failures24h: 1, pending: 1 });

    receiver.on(name, undefined);
    await advance(7 * SECOND);
    expect(receiver.received(name).map((r) => r.attempt)).toEqual([1, 2]);
    expect(new Set(receiver.received(name).map((r) => r.webhookId)).size).toBe(1);
    const after = await onlyDelivery(id);
    expect(after.status).toBe('delivered');
    expect(after.attemptLog.map((a) => a.outcome)).toEqual(['delivered', 'retry']);
    expect((await t.invokeOk('admin', 'getWebhook', { id })).status).toMatchObject({ lastResult: 'OK', lastStatusCode: 200 });
  });
});

describe('Retry-After: the next attempt no sooner than the receiver asks', () => {
  it('429 with Retry-After: 120 (seconds): not at 5 s, not at 60 s, but after 120 s (a delayed wake-up)', async () => {
    const id = await createHook('ra-seconds', receiver.hookUrl('ra-seconds'));
    receiver.on('ra-seconds', { kind: 'answer', status: 429, headers: { 'retry-after': '120' } });
    await saveBudget(2);
    await t.host.settle();
    const [attempt] = (await onlyDelivery(id)).attemptLog;
    expect(attempt?.error).toBe('rate limited (HTTP 429)');
    expect(attempt?.responseHeaders['retry-after']).toBe('120');
    expect(attempt?.nextAttemptAt).toBeGreaterThanOrEqual((attempt?.startedAt ?? 0) + 120 * SECOND);

    receiver.on('ra-seconds', undefined);
    await advance(60 * SECOND);
    expect(receiver.received('ra-seconds')).toHaveLength(1);
    await advance(65 * SECOND);
    const got = receiver.received('ra-seconds');
    expect(got.map((r) => r.attempt)).toEqual([1, 2]);
    expect((got[1]?.at ?? 0) - (got[0]?.at ?? 0)).toBeGreaterThanOrEqual(120 * SECOND);
    expect((await onlyDelivery(id)).status).toBe('delivered');
  });

  it('503 with Retry-After as an HTTP-date 20 min ahead: beyond the queue’s 900 s, the sweeper brings it, not before the date', async () => {
    const id = await createHook('ra-date', receiver.hookUrl('ra-date'));
    const retryAt = new Date(Date.now() + 20 * MINUTE);
    receiver.on('ra-date', { kind: 'answer', status: 503, headers: { 'retry-after': retryAt.toUTCString() } });
    await saveBudget(3);
    await t.host.settle();
    const [attempt] = (await onlyDelivery(id)).attemptLog;
    expect(attempt?.error).toBe('receiver unavailable (HTTP 503)');
    // HTTP-dates have whole seconds.
    const asked = Math.floor(retryAt.getTime() / SECOND) * SECOND;
    expect(attempt?.nextAttemptAt).toBeGreaterThanOrEqual(asked);

    receiver.on('ra-date', undefined);
    for (let i = 0; i < 3; i += 1) await advance(5 * MINUTE);
    expect(receiver.received('ra-date')).toHaveLength(1);
    for (let i = 0; i < 4; i += 1) await advance(5 * MINUTE);
    const got = receiver.received('ra-date');
    expect(got.map((r) => r.attempt)).toEqual([1, 2]);
    expect(got[1]?.at).toBeGreaterThanOrEqual(asked);
    expect((await onlyDelivery(id)).status).toBe('delivered');
  });
});

describe('410 Gone', () => {
  it('disables the webhook at once, says why, fails the delivery; nothing more is sent', async () => {
    const id = await createHook('gone', receiver.hookUrl('gone'));
    receiver.on('gone', { kind: 'answer', status: 410 });
    await saveBudget(4);
    await t.host.settle();
    const delivery = await onlyDelivery(id);
    expect(delivery.status).toBe('failed');
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attemptLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'disabled', responseStatus: 410, nextAttemptAt: null, error: 'endpoint gone (HTTP 410)' })]);
    const webhook = await t.invokeOk('admin', 'getWebhook', { id });
    expect(webhook).toMatchObject({ active: false, disabledReason: expect.stringMatching(/410/), disabledAt: expect.any(Number) });
    expect(webhook.status).toMatchObject({ lastResult: 'ERROR', lastStatusCode: 410 });

    await saveBudget(5);
    await advance(2 * 60 * MINUTE);
    expect(receiver.received('gone')).toHaveLength(1);
  });
});

describe('redirects are never followed: a 3xx is a failed attempt naming where it pointed', () => {
  it.each([301, 302, 307])('HTTP %i', async (status) => {
    const name = `redirect-${status}`;
    const id = await createHook(name, receiver.hookUrl(name));
    receiver.on(name, { kind: 'answer', status, headers: { location: receiver.hookUrl('redirect-target') } });
    await saveBudget(status);
    await t.host.settle();
    const delivery = await onlyDelivery(id);
    expect(delivery.status).toBe('pending');
    expect(delivery.attemptLog[0]).toMatchObject({ attempt: 1, outcome: 'retry', responseStatus: status, error: `redirect not followed (HTTP ${status} to ${receiver.hookUrl('redirect-target')})` });
    expect(receiver.received('redirect-target')).toHaveLength(0);
    expect((await t.invokeOk('admin', 'getWebhook', { id })).status).toMatchObject({ lastResult: 'ERROR', lastStatusCode: status });
  });
});

describe('transport failures: retried with the reason', () => {
  it('connection refused', async () => {
    const id = await createHook('refused', `https://127.0.0.1:${await closedPort()}/hooks/refused`);
    await saveBudget(6);
    await t.host.settle();
    const delivery = await onlyDelivery(id);
    expect(delivery.status).toBe('pending');
    expect(delivery.attemptLog[0]).toMatchObject({ attempt: 1, outcome: 'retry', responseStatus: null });
    expect(delivery.attemptLog[0]?.error).toMatch(/^connection failed: .*ECONNREFUSED/);
    expect((await t.invokeOk('admin', 'getWebhook', { id })).status).toMatchObject({ lastResult: 'ERROR', lastStatusCode: null });
  });

  it('a certificate the host does not trust (self-signed by someone else): TLS failure, nothing reaches the receiver', async () => {
    const id = await createHook('bad-tls', untrusted.hookUrl('bad-tls'));
    await saveBudget(7);
    await t.host.settle();
    const delivery = await onlyDelivery(id);
    expect(delivery.status).toBe('pending');
    expect(delivery.attemptLog[0]).toMatchObject({ attempt: 1, outcome: 'retry', responseStatus: null });
    expect(delivery.attemptLog[0]?.error).toMatch(/^TLS handshake failed: /);
    expect(untrusted.received()).toHaveLength(0);
  });

  it(
    'a receiver that never answers and one that trickles its body for ever: both end at the 10 s time-out (real seconds, run together)',
    async () => {
      const hang = await createHook('hang', receiver.hookUrl('hang'));
      const trickle = await createHook('trickle', receiver.hookUrl('trickle'));
      receiver.on('hang', { kind: 'hang' });
      receiver.on('trickle', { kind: 'trickle', intervalMs: 200 });
      await saveBudget(8);
      await t.host.settle(40_000);

      const hung = await onlyDelivery(hang);
      expect(hung.status).toBe('pending');
      expect(hung.attemptLog[0]).toMatchObject({ attempt: 1, outcome: 'retry', responseStatus: null, error: 'request timed out: no answer within 10 s' });
      expect(hung.attemptLog[0]?.durationMs).toBeGreaterThanOrEqual(10 * SECOND - 50);

      const trickled = await onlyDelivery(trickle);
      expect(trickled.status).toBe('pending');
      expect(trickled.attemptLog[0]).toMatchObject({ attempt: 1, outcome: 'retry' });
      expect(trickled.attemptLog[0]?.error).toBe('request timed out: HTTP 200; the response body did not finish within 10 s');
      // Each was attempted once: the time-out is the attempt's end, not a reason to try again at once.
      expect(receiver.received('hang')).toHaveLength(1);
      expect(receiver.received('trickle')).toHaveLength(1);
    },
    60_000,
  );

  it('a 10 MB answer: delivered, only the first 4 KB kept, and the rest is never read', async () => {
    const id = await createHook('big', receiver.hookUrl('big'));
    const before = receiver.bigBytesWritten();
    receiver.on('big', { kind: 'big', bytes: 10 * 1024 * 1024 });
    await saveBudget(9);
    await t.host.settle();
    const delivery = await onlyDelivery(id);
    expect(delivery.status).toBe('delivered');
    const [attempt] = delivery.attemptLog;
    expect(attempt).toMatchObject({ attempt: 1, outcome: 'delivered', responseStatus: 200, error: null });
    expect(attempt?.responseBodyExcerpt).toBe('y'.repeat(4096));
    // The stream was cancelled after the excerpt: most of the 10 MB was never even written.
    expect(receiver.bigBytesWritten() - before).toBeLessThan(5 * 1024 * 1024);
  });
});
