import { WAKE_IDS, type WebhookStateRecord } from './records';
import { decidePoke, INDEX_LAG_SECONDS, LEASE_BACKSTOP_MS, LOST_WAKE_UP_MS, plannedWakeAt, planNextWakeUp, QUEUE_MAX_DELAY_SECONDS, sweeperShouldWake, WAKE_STEP_SECONDS, WAKES_PER_STEP, wakeUpPending } from './wake-policy';
import { initialWebhookState } from './webhook-lease';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const state = (overrides: Partial<WebhookStateRecord> = {}): WebhookStateRecord => ({ ...initialWebhookState('hook-1'), version: 4, ...overrides });
const held = { leaseOwner: 'drain-1', leaseUntil: NOW + 100_000, drainStartedAt: NOW - 50_000 };

function poke(s: WebhookStateRecord, ids: string[] = ['msg_1'], options: { urgent?: boolean; planAt?: number } = {}) {
  let asked = 0;
  const result = decidePoke(s, {
    deliveryIds: ids,
    nowMs: NOW,
    planWakeAt: () => {
      asked += 1;
      return options.planAt ?? NOW;
    },
    ...(options.urgent ? { urgent: true } : {}),
  });
  return { ...result, asked };
}

describe('plannedWakeAt', () => {
  it.each([
    [0, 0],
    [WAKES_PER_STEP - 1, 0],
    [WAKES_PER_STEP, WAKE_STEP_SECONDS * 1000],
    [2 * WAKES_PER_STEP + 7, 2 * WAKE_STEP_SECONDS * 1000],
  ])('the wake-up number %i goes out %i ms from now', (n, after) => {
    expect(plannedWakeAt(NOW, n)).toBe(NOW + after);
  });
});

describe('wakeUpPending', () => {
  it.each([
    ['none noted', { wakeAt: 0, drainStartedAt: 0 }, false],
    ['noted after the last drain started', { wakeAt: NOW, drainStartedAt: NOW - 1 }, true],
    ['noted before the last drain started (it may have been taken)', { wakeAt: NOW - 1, drainStartedAt: NOW }, false],
  ])('%s: %s', (_label, s, expected) => {
    expect(wakeUpPending(s)).toBe(expected);
  });
});

describe('decidePoke', () => {
  it('a drain holds the lease: it is asked to drain again, and a backstop for the end of its lease is planned', () => {
    const { decision, next } = poke(state(held));
    const backstopAt = held.leaseUntil + LEASE_BACKSTOP_MS;
    expect(decision).toEqual({ answer: 'rerun-requested', backstopSeconds: Math.ceil((backstopAt - NOW) / 1000) });
    expect(next).toMatchObject({ rerun: true, inbox: ['msg_1'], wakeAt: backstopAt });
  });

  it('a backstop already noted for then is not planned twice', () => {
    const { decision, next } = poke(state({ ...held, rerun: true, inbox: ['msg_0'], wakeAt: held.leaseUntil + LEASE_BACKSTOP_MS }));
    expect(decision).toEqual({ answer: 'rerun-requested' });
    expect(next).toMatchObject({ inbox: ['msg_0', 'msg_1'] });
  });

  it('nothing new for a drain already asked: no write at all', () => {
    expect(poke(state({ ...held, rerun: true, inbox: ['msg_1'], wakeAt: held.leaseUntil + LEASE_BACKSTOP_MS })).next).toBeUndefined();
  });

  it('a lease that ran out is not held: the poke wakes a drain', () => {
    expect(poke(state({ leaseOwner: 'dead', leaseUntil: NOW })).decision.answer).toBe('needs-wake');
  });

  it('an immediate wake-up on its way takes the ids', () => {
    const { decision, next } = poke(state({ wakeAt: NOW - 500, drainStartedAt: NOW - 10_000 }));
    expect(decision).toEqual({ answer: 'wake-pending' });
    expect(next?.inbox).toEqual(['msg_1']);
  });

  it.each([
    ['noted more than a minute ago (lost)', { wakeAt: NOW - 61_000, drainStartedAt: 0 }],
    ['taken by a drain already', { wakeAt: NOW - 500, drainStartedAt: NOW - 100 }],
    ['a delayed one, not due yet', { wakeAt: NOW + 5_000, drainStartedAt: 0 }],
  ])('a wake-up %s is not counted on', (_label, s) => {
    const { decision, next, asked } = poke(state(s), ['msg_1'], { planAt: NOW + 10_000 });
    expect(decision).toEqual({ answer: 'needs-wake', wakeAt: NOW + 10_000 });
    expect(next).toMatchObject({ wakeAt: NOW + 10_000 });
    expect(asked).toBe(1);
  });

  it('needs a wake-up: the first WAKE_IDS ids ride on it, the rest wait in the inbox', () => {
    const ids = Array.from({ length: WAKE_IDS + 3 }, (_, i) => `msg_${i}`);
    const { next } = poke(state(), ids);
    expect(next?.inbox).toEqual(ids.slice(WAKE_IDS));
  });

  it('an open circuit plans a wake-up for when it closes (queue reach)', () => {
    const { decision, next, asked } = poke(state({ breakerUntil: NOW + 4_200 }));
    expect(decision).toEqual({ answer: 'circuit-open', delaySeconds: 5 });
    expect(next).toMatchObject({ wakeAt: NOW + 5_000, inbox: ['msg_1'] });
    expect(asked).toBe(0);
  });

  it('an open circuit with a wake-up noted for then plans none', () => {
    const { decision } = poke(state({ breakerUntil: NOW + 4_200, wakeAt: NOW + 5_000 }));
    expect(decision).toEqual({ answer: 'circuit-open' });
  });

  it('an open circuit beyond the queue\'s reach is left to the sweeper', () => {
    const { decision } = poke(state({ breakerUntil: NOW + (QUEUE_MAX_DELAY_SECONDS + 1) * 1000 }));
    expect(decision).toEqual({ answer: 'circuit-open' });
  });

  it('an admin\'s request (urgent) is not held by the circuit', () => {
    expect(poke(state({ breakerUntil: NOW + 60_000 }), ['msg_t'], { urgent: true }).decision.answer).toBe('needs-wake');
  });
});

