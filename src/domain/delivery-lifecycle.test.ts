import { attemptRecord, cancelDelivery, claimAttempt, createDelivery, deferDelivery, giveBackClaim, INTERRUPTED_ERROR, interruptAttempt, redeliverDelivery, settleAttempt } from './delivery-lifecycle';
import { CLAIM_MS, type AttemptPlan } from './delivery-policy';
import { deliveryRecordSchema, type DeliveryRecord } from './records';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

function created(overrides: Partial<Parameters<typeof createDelivery>[0]> = {}): DeliveryRecord {
  return createDelivery({
    deliveryId: 'msg_1',
    webhookId: 'hook-1',
    changeId: 'change-1',
    event: 'updated',
    project: { id: 10_000, key: 'DEMO', name: 'Demo' },
    fieldNames: ['Budget'],
    order: NOW - 1_000,
    body: { inline: '{"revision":14}' },
    nowMs: NOW,
    ...overrides,
  });
}

const retry = (dueAt: number): AttemptPlan => ({ status: 'pending', dueAt, outcome: 'retry', nextAttemptAt: dueAt, error: 'HTTP 500' });
const delivered: AttemptPlan = { status: 'delivered', dueAt: NOW, outcome: 'delivered', nextAttemptAt: null, error: null };
const failed: AttemptPlan = { status: 'failed', dueAt: NOW, outcome: 'failed', nextAttemptAt: null, error: 'HTTP 500' };

describe('createDelivery', () => {
  it('makes a valid pending record, due at once, no attempt used', () => {
    const d = created();
    expect(deliveryRecordSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ status: 'pending', dueAt: NOW, createdAt: NOW, attempts: 0, inFlight: 0, roundStart: 0, order: NOW - 1_000, cancelledBy: null });
  });

  it.each([
    ['updated', true],
    ['test', false],
  ] as const)('a %s delivery keeps its project order: %s', (event, ordered) => {
    expect(created({ event }).ordered).toBe(ordered);
  });

  it.each([
    ['a test carries its body itself', { inline: '{"type":"test"}' }, { body: '{"type":"test"}', bodyRef: undefined }],
    ["a change's delivery names the body its change's deliveries share", { ref: 'change-1.abc' }, { body: undefined, bodyRef: 'change-1.abc' }],
  ])('%s', (_label, body, expected) => {
    const d = created({ body });
    expect({ body: d.body, bodyRef: d.bodyRef }).toEqual(expected);
    expect(deliveryRecordSchema.parse(d)).toEqual(d);
  });

  it('copies the field names (a later change of the caller\'s array does not reach the record)', () => {
    const names = ['Budget'];
    const d = created({ fieldNames: names });
    names.push('Status');
    expect(d.fieldNames).toEqual(['Budget']);
  });
});

describe('claim, give back, interrupt', () => {
  it('claims the next attempt number before sending; the claim runs out after CLAIM_MS', () => {
    const d = claimAttempt({ ...created(), attempts: 2 }, NOW);
    expect(d).toMatchObject({ attempts: 3, inFlight: 3, dueAt: NOW + CLAIM_MS, status: 'pending' });
  });

  it('gives a claim not sent back: the number is free again, due when asked', () => {
    const d = giveBackClaim(claimAttempt(created(), NOW), NOW + 5_000);
    expect(d).toMatchObject({ attempts: 0, inFlight: 0, dueAt: NOW + 5_000 });
  });

  it('logs a claim left by a dead drain as interrupted and makes it due at once, the round moved on', () => {
    const claimed = claimAttempt({ ...created(), attempts: 1, roundStart: 0 }, NOW - 200_000);
    const { delivery, attempt } = interruptAttempt(claimed, NOW);
    expect(delivery).toMatchObject({ attempts: 2, inFlight: 0, status: 'pending', dueAt: NOW, roundStart: 1, lastError: INTERRUPTED_ERROR });
    expect(attempt).toMatchObject({ deliveryId: 'msg_1', attempt: 2, outcome: 'interrupted', error: INTERRUPTED_ERROR, nextAttemptAt: NOW, responseStatus: null });
    // The next claim takes a new number: none is used twice.
    expect(claimAttempt(delivery, NOW).inFlight).toBe(3);
  });
});

