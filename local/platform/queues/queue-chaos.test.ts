import { Queue } from '@forge/events';
import { installVirtualClock, type VirtualClock } from '../clock';
import { asInvocation, startQueueHost, type TestQueueHost } from '../../../test/support/queue-host';
import { type QueueChaosOptions } from './queue-service';
import { createPrng } from './prng';

let clock: VirtualClock;
let host: TestQueueHost | undefined;

beforeAll(() => {
  clock = installVirtualClock();
});
afterAll(() => clock.uninstall());
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

const queue = new Queue({ key: 'chaos-queue' });
const N = 40;

/** Pushes N events in one push, runs everything to the end, answers the indexes in delivery order. */
async function run(chaos: QueueChaosOptions) {
  host = startQueueHost(clock, { chaos, maxInFlight: 100 });
  await asInvocation(() => queue.push(Array.from({ length: N }, (_, i) => ({ body: { i } }))));
  await host.queues.drain({ timeoutMs: 5_000 });
  const order = host.received.map((e) => e.body.i as number);
  const result = { order, received: [...host.received], counts: host.queues.counts(), dead: host.queues.deadLetters() };
  await host.dispose();
  host = undefined;
  return result;
}

describe('chaos mode', () => {
  it('duplicates and reorders with a fixed seed, and still delivers every event at least once', async () => {
    const { order, received, counts, dead } = await run({ duplicateRate: 0.5, reorder: true, seed: 42 });
    expect(new Set(order)).toEqual(new Set(Array.from({ length: N }, (_, i) => i)));
    expect(order.length).toBeGreaterThan(N + 5); // duplicates were delivered
    const byEvent = new Map<string, number>();
    for (const e of received) byEvent.set(e.eventId, (byEvent.get(e.eventId) ?? 0) + 1);
    expect(byEvent.size).toBe(N); // a duplicate carries the same eventId
    expect([...byEvent.values()].some((n) => n >= 2)).toBe(true);
    const firstSeen = order.filter((i, k) => order.indexOf(i) === k);
    expect(firstSeen).not.toEqual([...firstSeen].sort((a, b) => a - b)); // not in push order
    expect(dead).toEqual([]);
    expect(counts.pending + counts.inflight).toBe(0);
  });

  it('is reproducible: the same seed gives the same run, another seed another one', async () => {
    const a = await run({ duplicateRate: 0.3, reorder: true, seed: 'same' });
    const b = await run({ duplicateRate: 0.3, reorder: true, seed: 'same' });
    const c = await run({ duplicateRate: 0.3, reorder: true, seed: 'other' });
    expect(b.order.slice(0, N)).toEqual(a.order.slice(0, N));
    expect(new Set(b.order.slice(N))).toEqual(new Set(a.order.slice(N))); // the same events were duplicated
    expect(c.order.slice(0, N)).not.toEqual(a.order.slice(0, N));
  });

  it('fails invocations before the consumer and reports timed-out runs, retrying both until every event is consumed', async () => {
    const { order, received, counts, dead } = await run({ failureRate: 0.3, timeoutRate: 0.3, seed: 7 });
    expect(new Set(order).size).toBe(N);
    expect(dead).toEqual([]);
    expect(counts).toMatchObject({ done: N, pending: 0, inflight: 0 });
    // A run reported as timed out although the consumer ran: the consumer sees the event again.
    const timedOutAgain = received.filter((e) => e.retryContext?.retryReason === 'FUNCTION_TIME_OUT');
    expect(timedOutAgain.length).toBeGreaterThan(0);
    for (const again of timedOutAgain) {
      expect(received.filter((e) => e.eventId === again.eventId).length).toBeGreaterThanOrEqual(2);
    }
    // An invocation that never reached the consumer: the consumer's first sight is already a retry.
    const firstSights = new Map<string, (typeof received)[number]>();
    for (const e of received) if (!firstSights.has(e.eventId)) firstSights.set(e.eventId, e);
    expect([...firstSights.values()].some((e) => e.retryContext?.retryReason === 'FUNCTION_PLATFORM_UNKNOWN_ERROR')).toBe(true);
  });

  it('without chaos delivers each event exactly once, in push order', async () => {
    const { order } = await run({});
    expect(order).toEqual(Array.from({ length: N }, (_, i) => i));
  });
});

describe('seeded PRNG', () => {
  it('repeats its sequence for a seed and stays within [0, 1)', () => {
    const a = createPrng(123);
    const b = createPrng(123);
    const seqA = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(seqA).size).toBeGreaterThan(990);
    const mean = seqA.reduce((s, x) => s + x, 0) / seqA.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(createPrng(124).next()).not.toBe(createPrng(123).next());
  });
});
