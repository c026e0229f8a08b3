import { byChangeOrder, checkPredecessor, dueBlockedIds, isSendable, pickDeliveries, PREDECESSOR_WALK_MAX, pruneBlocked, updateBlocked, type OrderView } from './delivery-order';
import { BLOCKED_MAX, type BlockedHead, type DeliveryRecord } from './records';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

/** A pending change delivery of project `p`, n-th change (order), due now unless told. */
function d(id: string, p: number, order: number, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    schemaVersion: 1,
    deliveryId: id,
    webhookId: 'hook-1',
    changeId: `change-${id}`,
    event: 'updated',
    project: { id: p, key: `P${p}`, name: `Project ${p}` },
    fieldNames: ['Budget'],
    order,
    status: 'pending',
    createdAt: order,
    dueAt: NOW,
    attempts: 0,
    roundStart: 0,
    inFlight: 0,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    body: '{}',
    ordered: true,
    cancelledBy: null,
    cancelledAt: null,
    ...overrides,
  };
}

const head = (deliveryId: string, projectId: number, order: number, dueAt: number): BlockedHead => ({ projectId, deliveryId, order, dueAt });

function pick(pending: DeliveryRecord[], view: Partial<OrderView> = {}) {
  const result = pickDeliveries({ pending, blocked: [], breakerUntil: 0, nowMs: NOW, limit: 100, ...view });
  return { lanes: result.lanes.map((lane) => lane.map((x) => x.deliveryId)), defer: result.defer.map((x) => [x.delivery.deliveryId, x.until]) };
}

describe('pickDeliveries', () => {
  it('makes one lane per project, in change order, lanes ordered by their head', () => {
    const pending = [d('b2', 2, 40), d('a2', 1, 30), d('b1', 2, 20), d('a1', 1, 10)];
    expect(pick(pending).lanes).toEqual([
      ['a1', 'a2'],
      ['b1', 'b2'],
    ]);
  });

  it('takes every head before any follower when the limit is short', () => {
    const pending = [d('a1', 1, 10), d('a2', 1, 11), d('a3', 1, 12), d('b1', 2, 20), d('c1', 3, 30), d('c2', 3, 31)];
    expect(pick(pending, { limit: 4 }).lanes).toEqual([['a1', 'a2'], ['b1'], ['c1']]);
  });

  it('takes no more projects than the limit', () => {
    expect(pick([d('a1', 1, 10), d('b1', 2, 20), d('c1', 3, 30)], { limit: 2 }).lanes).toEqual([['a1'], ['b1']]);
  });

  it('a head waiting for its retry holds its project; its due followers wait until then', () => {
    const retryAt = NOW + 5_000;
    const pending = [d('a1', 1, 10, { dueAt: retryAt, attempts: 1 }), d('a2', 1, 11), d('b1', 2, 20)];
    expect(pick(pending, { blocked: [head('a1', 1, 10, retryAt)] })).toEqual({ lanes: [['b1']], defer: [['a2', retryAt]] });
  });

  it('a blocked head the listing does not reach still holds its later deliveries', () => {
    const retryAt = NOW + 3_600_000;
    const pending = [d('a2', 1, 11), d('a3', 1, 12)];
    expect(pick(pending, { blocked: [head('a1', 1, 10, retryAt)] })).toEqual({ lanes: [], defer: [['a2', retryAt], ['a3', retryAt]] });
  });

  it('a delivery older than the blocked head is the real head and goes', () => {
    const pending = [d('a0', 1, 5), d('a2', 1, 11)];
    expect(pick(pending, { blocked: [head('a1', 1, 10, NOW + 5_000)] }).lanes).toEqual([['a0', 'a2']]);
  });

  it('a blocked head that is due goes, its followers behind it', () => {
    const pending = [d('a1', 1, 10, { attempts: 1 }), d('a2', 1, 11)];
    expect(pick(pending, { blocked: [head('a1', 1, 10, NOW)] })).toEqual({ lanes: [['a1', 'a2']], defer: [] });
  });

  it('a follower moved behind a head that is done by now goes at once', () => {
    const pending = [d('a2', 1, 11, { dueAt: NOW + 5_000 })];
    expect(pick(pending).lanes).toEqual([['a2']]);
  });

  it('a follower already waiting long enough is not moved again', () => {
    const retryAt = NOW + 5_000;
    const pending = [d('a1', 1, 10, { dueAt: retryAt, attempts: 1 }), d('a2', 1, 11, { dueAt: retryAt })];
    expect(pick(pending, { blocked: [head('a1', 1, 10, retryAt)] }).defer).toEqual([]);
  });

  it('an open circuit holds ordered deliveries and lets unordered ones go', () => {
    const pending = [d('a1', 1, 10), d('t1', 2, 20, { event: 'test', ordered: false })];
    expect(pick(pending, { breakerUntil: NOW + 1 })).toEqual({ lanes: [['t1']], defer: [] });
  });

  it('a closed circuit (its time has come) holds nothing', () => {
    expect(pick([d('a1', 1, 10)], { breakerUntil: NOW }).lanes).toEqual([['a1']]);
  });

  it('an unordered delivery goes in a lane of its own, even while its project is blocked', () => {
    const pending = [d('r1', 1, 5, { ordered: false, attempts: 1 }), d('a2', 1, 11)];
    expect(pick(pending, { blocked: [head('a1', 1, 10, NOW + 5_000)] }).lanes).toEqual([['r1']]);
  });

  it('an unordered delivery never goes beside its own project\'s lane', () => {
    const pending = [d('a1', 1, 10), d('r1', 1, 5, { ordered: false, attempts: 1 })];
    expect(pick(pending).lanes).toEqual([['a1']]);
  });

  it('an unordered delivery not yet due waits', () => {
    expect(pick([d('r1', 1, 5, { ordered: false, dueAt: NOW + 1 })]).lanes).toEqual([]);
  });

  it('with BLOCKED_MAX projects blocked, no new project starts', () => {
    const blocked = Array.from({ length: BLOCKED_MAX }, (_, i) => head(`x${i}`, 1000 + i, 1, NOW + 60_000));
    expect(pick([d('a1', 1, 10)], { blocked }).lanes).toEqual([]);
    expect(pick([d('a1', 1, 10)], { blocked: blocked.slice(1) }).lanes).toEqual([['a1']]);
  });

  it('leaves projects with requests in flight alone', () => {
    expect(pick([d('a1', 1, 10), d('b1', 2, 20)], { busyProjects: new Set([1]) }).lanes).toEqual([['b1']]);
  });

  it('takes a claim a dead drain left, though its claim runs out later', () => {
    expect(pick([d('a1', 1, 10, { attempts: 1, inFlight: 1, dueAt: NOW + 150_000 })]).lanes).toEqual([['a1']]);
  });

  it('skips deliveries that are not pending', () => {
    expect(pick([d('a1', 1, 10, { status: 'delivered' }), d('a2', 1, 11, { status: 'cancelled' }), d('a3', 1, 12)]).lanes).toEqual([['a3']]);
  });
});

