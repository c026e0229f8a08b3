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
    const revisions = received.map((r) => JSON.parse(r.body).data.revision as number);
    expect([...revisions].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // In change order, in both fidelities: with lagging queries (strict) the drain cannot list all of
    // them, and the chain of changes read by key keeps the order.
    expect(revisions).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Fan-out runs: the first takes 100 ids from the inbox and wakes itself for the rest.
    const fanOut = t.host.usage().byKind['consumer:field-changes-fn'];
    expect(fanOut?.invocations).toBeLessThanOrEqual(5);
  });
});

describe('saves while a fan-out wake-up is on its way', () => {
  it('note their change in the same write as their values (one write unit each, no event), also when they save at the same moment', async () => {
    const t = await f.start();
    await f.createHook('noted');
    const projects = f.addProjects(5);
    await t.host.queues.stop();
    // The first save pushes the wake-up; the ones after it hand their change to its inbox.
    await f.saveDemo({ Budget: 1 });
    t.host.resetUsage();
    for (let i = 2; i <= 20; i += 1) await f.saveDemo({ Budget: i });
    const oneByOne = t.host.usage().total;
    expect(oneByOne.queueEvents).toBe(0);
    expect(oneByOne.kvsWriteUnits).toBe(19);

    // Five projects at once: their notes race for the inbox, the losers read it again.
    for (const key of projects) await f.saveProject(key, { Budget: 0 });
    t.host.resetUsage();
    await Promise.all(projects.map((key) => f.saveProject(key, { Budget: 1 })));
    expect(t.host.usage().total.queueEvents).toBe(0);

    t.host.queues.start();
    await t.host.settle(60_000);
    const budgets = f.receiver.received('noted').map((r) => JSON.parse(r.body).data as { project: { key: string }; fields: { value: { current: string } }[] });
    expect(budgets.filter((d) => d.project.key === 'DEMO')).toHaveLength(20);
    for (const key of projects) expect(budgets.filter((d) => d.project.key === key).map((d) => d.fields[0]?.value.current).sort()).toEqual(['0.000', '1.000']);
  });
});

describe('the installation’s event rate', () => {
  it('a fan-out whose drain wake-ups the rate refuses finishes anyway; the sweeper wakes the rest, nothing is lost', async () => {
    // Exaggerated: 12 queue events a minute for the whole installation.
    const t = await f.start({ fidelity: { mode: 'default', queueEventsPerMinute: 12 } });
    const hooks = [];
    for (let i = 0; i < 15; i += 1) hooks.push(await f.createHook(`rate-${i}`));
    await f.saveDemo({ Budget: 1 });
    await t.host.settle();
    const first = hooks.filter((_, i) => f.receiver.received(`rate-${i}`).length > 0).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(15);
    expect(t.host.queues.deadLetters()).toEqual([]);
    // The sweeper runs every 5 minutes and wakes what is due with no wake-up on its way.
    for (let round = 0; round < 4; round += 1) {
      await t.host.advanceClock(5 * 60_000);
      await t.host.settle();
    }
    for (let i = 0; i < 15; i += 1) expect(f.receiver.received(`rate-${i}`)).toHaveLength(1);
  });
});

describe('one change to many webhooks', () => {
  it('wakes the drains in steps of 50 every 10 s (continuations of the fan-out), so no push is refused; every webhook gets its delivery', async () => {
    const t = await f.start();
    const count = 120;
    for (let i = 0; i < count; i += 1) await f.createHook(`many-${i}`);
    // A quiet minute: creating 120 webhooks used Forge's KVS rate windows (strict fidelity).
    await t.host.advanceClock(61_000);
    await t.host.settle();
    t.host.resetUsage();
    await f.saveDemo({ Budget: 7 });
    await t.host.settle(60_000);
    // Before the clock moves: the first step only, and one continuation for the rest.
    const received = () => Array.from({ length: count }, (_, i) => f.receiver.received(`many-${i}`).length);
    expect(received().filter((n) => n === 1)).toHaveLength(50);
    expect(t.host.usage().total.queueEvents).toBe(1 + 50 + 1);
    await t.host.advanceClock(10_000);
    await t.host.settle(60_000);
    expect(received().filter((n) => n === 1)).toHaveLength(100);
    await t.host.advanceClock(10_000);
    await t.host.settle(60_000);
    expect(received()).toEqual(Array.from({ length: count }, () => 1));
    const usage = t.host.usage().total;
    expect(usage.queuePushesRefused).toBe(0);
    // The save, 120 drain wake-ups, 2 continuations.
    expect(usage.queueEvents).toBe(1 + count + 2);
  }, 120_000);
});

describe('index lag behind the drain', () => {
  it('a page of index results already done does not end the drain: it looks again in a moment and sends the rest, without waiting for the sweeper', async () => {
    // Queries lag writes by 3 s. 150 deliveries of 10 projects wait for a retry (the receiver
    // failed and the circuit opened), so the drain finds them through the index only, 100 at a time.
    const t = await f.start({ fidelity: { mode: 'default', indexLagMs: 3_000 } });
    await f.createHook('lagged', { maxInFlight: 1 });
    f.receiver.respondWith('lagged', { status: 503 });
    await t.host.queues.stop();
    const budget = String(await f.fieldId('Budget'));
    const projects = f.addProjects(10);
    for (let i = 1; i <= 15; i += 1) {
      for (const key of projects) await t.invokeOk('admin', 'saveProjectFields', { projectKey: key, baseRevision: i - 1, values: { [budget]: i } });
    }
    t.host.queues.start();
    await t.host.settle(60_000);
    expect(f.receiver.received('lagged')).toHaveLength(3);
    f.receiver.respondWith('lagged', undefined);
    // Well inside the sweeper's 5 minutes.
    for (let step = 0; step < 30; step += 1) {
      await t.host.advanceClock(2_000);
      await t.host.settle(60_000);
    }
    const ids = new Set(f.receiver.received('lagged').map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(150);
    expect(t.host.usage().byKind['scheduledTrigger:sweeper-fn']?.invocations ?? 0).toBe(0);
  }, 120_000);
});
