import { LEASE_MS } from '../domain/delivery-policy';
import { LEASE_BACKSTOP_MS, WAKE_STEP_SECONDS, WAKES_PER_STEP } from '../domain/wake-policy';
import { aState, inMemoryPorts, type InMemoryPorts } from './testing/in-memory-ports';
import { letGoOfLease, pokeDrains, takeLease } from './webhook-lease';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

const take = (ports: InMemoryPorts, owner: string, deliveryIds: string[] = [], webhookId = 'hook-1') =>
  takeLease({ states: ports.states, queue: ports.queue }, { webhookId, owner, nowMs: ports.clock.now(), leaseMs: LEASE_MS, deliveryIds });

async function held(ports: InMemoryPorts, owner = 'drain-1') {
  const lease = await take(ports, owner);
  if (lease.kind !== 'acquired') throw new Error('expected the lease');
  return lease.state;
}

describe('takeLease', () => {
  it('takes a free lease and stores it', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    const lease = await take(ports, 'drain-1', ['msg_1']);
    expect(lease).toEqual({ kind: 'acquired', state: expect.objectContaining({ leaseOwner: 'drain-1', leaseUntil: T0 + LEASE_MS, drainStartedAt: T0, version: 1 }) });
    expect(ports.states.records.get('hook-1')).toMatchObject({ leaseOwner: 'drain-1', version: 1 });
    expect(ports.queue.drainWakes).toEqual([]);
  });

  it('busy: pokes the holder and pushes a backstop wake-up for when its lease runs out', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    await held(ports);
    ports.clock.advance(10_000);

    const lease = await take(ports, 'drain-2', ['msg_1']);

    const backstopSeconds = Math.ceil((LEASE_MS + LEASE_BACKSTOP_MS - 10_000) / 1000);
    expect(lease).toEqual({ kind: 'busy', poke: { answer: 'rerun-requested', backstopSeconds } });
    expect(ports.states.records.get('hook-1')).toMatchObject({ leaseOwner: 'drain-1', rerun: true, inbox: ['msg_1'], wakeAt: T0 + LEASE_MS + LEASE_BACKSTOP_MS });
    expect(ports.queue.drainWakes).toEqual([{ webhookId: 'hook-1', deliveryIds: [], delaySeconds: backstopSeconds, at: T0 + 10_000 }]);
  });

  it('a second poke of the same holder pushes no second backstop', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    await held(ports);
    await take(ports, 'drain-2', ['msg_1']);
    await take(ports, 'drain-3', ['msg_2']);
    expect(ports.queue.drainWakes).toHaveLength(1);
    expect(ports.states.records.get('hook-1')?.inbox).toEqual(['msg_1', 'msg_2']);
  });

  it('takes over a lease whose drain died (run out)', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    await held(ports, 'dead');
    ports.clock.advance(LEASE_MS);
    expect((await take(ports, 'drain-2')).kind).toBe('acquired');
    expect(ports.states.records.get('hook-1')?.leaseOwner).toBe('drain-2');
  });
});

describe('letGoOfLease', () => {
  it('lets go and empties the inbox when nothing was asked meanwhile', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    const state = await held(ports);
    expect(await letGoOfLease(ports.states, 'drain-1', state, false)).toEqual({ kind: 'released' });
    expect(ports.states.records.get('hook-1')).toMatchObject({ leaseOwner: '', leaseUntil: 0, rerun: false, inbox: [] });
  });

  it('a rerun asked for meanwhile: keeps the lease and answers the ids handed over', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    const state = await held(ports);
    await take(ports, 'drain-2', ['msg_1']);

    const result = await letGoOfLease(ports.states, 'drain-1', state, false);

    expect(result).toEqual({ kind: 'rerun', state: expect.objectContaining({ rerun: false, inbox: ['msg_1'], leaseOwner: 'drain-1' }) });
    expect(ports.states.records.get('hook-1')?.leaseOwner).toBe('drain-1');
  });

  it('forced: lets go although a rerun was asked, and the ids stay for the next drain', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    const state = await held(ports);
    await take(ports, 'drain-2', ['msg_1']);

    expect(await letGoOfLease(ports.states, 'drain-1', state, true)).toEqual({ kind: 'released' });
    expect(ports.states.records.get('hook-1')).toMatchObject({ leaseOwner: '', rerun: false, inbox: ['msg_1'] });
  });

  it('a drain that lost its lease leaves the new holder alone', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    const state = await held(ports, 'drain-1');
    ports.clock.advance(LEASE_MS);
    await held(ports, 'drain-2');

    expect(await letGoOfLease(ports.states, 'drain-1', state, false)).toEqual({ kind: 'released' });
    expect(ports.states.records.get('hook-1')?.leaseOwner).toBe('drain-2');
  });
});

