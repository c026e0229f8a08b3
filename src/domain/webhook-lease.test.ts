import { STATE_INBOX_MAX, webhookStateRecordSchema, type WebhookStateRecord } from './records';
import { acquireLease, initialWebhookState, leaseActive, mergeConcurrent, mergeIds, releaseLease } from './webhook-lease';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const state = (overrides: Partial<WebhookStateRecord> = {}): WebhookStateRecord => ({ ...initialWebhookState('hook-1'), version: 3, ...overrides });
const input = { owner: 'drain-2', nowMs: NOW, leaseMs: 150_000 };

describe('initialWebhookState', () => {
  it('is a valid, unleased state at version 0 (not stored yet)', () => {
    const s = initialWebhookState('hook-9');
    expect(webhookStateRecordSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({ webhookId: 'hook-9', version: 0, leaseOwner: '', leaseUntil: 0, inbox: [], blocked: [], breakerUntil: 0 });
  });
});

describe('leaseActive', () => {
  it.each([
    ['free', { leaseOwner: '', leaseUntil: 0 }, false],
    ['held', { leaseOwner: 'drain-1', leaseUntil: NOW + 1 }, true],
    ['run out at this very moment', { leaseOwner: 'drain-1', leaseUntil: NOW }, false],
    ['an owner without time (inconsistent) counts as free', { leaseOwner: 'drain-1', leaseUntil: 0 }, false],
  ])('%s: %s', (_label, s, expected) => {
    expect(leaseActive(s, NOW)).toBe(expected);
  });
});

describe('acquireLease', () => {
  it.each([
    ['free', state()],
    ['run out (its drain died)', state({ leaseOwner: 'drain-1', leaseUntil: NOW - 1 })],
    ['held by the same owner', state({ leaseOwner: 'drain-2', leaseUntil: NOW + 5_000 })],
  ])('takes a lease that is %s, starting a drain', (_label, s) => {
    const lease = acquireLease({ ...s, rerun: true }, input);
    expect(lease).toEqual({ kind: 'acquired', next: expect.objectContaining({ leaseOwner: 'drain-2', leaseUntil: NOW + 150_000, rerun: false, drainStartedAt: NOW, version: 3 }) });
  });

  it('keeps the ids handed over for the new holder', () => {
    const lease = acquireLease(state({ inbox: ['msg_1'] }), input);
    expect(lease.kind === 'acquired' && lease.next.inbox).toEqual(['msg_1']);
  });

  it('is busy while another drain holds it', () => {
    expect(acquireLease(state({ leaseOwner: 'drain-1', leaseUntil: NOW + 1 }), input)).toEqual({ kind: 'busy' });
  });
});

describe('releaseLease', () => {
  const holding = state({ leaseOwner: 'drain-1', leaseUntil: NOW + 100_000, inbox: ['msg_1'] });

  it('lets go, emptying the inbox it has read', () => {
    expect(releaseLease(holding, false)).toEqual({ kind: 'release', next: { ...holding, leaseOwner: '', leaseUntil: 0, rerun: false, inbox: [] } });
  });

  it('a rerun asked for meanwhile: keeps the lease and drains again', () => {
    expect(releaseLease({ ...holding, rerun: true }, false)).toEqual({ kind: 'rerun', state: { ...holding, rerun: false } });
  });

  it('forced (over budget, failing): lets go all the same and leaves the ids for the next drain', () => {
    expect(releaseLease({ ...holding, rerun: true }, true)).toEqual({ kind: 'release', next: { ...holding, leaseOwner: '', leaseUntil: 0, rerun: false, inbox: ['msg_1'] } });
  });
});

describe('mergeConcurrent', () => {
  it("keeps what the other writer added (rerun, ids, a later wake-up) and the holder's own fields", () => {
    const ours = state({ version: 3, leaseOwner: 'drain-1', leaseUntil: NOW + 100_000, inbox: ['msg_a'], wakeAt: NOW + 5_000, lastStatusCode: 200, breakerUntil: 0 });
    const stored = state({ version: 5, leaseOwner: 'drain-1', leaseUntil: NOW + 100_000, rerun: true, inbox: ['msg_b', 'msg_a'], wakeAt: NOW + 9_000, lastStatusCode: 500, breakerUntil: NOW + 1 });
    expect(mergeConcurrent(ours, stored)).toEqual({ ...ours, version: 5, rerun: true, inbox: ['msg_a', 'msg_b'], wakeAt: NOW + 9_000 });
  });

  it('keeps our later wake-up over an earlier stored one', () => {
    expect(mergeConcurrent(state({ wakeAt: NOW + 9_000 }), state({ version: 4, wakeAt: NOW })).wakeAt).toBe(NOW + 9_000);
  });
});

describe('mergeIds', () => {
  it('joins without repeats, first list first', () => {
    expect(mergeIds(['a', 'b'], ['b', 'c', 'a'])).toEqual(['a', 'b', 'c']);
  });

  it(`keeps at most ${STATE_INBOX_MAX}`, () => {
    const many = Array.from({ length: STATE_INBOX_MAX + 5 }, (_, i) => `msg_${i}`);
    expect(mergeIds(many.slice(0, 3), many)).toEqual(many.slice(0, STATE_INBOX_MAX));
  });
});