describe('planNextWakeUp', () => {
  const plan = (input: Partial<Parameters<typeof planNextWakeUp>[0]>) => planNextWakeUp({ nowMs: NOW, workLeft: false, indexLags: false, dueTimes: [], notedWakeAt: 0, ...input });

  it.each([
    ['work left: at once', { workLeft: true, dueTimes: [NOW + 60_000] }, { delaySeconds: 0 }],
    ['the index lags: shortly', { indexLags: true }, { delaySeconds: INDEX_LAG_SECONDS }],
    ['nothing pending: none', {}, undefined],
    ['due in 5 s: in 5 s', { dueTimes: [NOW + 300_000, NOW + 5_000] }, { delaySeconds: 5 }],
    ['due in 0.4 s: rounded up to 1 s', { dueTimes: [NOW + 400] }, { delaySeconds: 1 }],
    ['due already: at once', { dueTimes: [NOW - 10] }, { delaySeconds: 0 }],
    ['due at the queue\'s limit: delayed', { dueTimes: [NOW + QUEUE_MAX_DELAY_SECONDS * 1000] }, { delaySeconds: QUEUE_MAX_DELAY_SECONDS }],
    ['due beyond the queue\'s reach: the sweeper', { dueTimes: [NOW + (QUEUE_MAX_DELAY_SECONDS + 1) * 1000] }, undefined],
    ['a wake-up noted by then: none', { dueTimes: [NOW + 5_000], notedWakeAt: NOW + 5_500 }, undefined],
    ['a wake-up noted for later: one sooner', { dueTimes: [NOW + 5_000], notedWakeAt: NOW + 60_000 }, { delaySeconds: 5 }],
    ['a wake-up noted in the past: counted on no more', { dueTimes: [NOW + 5_000], notedWakeAt: NOW - 1 }, { delaySeconds: 5 }],
  ])('%s', (_label, input, expected) => {
    expect(plan(input)).toEqual(expected);
  });
});

describe('sweeperShouldWake', () => {
  it.each([
    ['no state yet', undefined, true],
    ['a drain holds the lease', state(held), false],
    ['the circuit is open', state({ breakerUntil: NOW + 1 }), false],
    ['a wake-up is on its way', state({ wakeAt: NOW - 1_000, drainStartedAt: NOW - 5_000 }), false],
    ['a wake-up noted long ago was lost', state({ wakeAt: NOW - LOST_WAKE_UP_MS - 1, drainStartedAt: 0 }), true],
    ['the wake-up was taken', state({ wakeAt: NOW - 1_000, drainStartedAt: NOW - 500 }), true],
    ['a lease that ran out', state({ leaseOwner: 'dead', leaseUntil: NOW - 1 }), true],
  ])('%s: %s', (_label, s, expected) => {
    expect(sweeperShouldWake(s, NOW)).toBe(expected);
  });
});
