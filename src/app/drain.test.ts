import { cancelDelivery, redeliverDelivery } from '../domain/delivery-lifecycle';
import { CIRCUIT_BREAKER_FAILURES, LEASE_MS } from '../domain/delivery-policy';
import type { DeliveryRecord, WebhookRecord } from '../domain/records';
import { RETRY_DELAYS_MS } from '../domain/retry-schedule';
import { drainWebhook, type DrainDeps, type DrainReport } from './drain';
import { LeaseLostError } from './ports';
import { aDelivery, aState, aWebhook, deferred, drainDeps, inMemoryPorts, settleMicrotasks, type InMemoryPorts, type SentRequest } from './testing/in-memory-ports';
import { takeLease } from './webhook-lease';

const HOOK = 'hook-1';
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

/** Deliveries of `count` changes per project, in change order (project by project interleaved). */
function changes(projects: readonly number[], count: number, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord[] {
  const out: DeliveryRecord[] = [];
  for (let n = 0; n < count; n += 1) {
    for (const projectId of projects) {
      const order = T0 - 600_000 + out.length * 10;
      out.push(aDelivery({ deliveryId: `msg_p${projectId}_${n}`, webhookId: HOOK, projectId, order, createdAt: order, ...overrides }));
    }
  }
  return out;
}

function world(deliveries: readonly DeliveryRecord[], webhook: Partial<WebhookRecord> = {}): InMemoryPorts {
  return inMemoryPorts({ webhooks: [aWebhook({ id: HOOK, ...webhook })], deliveries, nowMs: T0 });
}

function drain(ports: InMemoryPorts, overrides: Partial<DrainDeps> = {}, deliveryIds: readonly string[] = []): Promise<DrainReport> {
  return drainWebhook(drainDeps(ports, overrides), { webhookId: HOOK, deliveryIds });
}

const stored = (ports: InMemoryPorts, id: string): DeliveryRecord => {
  const d = ports.deliveries.records.get(id);
  if (!d) throw new Error(`no delivery ${id}`);
  return d;
};
const projectOf = (ports: InMemoryPorts) => (r: SentRequest) => String(stored(ports, r.deliveryId).project.id);
const sentIds = (ports: InMemoryPorts) => ports.http.requests.map((r) => r.deliveryId);
const sentOf = (ports: InMemoryPorts, projectId: number) => sentIds(ports).filter((id) => stored(ports, id).project.id === projectId);
/** A receiver that answers after a few turns of the event loop, so requests overlap. */
const slowly = (status: number) => async () => {
  await settleMicrotasks(3);
  return status;
};

describe('drain: ordered per project', () => {
  it('a failing head holds its project back while other projects flow', async () => {
    const ports = world(changes([1, 2], 3));
    ports.http.answer = (r) => (r.deliveryId === 'msg_p1_0' ? 500 : 200);

    await drain(ports);

    expect(sentOf(ports, 1)).toEqual(['msg_p1_0']);
    expect(sentOf(ports, 2)).toEqual(['msg_p2_0', 'msg_p2_1', 'msg_p2_2']);
    const head = stored(ports, 'msg_p1_0');
    expect(head).toMatchObject({ status: 'pending', attempts: 1, dueAt: T0 + (RETRY_DELAYS_MS[0] as number) });
    // The followers wait without an attempt, not before their head's retry.
    for (const id of ['msg_p1_1', 'msg_p1_2']) {
      expect(stored(ports, id)).toMatchObject({ status: 'pending', attempts: 0, inFlight: 0 });
      expect(stored(ports, id).dueAt).toBeGreaterThanOrEqual(head.dueAt);
    }
    expect(ports.states.records.get(HOOK)?.blocked.map((b) => b.deliveryId)).toEqual(['msg_p1_0']);
  });

  it('once the head is delivered, its followers go in change order', async () => {
    const ports = world(changes([1, 2], 3));
    ports.http.answer = (r) => (r.deliveryId === 'msg_p1_0' && r.attempt === 1 ? 500 : 200);
    await drain(ports);

    ports.clock.advance(RETRY_DELAYS_MS[0] as number);
    await drain(ports);

    expect(sentOf(ports, 1)).toEqual(['msg_p1_0', 'msg_p1_0', 'msg_p1_1', 'msg_p1_2']);
    expect([...ports.deliveries.records.values()].every((d) => d.status === 'delivered')).toBe(true);
    expect(ports.states.records.get(HOOK)?.blocked).toEqual([]);
  });

  it('a head that fails for good lets its project go on', async () => {
    const ports = world([aDelivery({ deliveryId: 'msg_a', webhookId: HOOK, projectId: 1, order: T0 - 20, attempts: 7 }), aDelivery({ deliveryId: 'msg_b', webhookId: HOOK, projectId: 1, order: T0 - 10 })]);
    ports.http.answer = (r) => (r.deliveryId === 'msg_a' ? 503 : 200);

    await drain(ports);

    expect(stored(ports, 'msg_a')).toMatchObject({ status: 'failed', attempts: 8 });
    expect(stored(ports, 'msg_b').status).toBe('delivered');
    expect(sentIds(ports)).toEqual(['msg_a', 'msg_b']);
  });

  it('no request of a project starts before every earlier change of it was delivered, whatever fails first', async () => {
    const ports = world(changes([1, 2, 3, 4, 5, 6], 4), { maxInFlight: 3 });
    const deliveredAt = new Map<string, number>();
    let step = 0;
    const violations: string[] = [];
    ports.http.answer = async (r) => {
      const mine = stored(ports, r.deliveryId);
      for (const d of ports.deliveries.records.values()) {
        if (d.project.id === mine.project.id && d.order < mine.order && !deliveredAt.has(d.deliveryId)) violations.push(`${r.deliveryId} before ${d.deliveryId}`);
      }
      await settleMicrotasks(2);
      // Every third first attempt fails once.
      step += 1;
      if (r.attempt === 1 && step % 3 === 0) return 500;
      deliveredAt.set(r.deliveryId, step);
      return 200;
    };

    for (let round = 0; round < 10 && [...ports.deliveries.records.values()].some((d) => d.status === 'pending'); round += 1) {
      await drain(ports);
      ports.clock.advance(RETRY_DELAYS_MS[0] as number);
    }

    expect(violations).toEqual([]);
    expect([...ports.deliveries.records.values()].every((d) => d.status === 'delivered')).toBe(true);
    expect(ports.http.requests.filter((r) => r.attempt === 2).length).toBeGreaterThan(0);
  });

  it('a test or a redelivery goes at once, even while its project waits for a retry', async () => {
    const earlier = aDelivery({ deliveryId: 'msg_old', webhookId: HOOK, projectId: 1, order: T0 - 100, status: 'delivered', attempts: 1 });
    const ports = world([earlier, ...changes([1], 2)]);
    ports.http.answer = (r) => (r.deliveryId === 'msg_p1_0' ? 500 : 200);
    await drain(ports);
    expect(sentIds(ports)).toEqual(['msg_p1_0']);

    const again = redeliverDelivery(stored(ports, 'msg_old'), ports.clock.now());
    if (!again.ok) throw new Error(again.reason);
    await ports.deliveries.saveMany([again.delivery]);
    const test = aDelivery({ deliveryId: 'msg_test', webhookId: HOOK, projectId: 1, event: 'test', order: T0 });
    await ports.deliveries.createMany([test]);
    await drain(ports, {}, ['msg_old', 'msg_test']);

    expect(sentIds(ports)).toEqual(['msg_p1_0', 'msg_old', 'msg_test']);
    expect(ports.http.requests[1]?.attempt).toBe(2);
    expect(stored(ports, 'msg_p1_1')).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

describe('drain: parallel across projects', () => {
  it.each([1, 3, 5])('keeps at most maxInFlight = %i requests open, never two of one project', async (maxInFlight) => {
    const ports = world(changes([1, 2, 3, 4, 5, 6, 7, 8], 3), { maxInFlight });
    ports.http.answer = slowly(200);

    await drain(ports);

    expect(ports.http.requests).toHaveLength(24);
    expect(ports.http.maxOpen).toBe(maxInFlight);
    expect(ports.http.maxOpenPer(projectOf(ports))).toBe(1);
  });

  it('one project alone is sent one request at a time, in change order', async () => {
    const ports = world(changes([1], 6), { maxInFlight: 5 });
    ports.http.answer = slowly(200);

    await drain(ports);

    expect(ports.http.maxOpen).toBe(1);
    expect(sentIds(ports)).toEqual(['msg_p1_0', 'msg_p1_1', 'msg_p1_2', 'msg_p1_3', 'msg_p1_4', 'msg_p1_5']);
  });

  it('a project waiting for its request does not hold the others: they are sent meanwhile', async () => {
    const ports = world(changes([1, 2, 3], 2), { maxInFlight: 2 });
    const slow = deferred<number>();
    ports.http.answer = (r) => (r.deliveryId === 'msg_p1_0' ? slow.promise : 200);

    const running = drain(ports);
    await settleMicrotasks();
    // While project 1's first request is open, projects 2 and 3 went through.
    expect(sentIds(ports).sort()).toEqual(['msg_p1_0', 'msg_p2_0', 'msg_p2_1', 'msg_p3_0', 'msg_p3_1']);
    slow.resolve(200);
    await running;

    expect(sentOf(ports, 1)).toEqual(['msg_p1_0', 'msg_p1_1']);
  });
});

describe('drain: circuit breaker', () => {
  it(`after ${CIRCUIT_BREAKER_FAILURES} failures in a row the rest wait for the last failed one's next attempt`, async () => {
    const ports = world(changes([1, 2, 3, 4, 5, 6], 1), { maxInFlight: 1 });
    ports.http.answer = () => 500;

    await drain(ports);

    expect(sentIds(ports)).toEqual(['msg_p1_0', 'msg_p2_0', 'msg_p3_0']);
    const lastFailed = stored(ports, 'msg_p3_0');
    const state = ports.states.records.get(HOOK);
    expect(state?.breakerUntil).toBe(lastFailed.dueAt);
    for (const id of ['msg_p4_0', 'msg_p5_0', 'msg_p6_0']) {
      // Not sent: no attempt number used, due when the circuit closes.
      expect(stored(ports, id)).toMatchObject({ status: 'pending', attempts: 0, inFlight: 0, dueAt: lastFailed.dueAt });
      expect(ports.deliveries.attemptsOf(id)).toEqual([]);
    }
    // The next wake-up comes when the circuit closes.
    expect(ports.queue.drainWakes.at(-1)).toMatchObject({ webhookId: HOOK, delaySeconds: Math.ceil((lastFailed.dueAt - T0) / 1000) });
  });

  it('tests and redeliveries still go while the circuit is open', async () => {
    const test = aDelivery({ deliveryId: 'msg_test', webhookId: HOOK, projectId: 9, event: 'test', order: T0 - 2 });
    const redelivered = { ...aDelivery({ deliveryId: 'msg_again', webhookId: HOOK, projectId: 8, order: T0 - 1, attempts: 1, roundStart: 1 }), ordered: false };
    const ports = world([...changes([1, 2, 3, 4], 1), test, redelivered], { maxInFlight: 1 });
    ports.http.answer = () => 500;

    await drain(ports);

    expect(sentIds(ports)).toEqual(['msg_p1_0', 'msg_p2_0', 'msg_p3_0', 'msg_test', 'msg_again']);
    expect(ports.http.requests.at(-1)?.attempt).toBe(2);
    expect(stored(ports, 'msg_p4_0')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('a success closes the circuit: the held deliveries go when it is due', async () => {
    const ports = world(changes([1, 2, 3, 4, 5], 1), { maxInFlight: 1 });
    ports.http.answer = (r) => (r.attempt === 1 ? 500 : 200);
    await drain(ports);
    ports.http.answer = () => 200;

    ports.clock.set(ports.states.records.get(HOOK)?.breakerUntil ?? 0);
    await drain(ports);

    expect([...ports.deliveries.records.values()].map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
    expect(ports.states.records.get(HOOK)?.breakerUntil).toBe(0);
  });
});

describe('drain: claims and interruptions', () => {
  it('claims the attempt number before the request is sent', async () => {
    const ports = world(changes([1, 2], 1));
    const seen: string[] = [];
    ports.http.answer = (r) => {
      const d = stored(ports, r.deliveryId);
      seen.push(`${r.deliveryId}: inFlight ${d.inFlight} attempts ${d.attempts} header ${r.attempt}`);
      return 200;
    };

    await drain(ports);

    expect(seen.sort()).toEqual(['msg_p1_0: inFlight 1 attempts 1 header 1', 'msg_p2_0: inFlight 1 attempts 1 header 1']);
    expect(stored(ports, 'msg_p1_0')).toMatchObject({ inFlight: 0, attempts: 1, status: 'delivered' });
  });

  it('a claim left by a dead drain is logged as interrupted and retried at once with the next number', async () => {
    const claimedByDead = aDelivery({ deliveryId: 'msg_a', webhookId: HOOK, projectId: 1, attempts: 2, inFlight: 2, roundStart: 0, dueAt: T0 + 60_000 });
    const ports = world([claimedByDead]);
    ports.states.records.set(HOOK, aState(HOOK, { version: 3, leaseOwner: 'dead-drain', leaseUntil: T0 - 1 }));

    await drain(ports);

    expect(ports.http.requests.map((r) => [r.deliveryId, r.attempt])).toEqual([['msg_a', 3]]);
    expect(ports.deliveries.attemptsOf('msg_a').map((a) => [a.attempt, a.outcome])).toEqual([
      [2, 'interrupted'],
      [3, 'delivered'],
    ]);
    expect(stored(ports, 'msg_a')).toMatchObject({ status: 'delivered', attempts: 3, inFlight: 0 });
    // The health counts both attempts the log shows: the interrupted one as not confirmed (a failure).
    expect(ports.states.records.get(HOOK)?.hours).toEqual([expect.objectContaining({ attempts: 2, failures: 1 })]);
  });

  it('a drain killed mid-request: the next drain retries at once, the dead one records nothing once its lease is gone', async () => {
    const ports = world(changes([1], 1));
    const hung = deferred<number>();
    ports.http.answer = () => hung.promise;
    const first = drain(ports, { ownerId: 'drain-1' });
    const firstResult = first.then(
      () => 'finished',
      (error: unknown) => error,
    );
    await settleMicrotasks();
    expect(ports.http.requests).toHaveLength(1);

    ports.clock.advance(LEASE_MS + 1);
    ports.http.answer = () => 200;
    await drain(ports, { ownerId: 'drain-2' });
    hung.resolve(500);

    expect(await firstResult).toBeInstanceOf(LeaseLostError);
    expect(ports.http.requests.map((r) => r.attempt)).toEqual([1, 2]);
    expect(ports.deliveries.attemptsOf('msg_p1_0').map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'interrupted'],
      [2, 'delivered'],
    ]);
    expect(stored(ports, 'msg_p1_0')).toMatchObject({ status: 'delivered', attempts: 2, inFlight: 0 });
  });

  it('never uses an attempt number twice across failures, interruptions and redeliveries', async () => {
    const ports = world(changes([1, 2, 3], 2), { maxInFlight: 2 });
    let n = 0;
    ports.http.answer = () => ((n += 1) % 2 === 0 ? 500 : 200);
    for (let round = 0; round < 6; round += 1) {
      await drain(ports, { ownerId: `drain-${round}` });
      ports.clock.advance(RETRY_DELAYS_MS[0] as number);
    }
    const again = redeliverDelivery(stored(ports, 'msg_p1_0'), ports.clock.now());
    if (!again.ok) throw new Error(again.reason);
    await ports.deliveries.saveMany([again.delivery]);
    await drain(ports, {}, ['msg_p1_0']);

    const numbers = ports.http.requests.map((r) => `${r.deliveryId}#${r.attempt}`);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const d of ports.deliveries.records.values()) {
      expect(ports.deliveries.attemptsOf(d.deliveryId).map((a) => a.attempt)).toEqual(Array.from({ length: d.attempts }, (_, i) => i + 1));
    }
  });
});

describe('drain: budget hand-over', () => {
  it('over budget: lets go of the lease although a rerun was asked, wakes itself at once, and nothing is lost', async () => {
    const ports = world(changes(Array.from({ length: 30 }, (_, i) => i + 1), 1), { maxInFlight: 5 });
    // A save a moment ago: its delivery is not in the index yet, only named by a wake-up that came mid-run.
    const late = aDelivery({ deliveryId: 'msg_late', webhookId: HOOK, projectId: 99, order: T0 });
    ports.http.answer = async (r) => {
      if (r.deliveryId === 'msg_p1_0') {
        await ports.deliveries.createMany([late]);
        ports.deliveries.index.hidden.add('msg_late');
        const poke = await takeLease({ states: ports.states, queue: ports.queue }, { webhookId: HOOK, owner: 'woken', nowMs: ports.clock.now(), leaseMs: LEASE_MS, deliveryIds: ['msg_late'] });
        expect(poke.kind).toBe('busy');
      }
      return 200;
    };

    const report = await drain(ports, { budget: { maxAttempts: 5, maxMs: 60_000 } });

    expect(report).toMatchObject({ outcome: 'drained', continued: true });
    const state = ports.states.records.get(HOOK);
    expect(state).toMatchObject({ leaseOwner: '', leaseUntil: 0, rerun: false });
    expect(ports.queue.drainWakes.at(-1)).toMatchObject({ webhookId: HOOK, delaySeconds: 0 });
    expect(ports.http.requests.length).toBeLessThan(31);
    // What the run knew and did not send goes to the next drain by key.
    if (!sentIds(ports).includes('msg_late')) expect(state?.inbox).toContain('msg_late');

    // The wake-ups it pushed drain the rest, the late one included, each sent once.
    ports.deliveries.index.catchUp();
    for (let round = 0; round < 10 && ports.queue.drainWakes.at(-1)?.delaySeconds === 0; round += 1) {
      ports.queue.drainWakes.length = 0;
      await drain(ports, { budget: { maxAttempts: 5, maxMs: 60_000 } });
    }
    expect(sentIds(ports).sort()).toEqual([...ports.deliveries.records.keys()].sort());
    expect([...ports.deliveries.records.values()].every((d) => d.status === 'delivered')).toBe(true);
  });

  it('over its time budget: the same hand-over', async () => {
    const ports = world(changes([1, 2, 3], 10), { maxInFlight: 1 });
    ports.http.answer = () => {
      ports.clock.advance(9_000);
      return 200;
    };

    const report = await drain(ports);

    expect(report.continued).toBe(true);
    expect(ports.http.requests.length).toBeLessThan(30);
    expect(ports.queue.drainWakes.at(-1)).toMatchObject({ delaySeconds: 0 });
    expect(ports.states.records.get(HOOK)?.leaseOwner).toBe('');
  });
});

describe('drain: stale index results', () => {
  it('a listing that lags the last drain sends nothing twice', async () => {
    const ports = world(changes([1, 2, 3], 2));
    ports.deliveries.index.freeze();
    await drain(ports, { ownerId: 'drain-1' });
    expect(ports.http.requests).toHaveLength(6);

    // The index still lists every delivery as pending and due, as it was.
    await drain(ports, { ownerId: 'drain-2' });

    expect(ports.http.requests).toHaveLength(6);
    expect([...ports.deliveries.records.values()].every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  });

  it("more than a page pending, with claims a dead run left beyond it, under a lagging index: the drain plans a wake-up, and the next one takes the claims", async () => {
    const due = Array.from({ length: 100 }, (_, i) => aDelivery({ deliveryId: `msg_due_${String(i).padStart(3, '0')}`, webhookId: HOOK, projectId: 1_000 + i, order: T0 - 200_000 + i }));
    // Claimed by a run that died (its event is retried): due again only when the claims run out.
    const claimed = Array.from({ length: 10 }, (_, i) => aDelivery({ deliveryId: `msg_claimed_${i}`, webhookId: HOOK, projectId: 2_000 + i, order: T0 - 100_000 + i, attempts: 1, inFlight: 1, dueAt: T0 + 120_000 }));
    const ports = world([...due, ...claimed]);
    // The index shows the deliveries as they were when the drain started (it lags every write).
    ports.deliveries.index.freeze();

    await drain(ports);

    expect(sentIds(ports)).toHaveLength(100);
    const wake = ports.queue.drainWakes.at(-1);
    expect(wake).toBeDefined();
    ports.deliveries.index.catchUp();
    ports.clock.advance((wake?.delaySeconds ?? 0) * 1000);
    await drain(ports, { ownerId: 'drain-2' });
    expect(sentIds(ports)).toHaveLength(110);
    expect(claimed.map((d) => stored(ports, d.deliveryId))).toEqual(claimed.map(() => expect.objectContaining({ status: 'delivered', attempts: 2 })));
  });

  /** Two projects' deliveries; the index froze, then an admin cancelled project 1's: the index still lists it as pending. */
  async function cancelledBehindAFrozenIndex(): Promise<InMemoryPorts> {
    const ports = world(changes([1, 2], 1));
    ports.deliveries.index.freeze();
    const cancelled = cancelDelivery(stored(ports, 'msg_p1_0'), 'admin-account', T0);
    if (!cancelled.ok) throw new Error(cancelled.reason);
    await ports.deliveries.saveMany([cancelled.delivery]);
    return ports;
  }

  it('claims on a stale listing are conditional: nothing is written, the deliveries are read again by key', async () => {
    const ports = await cancelledBehindAFrozenIndex();

    await drain(ports);

    expect(sentIds(ports)).toEqual(['msg_p2_0']);
    expect(stored(ports, 'msg_p1_0')).toMatchObject({ status: 'cancelled', attempts: 0, cancelledBy: 'admin-account' });
    expect(ports.states.commits.some((c) => c.conditional)).toBe(true);
  });

  it('a stale listing of the very ids a wake-up names: the failed claim reads them by key, and the drain finishes', async () => {
    const ports = await cancelledBehindAFrozenIndex();

    await drain(ports, {}, ['msg_p1_0', 'msg_p2_0']);

    expect(sentIds(ports)).toEqual(['msg_p2_0']);
    expect(stored(ports, 'msg_p1_0')).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(ports.deliveries.readsByKey).toContain('msg_p1_0');
  });

  it("a wake-up's ids that the listing shows due are not read by key a second time", async () => {
    const ports = world(changes([1, 2, 3], 1));

    await drain(ports, {}, ['msg_p1_0', 'msg_p2_0', 'msg_p3_0']);

    expect(sentIds(ports)).toHaveLength(3);
    expect(ports.deliveries.readsByKey.filter((id) => id.startsWith('msg_p'))).toEqual([]);
  });

  it('a delivery the index does not show yet is found by the id its wake-up carries', async () => {
    const ports = world(changes([1], 1));
    ports.deliveries.index.hidden.add('msg_p1_0');

    await drain(ports, {}, ['msg_p1_0']);

    expect(sentIds(ports)).toEqual(['msg_p1_0']);
  });
});

describe('drain: cancel, refused URL, next wake-up', () => {
  it("cancelling a project's stuck head releases its followers at once", async () => {
    const ports = world(changes([1], 3));
    ports.http.answer = (r) => (r.deliveryId === 'msg_p1_0' ? 500 : 200);
    await drain(ports);
    expect(sentIds(ports)).toEqual(['msg_p1_0']);

    const cancelled = cancelDelivery(stored(ports, 'msg_p1_0'), 'admin-account', ports.clock.now());
    if (!cancelled.ok) throw new Error(cancelled.reason);
    expect(await ports.deliveries.replaceIf(stored(ports, 'msg_p1_0'), cancelled.delivery)).toBe(true);
    await drain(ports, {}, ['msg_p1_0']);

    expect(sentIds(ports)).toEqual(['msg_p1_0', 'msg_p1_1', 'msg_p1_2']);
    expect(stored(ports, 'msg_p1_0')).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(ports.states.records.get(HOOK)?.blocked).toEqual([]);
  });

  it('a stored URL the policy now refuses fails the delivery at once and disables the webhook', async () => {
    const ports = world(changes([1, 2], 2), { url: 'https://127.0.0.1:8443/hook' });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

    const report = await drain(ports, { allowLoopback: false });

    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/webhook hook-1 disabled: Its URL is not allowed any more/));
    warn.mockRestore();

    expect(ports.http.requests).toEqual([]);
    expect(report.outcome).toBe('inactive');
    const webhook = ports.webhooks.records.get(HOOK);
    expect(webhook).toMatchObject({ active: false });
    expect(webhook?.disabledReason).toMatch(/not allowed/);
    const failed = [...ports.deliveries.records.values()].filter((d) => d.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toMatch(/not sent: the URL is not allowed/);
    expect(ports.deliveries.attemptsOf(failed[0]?.deliveryId ?? '').map((a) => a.outcome)).toEqual(['disabled']);
    // The rest wait, with no attempt number used.
    expect([...ports.deliveries.records.values()].filter((d) => d.status === 'pending').map((d) => d.attempts)).toEqual([0, 0, 0]);
  });

  it('the same URL passes with loopback allowed (offline host)', async () => {
    const ports = world(changes([1], 1), { url: 'https://127.0.0.1:8443/hook' });
    await drain(ports, { allowLoopback: true });
    expect(sentIds(ports)).toEqual(['msg_p1_0']);
  });

  it.each([
    ['the first retry (5 s)', 0, 5],
    ['the second retry (5 min)', 1, 300],
  ])('plans a delayed wake-up for %s', async (_label, attemptsBefore, delaySeconds) => {
    const ports = world([aDelivery({ deliveryId: 'msg_a', webhookId: HOOK, projectId: 1, attempts: attemptsBefore })]);
    ports.http.answer = () => 500;

    const report = await drain(ports);

    expect(report).toMatchObject({ outcome: 'drained', continued: false, attempts: 1 });
    expect(ports.queue.drainWakes).toEqual([{ webhookId: HOOK, deliveryIds: [], delaySeconds, at: T0 }]);
    expect(ports.states.records.get(HOOK)).toMatchObject({ wakeAt: T0 + delaySeconds * 1000, leaseOwner: '' });
  });

  it('pushes no wake-up for a retry beyond the queue\'s 900 s (the sweeper takes it)', async () => {
    const ports = world([aDelivery({ deliveryId: 'msg_a', webhookId: HOOK, projectId: 1, attempts: 2 })]);
    ports.http.answer = () => 500;

    await drain(ports);

    expect(stored(ports, 'msg_a').dueAt).toBe(T0 + (RETRY_DELAYS_MS[2] as number));
    expect(ports.queue.drainWakes).toEqual([]);
  });

  it('pushes no wake-up when everything is delivered', async () => {
    const ports = world(changes([1, 2], 2));
    const report = await drain(ports);
    expect(report).toMatchObject({ outcome: 'drained', delivered: 4, attempts: 4, failed: 0, continued: false });
    expect(ports.queue.drainWakes).toEqual([]);
  });

  it('a drain that finds the lease held does not send: it pokes the holder', async () => {
    const ports = world(changes([1], 1));
    ports.states.records.set(HOOK, aState(HOOK, { version: 1, leaseOwner: 'other', leaseUntil: T0 + 10_000 }));

    const report = await drain(ports, {}, ['msg_p1_0']);

    expect(report.outcome).toBe('busy');
    expect(ports.http.requests).toEqual([]);
    expect(ports.states.records.get(HOOK)).toMatchObject({ rerun: true, inbox: ['msg_p1_0'] });
  });
});

describe('drain: reruns and disabling', () => {
  it('a wake-up that comes while the drain holds the lease is drained before it lets go', async () => {
    const ports = world(changes([1], 1));
    const late = aDelivery({ deliveryId: 'msg_late', webhookId: HOOK, projectId: 2, order: T0 });
    ports.http.answer = async (r) => {
      if (r.deliveryId === 'msg_p1_0') {
        await ports.deliveries.createMany([late]);
        ports.deliveries.index.hidden.add('msg_late');
        await takeLease({ states: ports.states, queue: ports.queue }, { webhookId: HOOK, owner: 'woken', nowMs: ports.clock.now(), leaseMs: LEASE_MS, deliveryIds: ['msg_late'] });
      }
      return 200;
    };

    const report = await drain(ports);

    expect(sentIds(ports)).toEqual(['msg_p1_0', 'msg_late']);
    expect(report).toMatchObject({ outcome: 'drained', delivered: 2 });
    expect(ports.states.records.get(HOOK)).toMatchObject({ leaseOwner: '', rerun: false, inbox: [] });
  });

  it('an endpoint that answers 410 disables the webhook: what was not sent waits, with no attempt used', async () => {
    const ports = world(changes([1, 2, 3], 1), { maxInFlight: 1 });
    ports.http.answer = () => 410;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

    const report = await drain(ports);
    warn.mockRestore();

    expect(report.outcome).toBe('inactive');
    expect(sentIds(ports)).toEqual(['msg_p1_0']);
    expect(ports.webhooks.records.get(HOOK)).toMatchObject({ active: false, disabledReason: 'endpoint gone (HTTP 410)' });
    expect(stored(ports, 'msg_p1_0')).toMatchObject({ status: 'failed', attempts: 1 });
    expect([stored(ports, 'msg_p2_0'), stored(ports, 'msg_p3_0')].map((d) => [d.status, d.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });

  it('a stored secret that does not decode: nothing is sent, the deliveries wait, the lease is let go, the log says why', async () => {
    const ports = world(changes([1], 1));
    ports.secrets.current.set(HOOK, 'whsec_not*base64');
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    const report = await drain(ports);
    const logged = error.mock.calls.map((c) => String(c[0]));
    error.mockRestore();

    expect(report.outcome).toBe('no-secret');
    expect(ports.http.requests).toEqual([]);
    expect(stored(ports, 'msg_p1_0')).toMatchObject({ status: 'pending', attempts: 0, inFlight: 0 });
    expect(ports.states.records.get(HOOK)).toMatchObject({ leaseOwner: '', leaseUntil: 0 });
    expect(logged).toEqual([expect.stringContaining('has a signing secret that does not decode')]);
  });

  it('a disabled webhook sends nothing', async () => {
    const ports = world(changes([1], 1), { active: false });
    const report = await drain(ports);
    expect(report.outcome).toBe('inactive');
    expect(ports.http.requests).toEqual([]);
  });
});

describe('drain: order and attempt numbers hold through random failures and new saves', () => {
  /** A small seeded generator (mulberry32): the same run every time. */
  const seeded = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  it.each([1, 2, 3])('seed %i', async (seed) => {
    const random = seeded(seed);
    const ports = world(changes([1, 2, 3, 4, 5, 6, 7, 8], 5), { maxInFlight: 3 });
    const violations: string[] = [];
    const answered2xx = new Set<string>();
    ports.http.answer = async (r) => {
      const mine = stored(ports, r.deliveryId);
      for (const d of ports.deliveries.records.values()) {
        // An earlier change of the project must be delivered (the receiver said so) or final.
        if (d.project.id === mine.project.id && d.order < mine.order && !answered2xx.has(d.deliveryId) && d.status === 'pending') violations.push(`${r.deliveryId} sent before ${d.deliveryId}`);
      }
      await settleMicrotasks(1 + Math.floor(random() * 3));
      if (random() < 0.3) return 503;
      answered2xx.add(r.deliveryId);
      return 200;
    };

    let added = 0;
    for (let round = 0; round < 200; round += 1) {
      const pending = [...ports.deliveries.records.values()].filter((d) => d.status === 'pending');
      if (pending.length === 0) break;
      // New saves keep coming, due at once, while earlier changes of their project may wait for a retry.
      const fresh: string[] = [];
      while (added < 30 && random() < 0.6) {
        const projectId = 1 + Math.floor(random() * 8);
        const now = ports.clock.now();
        const d = aDelivery({ deliveryId: `msg_new_${added}`, webhookId: HOOK, projectId, order: now + added, createdAt: now });
        added += 1;
        await ports.deliveries.createMany([d]);
        fresh.push(d.deliveryId);
      }
      await drain(ports, { ownerId: `drain-${round}` }, fresh);
      ports.clock.set(Math.max(ports.clock.now() + 1_000, Math.min(...pending.map((d) => d.dueAt))));
    }

    expect(violations).toEqual([]);
    expect([...ports.deliveries.records.values()].filter((d) => d.status === 'pending')).toEqual([]);
    expect(ports.http.maxOpen).toBeLessThanOrEqual(3);
    expect(ports.http.maxOpenPer(projectOf(ports))).toBe(1);
    const numbers = ports.http.requests.map((r) => `${r.deliveryId}#${r.attempt}`);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const d of ports.deliveries.records.values()) {
      expect(ports.deliveries.attemptsOf(d.deliveryId).map((a) => a.attempt)).toEqual(Array.from({ length: d.attempts }, (_, i) => i + 1));
    }
  });
});

describe('drain: recovery after a drain died holding the lease', () => {
  it('a new save pokes the dead holder; the backstop wake-up at its lease end takes over and resends at once', async () => {
    const ports = world(changes([1], 1));
    ports.http.answer = () => new Promise<number>(() => undefined); // the drain dies mid-request: no answer, ever
    void drain(ports, { ownerId: 'killed' });
    await settleMicrotasks();

    // A save a moment later: its wake-up finds the lease held.
    ports.clock.advance(5_000);
    await ports.deliveries.createMany([aDelivery({ deliveryId: 'msg_next', webhookId: HOOK, projectId: 2, order: T0 })]);
    expect((await drain(ports, { ownerId: 'woken' }, ['msg_next'])).outcome).toBe('busy');
    const backstop = ports.queue.drainWakes.at(-1);
    expect(backstop?.delaySeconds).toBe(Math.ceil((LEASE_MS + 1_000 - 5_000) / 1000));

    // The backstop wake-up, when it comes: the lease has run out.
    ports.clock.advance((backstop?.delaySeconds ?? 0) * 1000);
    ports.http.answer = () => 200;
    await drain(ports, { ownerId: 'backstop' });

    expect(ports.http.requests.map((r) => `${r.deliveryId}#${r.attempt}`)).toEqual(['msg_p1_0#1', 'msg_p1_0#2', 'msg_next#1']);
    expect(ports.deliveries.attemptsOf('msg_p1_0').map((a) => a.outcome)).toEqual(['interrupted', 'delivered']);
    expect(stored(ports, 'msg_next').status).toBe('delivered');
  });
});

describe('drain: shared bodies', () => {
  it("sends the body its change's deliveries share", async () => {
    const shared = '{"type":"projectrak.fields.updated","data":{"revision":14}}';
    const d = { ...aDelivery({ deliveryId: 'msg_shared', webhookId: HOOK, projectId: 1 }), body: undefined, bodyRef: 'change-1.abc' };
    const ports = world([d]);
    await ports.deliveries.saveBodies([{ ref: 'change-1.abc', body: shared }]);

    await drain(ports);

    expect(ports.http.requests.map((r) => r.body)).toEqual([shared]);
    expect(stored(ports, 'msg_shared').status).toBe('delivered');
  });

  it('a body past retention fails its delivery at once, with the reason; its project goes on', async () => {
    const d = { ...aDelivery({ deliveryId: 'msg_lost', webhookId: HOOK, projectId: 1 }), body: undefined, bodyRef: 'change-1.gone' };
    const ports = world([d, aDelivery({ deliveryId: 'msg_next', webhookId: HOOK, projectId: 1, order: T0 })]);

    await drain(ports);

    expect(sentIds(ports)).toEqual(['msg_next']);
    expect(stored(ports, 'msg_lost')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(stored(ports, 'msg_lost').lastError).toMatch(/body/i);
  });
});
