import { kvs } from '@forge/kvs';
import { Webhook } from 'standardwebhooks';
import { deliveryStamp } from '../../src/forge/stored-delivery';
import { asApp, queriesCaughtUp } from '../support/host-fixture';
import { webhookFixture, type WebhookFixture } from '../support/webhook-fixture';

let f: WebhookFixture;

beforeAll(async () => {
  f = await webhookFixture();
});
afterAll(async () => {
  await f.close();
});
beforeEach(async () => {
  await f.start();
});
afterEach(async () => {
  await f.stopAll();
});

const MINUTE = 60_000;
const attemptsOf = (hook: string) => f.receiver.received(hook).map((r) => `${r.headers['webhook-id']}#${r.headers['webhook-attempt']}`);

describe('the drain', () => {
  it('circuit breaker: after 3 consecutive failures the rest wait for the failed one’s next attempt, not counted as attempts', async () => {
    const t = f.host();
    // One request at a time, so "3 in a row" is exact; six projects, so none waits for another.
    const hook = await f.createHook('dead', { maxInFlight: 1 });
    const projects = f.addProjects(6);
    f.receiver.respondWith('dead', { status: 503 });
    // Six changes pile up while the queue is stopped, so one drain finds them all due.
    await t.host.queues.stop();
    for (const [i, key] of projects.entries()) await f.saveProject(key, { Budget: i + 1 });
    t.host.queues.start();
    await t.host.settle();
    expect(f.receiver.received('dead')).toHaveLength(3);
    await queriesCaughtUp();
    const log = await t.invokeOk('admin', 'listDeliveries', { webhookId: hook.id, limit: 10 });
    expect(log.deliveries).toHaveLength(6);
    expect(log.deliveries.every((d) => d.status === 'pending')).toBe(true);
    const attempted = log.deliveries.filter((d) => d.attempts === 1);
    const waiting = log.deliveries.filter((d) => d.attempts === 0);
    expect(attempted).toHaveLength(3);
    expect(waiting).toHaveLength(3);
    // They wait for the attempt that opened the circuit (the third failure), together.
    expect(new Set(waiting.map((d) => d.nextAttemptAt)).size).toBe(1);
    expect(attempted.map((d) => d.nextAttemptAt)).toContain(waiting[0]?.nextAttemptAt);

    // The receiver is back: everything goes, in change order, each once more or for the first time.
    f.receiver.respondWith('dead', undefined);
    await t.host.advanceClock(10_000);
    await t.host.settle();
    const got = f.receiver.received('dead').reverse();
    expect(got).toHaveLength(9);
    const budgets = got.slice(3).map((r) => JSON.parse(r.body).data.fields[0].value.current);
    expect(budgets).toEqual(['1.000', '2.000', '3.000', '4.000', '5.000', '6.000']);
    expect(new Set(attemptsOf('dead')).size).toBe(9);
  });

  it('two drains racing for one webhook: each delivery is attempted once, attempt numbers never repeat', async () => {
    const t = f.host();
    const hook = await f.createHook('race');
    f.receiver.respondWith('race', { status: 200, delayMs: 100 });
    await t.host.queues.stop();
    for (let i = 1; i <= 4; i += 1) await f.saveDemo({ Budget: i });
    // Fan out by hand (once the index shows the changes), then wake the drain three times at once.
    // The clock moves past the index lag directly: the stopped queue would never be idle.
    await t.host.clock.advance(2_000);
    await t.host.runtime.invokeConsumer('field-changes', { body: { schemaVersion: 2, changeIds: [] }, eventId: 'e1' });
    await t.host.clock.advance(2_000);
    const body = { schemaVersion: 1, webhookId: hook.id, deliveryIds: [] };
    await Promise.all([1, 2, 3].map((n) => t.host.runtime.invokeConsumer('deliveries', { body, eventId: `race-${n}` })));
    t.host.queues.start();
    await t.host.settle();
    const seen = attemptsOf('race');
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect(seen.every((s) => s.endsWith('#1'))).toBe(true);
    const webhook = await t.invokeOk('admin', 'getWebhook', { id: hook.id });
    expect(webhook.health).toMatchObject({ attempts24h: 4, failures24h: 0, pending: 0 });
  });

  it('a retry beyond the queue’s 900 s is woken by the sweeper; attempts keep their numbers and the webhook-id', async () => {
    const t = f.host();
    await f.createHook('slow');
    f.receiver.respondWith('slow', { status: 500 });
    await f.saveDemo({ Budget: 9 });
    await t.host.settle();
    await t.host.advanceClock(7_000); // attempt 2 after 5 s (+20%)
    await t.host.settle();
    await t.host.advanceClock(7 * MINUTE); // attempt 3 after 5 min (+20%), a delayed wake-up
    await t.host.settle();
    expect(attemptsOf('slow').map((a) => a.split('#')[1])).toEqual(['3', '2', '1']);
    // Attempt 4 is due 30 min (+-20%) later: beyond the queue's delay, the sweeper wakes it.
    f.receiver.respondWith('slow', undefined);
    for (let i = 0; i < 8; i += 1) {
      await t.host.advanceClock(5 * MINUTE);
      await t.host.settle();
    }
    const seen = attemptsOf('slow');
    expect(seen.map((a) => a.split('#')[1])).toEqual(['4', '3', '2', '1']);
    expect(new Set(seen.map((a) => a.split('#')[0])).size).toBe(1);
  });

  it('a drain that dies after claiming an attempt: the attempt is logged as interrupted and the next one has a new number', async () => {
    let failNextResult = true;
    await f.stopAll();
    const t = await f.start({
      interceptPlatform: async (request, next) => {
        // Lose the drain's write of the first attempt's outcome (its attempt record), as if the function died there.
        if (failNextResult && request.path === '/api/v1/transaction' && request.body?.includes('"responseStatus"')) {
          failNextResult = false;
          return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'injected' }), { status: 500, headers: { 'content-type': 'application/json' } });
        }
        return next();
      },
    });
    const hook = await f.createHook('crash');
    await f.saveDemo({ Budget: 3 });
    await t.host.settle();
    expect(attemptsOf('crash').map((a) => a.split('#')[1])).toEqual(['1']);
    // The claim runs out (2.5 min); the sweeper or a delayed wake-up brings the next drain.
    for (let i = 0; i < 3; i += 1) {
      await t.host.advanceClock(2 * MINUTE);
      await t.host.settle();
    }
    expect(attemptsOf('crash').map((a) => a.split('#')[1])).toEqual(['2', '1']);
    await queriesCaughtUp();
    const [delivery] = (await t.invokeOk('admin', 'listDeliveries', { webhookId: hook.id })).deliveries;
    const detail = await t.invokeOk('admin', 'getDelivery', { deliveryId: delivery?.id ?? '' });
    expect(detail.status).toBe('delivered');
    expect(detail.attemptLog.map((a) => [a.attempt, a.outcome])).toEqual([
      [2, 'delivered'],
      [1, 'interrupted'],
    ]);
  });

  it('a drain refused by the storage rate limit comes back within 30 s and takes back the lease the refusal left held (not 150 s later)', async () => {
    await f.stopAll();
    // The drain's claim (a transaction writing deliveries) answers 429, then so does its release of the lease.
    let refuse = 2;
    const t = await f.start({
      interceptPlatform: async (request, next) => {
        const claimOrAfter = refuse === 1 || request.body?.includes('"entityName":"delivery"') === true;
        if (request.path === '/api/v1/transaction' && request.invocation?.functionKey === 'deliveries-fn' && refuse > 0 && claimOrAfter) {
          refuse -= 1;
          return new Response(JSON.stringify({ code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' }), { status: 429, headers: { 'content-type': 'application/json' } });
        }
        return next();
      },
    });
    await f.createHook('limited');
    await f.saveDemo({ Budget: 1 });
    await t.host.settle();
    expect(refuse).toBe(0);
    expect(f.receiver.received('limited')).toHaveLength(0);
    for (let waited = 0; waited < 30_000; waited += 5_000) {
      await t.host.advanceClock(5_000);
      await t.host.settle();
    }
    expect(attemptsOf('limited').map((a) => a.split('#')[1])).toEqual(['1']);
  });

  it('a change saved right after a delayed retry’s drain is sent at once (the used wake-up does not count as on its way)', async () => {
    const t = f.host();
    await f.createHook('again');
    f.receiver.respondWith('again', { status: 500 });
    await f.saveDemo({ Budget: 1 });
    await t.host.settle();
    f.receiver.respondWith('again', undefined);
    await t.host.advanceClock(7_000); // the delayed wake-up of attempt 2
    await t.host.settle();
    await f.saveDemo({ Budget: 2 });
    await t.host.settle();
    expect(f.receiver.received('again').map((r) => JSON.parse(r.body).data.fields[0].value.current)).toEqual(['2.000', '1.000', '1.000']);
  });

  it('enabling a disabled webhook sends what waited at once, not at its retry time hours away', async () => {
    const t = f.host();
    const hook = await f.createHook('paused');
    f.receiver.respondWith('paused', { status: 500 });
    await f.saveDemo({ Budget: 1 });
    await t.host.settle();
    await t.host.advanceClock(7_000); // attempt 2; attempt 3 is due 5 minutes later
    await t.host.settle();
    await t.invokeOk('admin', 'updateWebhook', { id: hook.id, active: false });
    f.receiver.respondWith('paused', undefined);
    await t.invokeOk('admin', 'updateWebhook', { id: hook.id, active: true });
    await t.host.settle();
    expect(attemptsOf('paused').map((a) => a.split('#')[1])).toEqual(['3', '2', '1']);
    expect((await t.invokeOk('admin', 'getWebhook', { id: hook.id })).status.lastResult).toBe('OK');
  });

  it('secret rotation: requests carry two signatures; a receiver with either the old or the new secret verifies them', async () => {
    const t = f.host();
    const hook = await f.createHook('rotate');
    const rotated = await t.invokeOk('admin', 'rotateWebhookSecret', { id: hook.id });
    expect(rotated.secret).not.toBe(hook.secret);
    expect(rotated.webhook.previousSecretUntil).toBeGreaterThan(Date.now());
    await f.saveDemo({ Budget: 4 });
    await t.host.settle();
    const [request] = f.receiver.received('rotate');
    expect(request?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [hook.secret, rotated.secret]) expect(() => new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {})).not.toThrow();
    // 24 h later only the new secret signs.
    await t.host.advanceClock(24 * 60 * MINUTE + MINUTE);
    await f.saveDemo({ Budget: 5 });
    await t.host.settle();
    const [later] = f.receiver.received('rotate');
    expect(later?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.secret).verify(later?.body ?? '', later?.headers ?? {})).not.toThrow();
    expect(() => new Webhook(hook.secret).verify(later?.body ?? '', later?.headers ?? {})).toThrow();
  });

  it('send test: "event": "test" with a real project and empty fields; redeliver sends it again with the same webhook-id and attempt 2', async () => {
    const t = f.host();
    const hook = await f.createHook('test');
    const sent = await t.invokeOk('admin', 'sendTestDelivery', { id: hook.id });
    await t.host.settle();
    const [request] = f.receiver.received('test');
    expect(request?.verdict).toEqual({ valid: true });
    expect(JSON.parse(request?.body ?? '{}').data).toMatchObject({ event: 'test', fields: [], project: { id: expect.any(Number), key: expect.any(String), name: expect.any(String) } });
    await t.invokeOk('admin', 'redeliver', { deliveryId: sent.id });
    await t.host.settle();
    expect(attemptsOf('test')).toEqual([`${sent.id}#2`, `${sent.id}#1`]);
  });

  it('a webhook without success for 5 days and with 5 failed deliveries is disabled; enabling it and "resend failed since" recovers them', async () => {
    const t = f.host();
    const hook = await f.createHook('down');
    f.receiver.respondWith('down', { status: 500 });
    // Five projects: each fails on its own schedule, none waits behind another.
    const projects = f.addProjects(5);
    for (const [i, key] of projects.entries()) await f.saveProject(key, { Budget: i + 1 });
    await t.host.settle();
    // Every retry of the schedule, on the virtual clock: about 27 h until the deliveries fail.
    for (let hour = 0; hour < 5 * 24 + 2; hour += 1) {
      await t.host.advanceClock(60 * MINUTE);
      await t.host.settle();
    }
    await queriesCaughtUp();
    const failed = await t.invokeOk('admin', 'listDeliveries', { webhookId: hook.id, status: 'failed' });
    expect(failed.deliveries).toHaveLength(5);
    expect(failed.deliveries.every((d) => d.attempts === 8)).toBe(true);
    // One more failing attempt after 5 days without success: the webhook is disabled, and says why.
    await f.saveDemo({ Budget: 6 });
    await t.host.settle();
    const disabled = await t.invokeOk('admin', 'getWebhook', { id: hook.id });
    expect(disabled.active).toBe(false);
    expect(disabled.disabledReason).toMatch(/No successful delivery/);

    f.receiver.respondWith('down', undefined);
    f.receiver.clear();
    await t.invokeOk('admin', 'updateWebhook', { id: hook.id, active: true });
    const resent = await t.invokeOk('admin', 'resendFailed', { webhookId: hook.id, since: 0 });
    expect(resent).toEqual({ queued: 5, more: false });
    await t.host.settle();
    await t.host.advanceClock(10_000);
    await t.host.settle();
    const budgets = f.receiver.received('down').map((r) => JSON.parse(r.body).data.fields[0].value.current).sort();
    expect(budgets).toEqual(['1.000', '2.000', '3.000', '4.000', '5.000', '6.000']);
    const webhook = await t.invokeOk('admin', 'getWebhook', { id: hook.id });
    expect(webhook.status.lastResult).toBe('OK');
    expect(webhook.disabledReason).toBeNull();
  });
});