describe('settleAttempt', () => {
  const claimed = claimAttempt(created(), NOW);

  it('delivered: final, no error', () => {
    expect(settleAttempt({ ...claimed, lastError: 'HTTP 500' }, delivered, { statusCode: 204, endedAt: NOW + 40 })).toMatchObject({
      status: 'delivered',
      inFlight: 0,
      attempts: 1,
      lastAttemptAt: NOW + 40,
      lastStatusCode: 204,
      lastError: null,
    });
  });

  it('retry: pending, due when the plan says, the error kept', () => {
    expect(settleAttempt(claimed, retry(NOW + 5_000), { statusCode: 500, endedAt: NOW })).toMatchObject({ status: 'pending', inFlight: 0, dueAt: NOW + 5_000, lastError: 'HTTP 500', lastStatusCode: 500 });
  });

  it('failed: final, the error kept', () => {
    expect(settleAttempt(claimed, failed, { statusCode: null, endedAt: NOW })).toMatchObject({ status: 'failed', inFlight: 0, lastError: 'HTTP 500', lastStatusCode: null });
  });
});

describe('deferDelivery', () => {
  it.each([
    ['moves a delivery due sooner to then', NOW, NOW + 5_000, NOW + 5_000],
    ['leaves one due later as it is', NOW + 10_000, NOW + 5_000, NOW + 10_000],
  ])('%s', (_label, dueAt, until, expected) => {
    const d = { ...created(), dueAt };
    const moved = deferDelivery(d, until);
    expect(moved.dueAt).toBe(expected);
    expect(moved.attempts).toBe(0);
  });
});

describe('cancelDelivery', () => {
  it('cancels a pending delivery, saying who and when', () => {
    const result = cancelDelivery({ ...created(), attempts: 2, dueAt: NOW + 300_000 }, 'admin-1', NOW);
    expect(result).toEqual({ ok: true, delivery: expect.objectContaining({ status: 'cancelled', cancelledBy: 'admin-1', cancelledAt: NOW, inFlight: 0, attempts: 2 }) });
  });

  it.each(['delivered', 'failed', 'cancelled'] as const)('refuses a delivery that is %s already', (status) => {
    const result = cancelDelivery({ ...created(), status }, 'admin-1', NOW);
    expect(result).toEqual({ ok: false, reason: `This delivery is ${status} already; only a pending delivery can be cancelled.` });
  });

  it('refuses while an attempt is being sent', () => {
    const result = cancelDelivery(claimAttempt(created(), NOW), 'admin-1', NOW + 1_000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/being sent right now/);
  });

  it('cancels a claim whose drain is gone (the claim ran out), logging its attempt as interrupted', () => {
    const result = cancelDelivery(claimAttempt(created(), NOW), 'admin-1', NOW + CLAIM_MS);
    expect(result).toEqual({
      ok: true,
      delivery: expect.objectContaining({ status: 'cancelled', attempts: 1, inFlight: 0, cancelledBy: 'admin-1', lastError: INTERRUPTED_ERROR }),
      interrupted: expect.objectContaining({ deliveryId: created().deliveryId, attempt: 1, outcome: 'interrupted', error: INTERRUPTED_ERROR }),
    });
  });

  it('logs no attempt when none was in flight', () => {
    const result = cancelDelivery({ ...created(), attempts: 2, dueAt: NOW + 300_000 }, 'admin-1', NOW);
    expect(result.ok && result.interrupted).toBe(undefined);
  });
});

describe('redeliverDelivery', () => {
  it.each(['delivered', 'failed', 'cancelled'] as const)('sends a %s delivery again at once, outside its project order, a new round', (status) => {
    const result = redeliverDelivery({ ...created(), status, attempts: 8, cancelledBy: 'admin-1', cancelledAt: NOW - 1 }, NOW + 60_000);
    expect(result).toEqual({
      ok: true,
      delivery: expect.objectContaining({ status: 'pending', dueAt: NOW + 60_000, roundStart: 8, attempts: 8, inFlight: 0, ordered: false, cancelledBy: null, cancelledAt: null, body: '{"revision":14}' }),
    });
  });

  it('refuses a delivery still pending', () => {
    expect(redeliverDelivery(created(), NOW)).toEqual({ ok: false, reason: 'This delivery is still being delivered; its next attempt is already planned.' });
  });
});

describe('attemptRecord', () => {
  const base = { deliveryId: 'msg_1', attempt: 1, startedAt: NOW, requestHeaders: {}, responseStatus: 500, responseHeaders: {}, responseBodyExcerpt: 'oops' };

  it('keeps the plan\'s error and next attempt; rounds the duration, never below 0', () => {
    expect(attemptRecord({ ...base, durationMs: 12.6, plan: retry(NOW + 5_000) })).toMatchObject({ durationMs: 13, error: 'HTTP 500', outcome: 'retry', nextAttemptAt: NOW + 5_000 });
    expect(attemptRecord({ ...base, durationMs: -3, plan: retry(NOW) }).durationMs).toBe(0);
  });

  it('a delivered attempt has no error', () => {
    expect(attemptRecord({ ...base, durationMs: 1, plan: { ...delivered, error: 'stale' } })).toMatchObject({ error: null, outcome: 'delivered', nextAttemptAt: null });
  });
});