describe('pokeDrains', () => {
  it('answers per webhook and pushes only the wake-ups needed', async () => {
    const ports = inMemoryPorts({
      nowMs: T0,
      states: [
        aState('held', { version: 1, leaseOwner: 'drain-1', leaseUntil: T0 + 60_000 }),
        aState('coming', { version: 1, wakeAt: T0, drainStartedAt: T0 - 5_000 }),
        aState('open', { version: 1, breakerUntil: T0 + 30_000 }),
      ],
    });

    const { wakeUps, answers } = await pokeDrains(ports, ['free', 'held', 'coming', 'open'].map((webhookId) => ({ webhookId, deliveryIds: [`msg_${webhookId}`] })));

    expect(Object.fromEntries([...answers].map(([id, d]) => [id, d.answer]))).toEqual({ free: 'needs-wake', held: 'rerun-requested', coming: 'wake-pending', open: 'circuit-open' });
    expect(ports.queue.drainWakes.map((w) => [w.webhookId, w.deliveryIds, w.delaySeconds])).toEqual([
      ['free', ['msg_free'], 0],
      ['held', [], 61],
      ['open', [], 30],
    ]);
    expect(wakeUps).toBe(3);
    expect(ports.states.records.get('coming')?.inbox).toEqual(['msg_coming']);
    expect(ports.states.records.get('free')).toMatchObject({ wakeAt: T0, inbox: [] });
  });

  it('an urgent poke (a test, a redelivery) is not held by an open circuit', async () => {
    const ports = inMemoryPorts({ nowMs: T0, states: [aState('open', { version: 1, breakerUntil: T0 + 30_000 })] });
    const { answers } = await pokeDrains(ports, [{ webhookId: 'open', deliveryIds: ['msg_t'] }], { urgent: true });
    expect(answers.get('open')?.answer).toBe('needs-wake');
    expect(ports.queue.drainWakes).toMatchObject([{ webhookId: 'open', deliveryIds: ['msg_t'], delaySeconds: 0 }]);
  });

  it('many webhooks are woken in steps: the first now, the rest by a continuation, each noted for its step', async () => {
    const ports = inMemoryPorts({ nowMs: T0 });
    const ids = Array.from({ length: 2 * WAKES_PER_STEP + 20 }, (_, i) => `hook-${String(i).padStart(3, '0')}`);

    const { wakeUps } = await pokeDrains(ports, ids.map((webhookId) => ({ webhookId, deliveryIds: [] })));

    expect(wakeUps).toBe(ids.length);
    expect(ports.queue.drainWakes.map((w) => w.webhookId)).toEqual(ids.slice(0, WAKES_PER_STEP));
    expect(ports.queue.continuations).toEqual([{ webhookIds: ids.slice(WAKES_PER_STEP), delaySeconds: WAKE_STEP_SECONDS }]);
    expect(ports.states.records.get(ids[0] as string)?.wakeAt).toBe(T0);
    expect(ports.states.records.get(ids[WAKES_PER_STEP] as string)?.wakeAt).toBe(T0 + WAKE_STEP_SECONDS * 1000);
    expect(ports.states.records.get(ids.at(-1) as string)?.wakeAt).toBe(T0 + 2 * WAKE_STEP_SECONDS * 1000);
  });
});
