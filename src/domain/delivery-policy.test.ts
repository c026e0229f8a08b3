import { classifyOutcome } from './classify-outcome';
import { byChangeOrder } from './delivery-order';
import { addToHealth, deliveryIdFor, fieldsForWebhook, healthOf, planAfterAttempt, testDeliveryId } from './delivery-policy';
import { MAX_ATTEMPTS } from './retry-schedule';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const change = {
  projectId: 13647,
  fields: [
    { id: 1, name: 'Budget', type: 'number', value: { current: '23.000', previous: '25.000' } },
    { id: 2, name: 'Status', type: 'status', value: { current: 'Done', previous: 'On track' } },
  ],
};
const webhook = (overrides: Partial<{ active: boolean; projects: { id: number; key: string }[] | null; fieldIds: number[] | null }> = {}) => ({
  active: true,
  projects: null,
  fieldIds: null,
  ...overrides,
});
const response = (status: number, headers: Record<string, string> = {}) => classifyOutcome({ kind: 'response', status, headers, nowMs: NOW });

describe('deliveryIdFor', () => {
  it('is the same for the same change and webhook, different otherwise, and safe as a webhook-id and a key', () => {
    const id = deliveryIdFor('change-1', 'hook-1');
    expect(deliveryIdFor('change-1', 'hook-1')).toBe(id);
    expect(deliveryIdFor('change-1', 'hook-2')).not.toBe(id);
    expect(deliveryIdFor('change-2', 'hook-1')).not.toBe(id);
    // No way to make two pairs collide by moving the separator.
    expect(deliveryIdFor('a\nb', 'c')).not.toBe(deliveryIdFor('a', 'b\nc'));
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('test deliveries take their id from random bytes', () => {
    expect(testDeliveryId(new Uint8Array(16).fill(171))).toBe(`msg_test_${'ab'.repeat(16)}`);
  });
});

describe('fieldsForWebhook', () => {
  it.each([
    ['no filter: every field', webhook(), [1, 2]],
    ['inactive: nothing', webhook({ active: false }), []],
    ['another project: nothing', webhook({ projects: [{ id: 10001, key: 'OPS' }] }), []],
    ['this project: every field', webhook({ projects: [{ id: 13647, key: 'DEMO' }] }), [1, 2]],
    ['field filter: only those', webhook({ fieldIds: [2, 99] }), [2]],
    ['field filter matching none: nothing (no request)', webhook({ fieldIds: [99] }), []],
  ])('%s', (_, hook, ids) => {
    expect(fieldsForWebhook(hook, change).map((f) => f.id)).toEqual(ids);
  });
});

describe('planAfterAttempt', () => {
  const delivery = { roundStart: 0, dueAt: NOW - 1000 };

  it('2xx: delivered, no next attempt', () => {
    expect(planAfterAttempt({ delivery, attempt: 1, result: response(204), nowMs: NOW, jitter: 0.5 })).toEqual({
      status: 'delivered',
      dueAt: delivery.dueAt,
      outcome: 'delivered',
      nextAttemptAt: null,
      error: null,
    });
  });

  it('410: the delivery fails and the webhook is disabled at once', () => {
    const plan = planAfterAttempt({ delivery, attempt: 1, result: response(410), nowMs: NOW, jitter: 0.5 });
    expect(plan).toMatchObject({ status: 'failed', outcome: 'disabled', nextAttemptAt: null });
    expect(plan.disableReason).toMatch(/410/);
  });

  it.each([
    [1, 5_000],
    [2, 5 * 60_000],
    [3, 30 * 60_000],
    [4, 2 * HOUR],
    [5, 5 * HOUR],
    [6, 10 * HOUR],
    [7, 10 * HOUR],
  ])('a failed attempt %i is retried after the schedule (no jitter at 0.5): %i ms', (attempt, delay) => {
    expect(planAfterAttempt({ delivery, attempt, result: response(500), nowMs: NOW, jitter: 0.5 })).toMatchObject({ status: 'pending', outcome: 'retry', dueAt: NOW + delay, nextAttemptAt: NOW + delay });
  });

  it(`after attempt ${MAX_ATTEMPTS} fails the delivery is failed`, () => {
    expect(planAfterAttempt({ delivery, attempt: MAX_ATTEMPTS, result: response(500), nowMs: NOW, jitter: 0.5 })).toMatchObject({ status: 'failed', outcome: 'failed', nextAttemptAt: null });
  });

  it('Retry-After is honoured: no sooner than asked', () => {
    expect(planAfterAttempt({ delivery, attempt: 1, result: response(429, { 'Retry-After': '120' }), nowMs: NOW, jitter: 0.5 })).toMatchObject({ dueAt: NOW + 120_000 });
  });

  it('a redelivery starts the schedule anew: attempt 9 after a round start of 8 is the first of its round', () => {
    expect(planAfterAttempt({ delivery: { roundStart: 8, dueAt: NOW }, attempt: 9, result: response(500), nowMs: NOW, jitter: 0.5 })).toMatchObject({ status: 'pending', dueAt: NOW + 5_000 });
  });

  it('an interrupted attempt is retried at once and never makes the delivery fail, even as the last one', () => {
    expect(planAfterAttempt({ delivery, attempt: 2, result: { outcome: 'interrupted' }, nowMs: NOW, jitter: 0.5 })).toMatchObject({ status: 'pending', outcome: 'interrupted', dueAt: NOW });
    expect(planAfterAttempt({ delivery, attempt: MAX_ATTEMPTS, result: { outcome: 'interrupted' }, nowMs: NOW, jitter: 0.5 })).toMatchObject({ status: 'pending', outcome: 'interrupted', dueAt: NOW });
  });

  it('network failures are retried with their reason', () => {
    const plan = planAfterAttempt({ delivery, attempt: 1, result: classifyOutcome({ kind: 'error', error: 'timeout', message: 'no answer within 10 s' }), nowMs: NOW, jitter: 0.5 });
    expect(plan).toMatchObject({ outcome: 'retry', error: 'request timed out: no answer within 10 s' });
  });
});

describe('health of the last 24 hours', () => {
  it('counts attempts and failures per hour and forgets what is older than 24 h', () => {
    let hours = addToHealth([], NOW - 30 * HOUR, true);
    hours = addToHealth(hours, NOW - 2 * HOUR, false);
    hours = addToHealth(hours, NOW - 2 * HOUR + 1000, true);
    hours = addToHealth(hours, NOW, false);
    expect(healthOf(hours, NOW)).toEqual({ attempts24h: 3, failures24h: 1 });
    expect(hours.length).toBeLessThanOrEqual(25);
    expect(healthOf(hours, NOW + 23 * HOUR)).toEqual({ attempts24h: 1, failures24h: 0 });
  });
});

describe('byChangeOrder', () => {
  it('orders by the save time, then by id', () => {
    const list = [
      { order: 2, deliveryId: 'b' },
      { order: 1, deliveryId: 'z' },
      { order: 2, deliveryId: 'a' },
    ];
    expect([...list].sort(byChangeOrder).map((d) => d.deliveryId)).toEqual(['z', 'a', 'b']);
  });
});
