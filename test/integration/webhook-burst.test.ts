import { webhookFixture, type WebhookFixture } from '../support/webhook-fixture';

let f: WebhookFixture;

beforeAll(async () => {
  f = await webhookFixture();
});
afterAll(async () => {
  await f.close();
});
afterEach(async () => {
  await f.stopAll();
});

describe('a burst of saves', () => {
  it('200 saves share a few fan-out wake-ups; every change is fanned out once and delivered once, in change order', async () => {
    const t = await f.start();
    await f.createHook('burst');
    // The saves land while nothing is consumed (within a minute): one wake-up and an inbox of ids.
    await t.host.queues.stop();
    t.host.resetUsage();
    const budget = String(await f.fieldId('Budget'));
    for (let i = 1; i <= 200; i += 1) {
      await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: i - 1, values: { [budget]: i } });
      // Twenty saves a (virtual) second: within Forge's KVS request rate in strict fidelity.
      if (i % 20 === 0) await t.host.clock.advance(1_000);
    }
    const saves = t.host.usage().total;
    expect(saves.queueEvents).toBe(1);
    t.host.queues.start();
    await t.host.settle(60_000);

    const received = f.receiver.received('burst').reverse();
    expect(received).toHaveLength(200);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(200);
    expect(received.every((r) => r.headers['webhook-attempt'] === '1' && r.verdict.valid)).toBe(true);
    expect(received.map((r) => JSON.parse(r.body).data.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Fan-out runs: the first takes 100 ids from the inbox and wakes itself for the rest.
    const fanOut = t.host.usage().byKind['consumer:field-changes-fn'];
    expect(fanOut?.invocations).toBeLessThanOrEqual(5);
  });
});