/**
 * Delivery records written before the stored shape had a stamp (and kept every default value)
 * are claimed, settled and cancelled as before: their conditions are checked value by value.
 */
type Stored = Record<string, unknown>;
const deliveries = () => kvs.entity<Stored>('delivery');

/** Rewrites a stored delivery as an older version wrote it: every value spelled out, no stamp. */
async function asWrittenBeforeStamps(deliveryId: string): Promise<Stored> {
  return asApp(async () => {
    const key = `delivery:${deliveryId}`;
    const { stamp, ...rest } = (await deliveries().get(key)) ?? {};
    expect(stamp).toEqual(expect.any(String));
    const older = { schemaVersion: 1, deliveryId, roundStart: 0, lastAttemptAt: null, lastStatusCode: null, lastError: null, ordered: true, cancelledBy: null, cancelledAt: null, ...rest };
    await deliveries().set(key, older, { ttl: { value: 30, unit: 'DAYS' } });
    return older;
  });
}

const storedDelivery = (deliveryId: string) => asApp(() => deliveries().get(`delivery:${deliveryId}`));

/** A webhook whose receiver answers 503, and the id of the delivery one save made for it (attempt 1 failed, pending). */
async function retryingDelivery(hookName: string, budget: number): Promise<{ t: ReturnType<typeof f.host>; hook: Awaited<ReturnType<typeof f.createHook>>; id: string }> {
  const t = f.host();
  const hook = await f.createHook(hookName);
  f.receiver.respondWith(hookName, { status: 503 });
  await f.saveDemo({ Budget: budget });
  await t.host.settle();
  return { t, hook, id: String(f.receiver.received(hookName)[0]?.headers['webhook-id']) };
}