describe('updateBlocked', () => {
  const blocked = [head('b1', 2, 20, NOW + 5_000)];

  it('remembers an ordered delivery that waits for a retry', () => {
    expect(updateBlocked(blocked, d('a1', 1, 10, { dueAt: NOW + 300_000, attempts: 2 }))).toEqual([...blocked, head('a1', 1, 10, NOW + 300_000)]);
  });

  it('moves the head of a project that failed again to its new due time', () => {
    expect(updateBlocked(blocked, d('b1', 2, 20, { dueAt: NOW + 300_000 }))).toEqual([head('b1', 2, 20, NOW + 300_000)]);
  });

  it.each(['delivered', 'failed', 'cancelled'] as const)('lets the project go once its head is %s', (status) => {
    expect(updateBlocked(blocked, d('b1', 2, 20, { status }))).toEqual([]);
  });

  it('never blocks a project for an unordered delivery', () => {
    expect(updateBlocked([], d('r1', 1, 10, { ordered: false }))).toEqual([]);
  });
});

describe('pruneBlocked', () => {
  const blocked = [head('a1', 1, 10, NOW), head('b1', 2, 20, NOW), head('c1', 3, 30, NOW)];

  it('keeps a head read as pending and ordered, or not read at all', () => {
    expect(pruneBlocked(blocked, new Map([['a1', d('a1', 1, 10)]]), new Set())).toEqual(blocked);
  });

  it('drops a head read as final or redelivered (unordered), and one that is gone', () => {
    const current = new Map([
      ['a1', d('a1', 1, 10, { status: 'cancelled' })],
      ['b1', d('b1', 2, 20, { ordered: false })],
    ]);
    expect(pruneBlocked(blocked, current, new Set(['c1']))).toEqual([]);
  });
});