describe('a delivery stored before stamps', () => {
  it('is retried, delivered and stored again with a stamp', async () => {
    const { t, hook, id } = await retryingDelivery('older', 7);
    const older = await asWrittenBeforeStamps(id);
    expect(older).toMatchObject({ status: 'pending', attempts: 1, inFlight: 0 });

    f.receiver.respondWith('older', undefined);
    await t.host.advanceClock(10 * 60_000);
    await t.host.settle();
    const attempts = f.receiver.received('older').filter((r) => r.headers['webhook-id'] === id).map((r) => r.headers['webhook-attempt']);
    expect(attempts.sort()).toEqual(['1', '2']);
    const stored = await storedDelivery(id);
    expect(stored).toMatchObject({ status: 'delivered', attempts: 2, inFlight: 0 });
    expect(stored?.stamp).toBe(deliveryStamp(stored as never));
    await queriesCaughtUp();
    const log = await t.invokeOk('admin', 'listDeliveries', { webhookId: hook.id, limit: 10 });
    expect(log.deliveries.map((d) => [d.id, d.status])).toEqual([[id, 'delivered']]);
  });

  it('is cancelled by an admin (the condition checks its values one by one)', async () => {
    const { t, id } = await retryingDelivery('older-cancel', 8);
    await asWrittenBeforeStamps(id);
    await t.invokeOk('admin', 'cancelDelivery', { deliveryId: id });
    expect(await storedDelivery(id)).toMatchObject({ status: 'cancelled', cancelledBy: t.accountId('admin') });
  });
});

describe('cancelling a delivery whose drain died mid-attempt', () => {
  it('logs the attempt the dead drain took as interrupted, so the log keeps a row for every attempt number', async () => {
    const { t, id } = await retryingDelivery('left-claim', 9);
    // As a drain that died after claiming attempt 2 leaves it: the number taken, no outcome, the claim run out.
    const older = await asWrittenBeforeStamps(id);
    await asApp(() => deliveries().set(`delivery:${id}`, { ...older, attempts: 2, inFlight: 2, dueAt: Date.now() - 1 }, { ttl: { value: 30, unit: 'DAYS' } }));

    await t.invokeOk('admin', 'cancelDelivery', { deliveryId: id });
    const detail = await t.invokeOk('admin', 'getDelivery', { deliveryId: id });
    expect(detail).toMatchObject({ status: 'cancelled', attempts: 2, cancelledBy: t.accountId('admin') });
    expect(detail.attemptLog.map((a) => [a.attempt, a.outcome])).toEqual([
      [2, 'interrupted'],
      [1, 'retry'],
    ]);
    expect(await storedDelivery(id)).toMatchObject({ inFlight: 0, status: 'cancelled' });
  });
});