describe('dueBlockedIds, isSendable, byChangeOrder', () => {
  it('answers the blocked heads due by now', () => {
    expect(dueBlockedIds([head('a1', 1, 10, NOW), head('b1', 2, 20, NOW + 1)], NOW)).toEqual(['a1']);
  });

  it.each([
    ['due now', {}, true],
    ['due later', { dueAt: NOW + 1 }, false],
    ['claimed and due later (abandoned claim)', { dueAt: NOW + 1, inFlight: 1, attempts: 1 }, true],
    ['delivered', { status: 'delivered' as const }, false],
  ])('isSendable: %s', (_label, overrides, expected) => {
    expect(isSendable(d('a1', 1, 10, overrides), NOW)).toBe(expected);
  });

  it('orders by change order, then by id', () => {
    const sorted = [d('b', 1, 10), d('a', 1, 10), d('c', 1, 5)].sort(byChangeOrder).map((x) => x.deliveryId);
    expect(sorted).toEqual(['c', 'a', 'b']);
  });
});

describe('checkPredecessor (the chain check)', () => {
  const change = (pushState: 'pending' | 'pushed' | 'fanned-out', previousChangeId?: string) => ({ pushState, ...(previousChangeId ? { previousChangeId } : {}) });
  const lookup = (deliveries: Record<string, DeliveryRecord | null>, changes: Record<string, ReturnType<typeof change> | null>) => ({
    delivery: (c: string) => deliveries[c],
    change: (c: string) => changes[c],
  });
  const head = d('x3', 1, 3, { previousChangeId: 'c2' });

  it('is clear for an unordered delivery and for a project’s first change', () => {
    expect(checkPredecessor({ ...head, ordered: false }, lookup({}, {}))).toEqual({ kind: 'clear' });
    expect(checkPredecessor({ ordered: true }, lookup({}, {}))).toEqual({ kind: 'clear' });
  });

  it('asks to read what it does not know yet: the delivery first, then the change', () => {
    expect(checkPredecessor(head, lookup({}, {}))).toEqual({ kind: 'read-delivery', changeId: 'c2' });
    expect(checkPredecessor(head, lookup({ c2: null }, {}))).toEqual({ kind: 'read-change', changeId: 'c2' });
  });

  it('is behind a pending ordered delivery; clear behind a delivered or finally failed one', () => {
    const before = d('x2', 1, 2);
    expect(checkPredecessor(head, lookup({ c2: before }, {}))).toEqual({ kind: 'behind', delivery: before });
    expect(checkPredecessor(head, lookup({ c2: { ...before, status: 'delivered' } }, {}))).toEqual({ kind: 'clear' });
    expect(checkPredecessor(head, lookup({ c2: { ...before, status: 'failed' } }, {}))).toEqual({ kind: 'clear' });
  });

  it('walks past a cancelled delivery, a redelivery going on and a change the webhook skipped', () => {
    const pendingOne = d('x0', 1, 0);
    const deliveries = { c2: { ...d('x2', 1, 2), status: 'cancelled' as const, previousChangeId: 'c1' }, c1: null, c0: pendingOne };
    expect(checkPredecessor(head, lookup(deliveries, { c1: change('fanned-out', 'c0') }))).toEqual({ kind: 'behind', delivery: pendingOne });
    const redelivery = { ...d('x2', 1, 2), ordered: false, previousChangeId: 'c1' };
    expect(checkPredecessor(head, lookup({ c2: redelivery, c1: { ...pendingOne, status: 'delivered' } }, {}))).toEqual({ kind: 'clear' });
  });

  it('waits for a change not fanned out yet; is clear when the change is gone', () => {
    expect(checkPredecessor(head, lookup({ c2: null }, { c2: change('pushed', 'c1') }))).toEqual({ kind: 'fan-out-pending', changeId: 'c2' });
    expect(checkPredecessor(head, lookup({ c2: null }, { c2: null }))).toEqual({ kind: 'clear' });
  });

  it(`stops walking after ${PREDECESSOR_WALK_MAX} changes the webhook skipped`, () => {
    const changes = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`c${i}`, change('fanned-out', `c${i - 1}`)]));
    const deliveries = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`c${i}`, null]));
    let reads = 0;
    const counting = { delivery: (c: string) => (reads++, deliveries[c]), change: (c: string) => changes[c] };
    expect(checkPredecessor({ ordered: true, previousChangeId: 'c199' }, counting)).toEqual({ kind: 'clear' });
    expect(reads).toBe(PREDECESSOR_WALK_MAX);
  });
});
