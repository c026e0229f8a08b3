import { STATE_INBOX_MAX, type WebhookStateRecord } from './records';

/**
 * One drain per webhook: the lease in the webhook's state record, as pure decisions. The storage
 * adapter only writes their answers with a compare-and-set on the state's version and, when
 * another writer got in between, asks `mergeConcurrent` what to keep.
 */

export function initialWebhookState(webhookId: string): WebhookStateRecord {
  return {
    schemaVersion: 1,
    webhookId,
    version: 0,
    leaseOwner: '',
    leaseUntil: 0,
    rerun: false,
    inbox: [],
    wakeAt: 0,
    drainStartedAt: 0,
    lastRunAt: null,
    lastResult: null,
    lastStatusCode: null,
    lastError: null,
    lastSuccessAt: null,
    failedSinceSuccess: 0,
    hours: [],
    blocked: [],
    breakerUntil: 0,
  };
}

export function leaseActive(state: Pick<WebhookStateRecord, 'leaseOwner' | 'leaseUntil'>, nowMs: number): boolean {
  return state.leaseOwner !== '' && state.leaseUntil > nowMs;
}

/** Ids handed to a drain, without repeats, at most STATE_INBOX_MAX. */
export function mergeIds(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].slice(0, STATE_INBOX_MAX);
}

/**
 * A wake-up wants the lease. Free or run out: taken (a drain that died loses it this way). Held
 * by another drain: busy (the caller pokes the holder instead, domain/wake-policy.ts `decidePoke`).
 */
export function acquireLease(
  state: WebhookStateRecord,
  input: { readonly owner: string; readonly nowMs: number; readonly leaseMs: number },
): { kind: 'acquired'; next: WebhookStateRecord } | { kind: 'busy' } {
  if (leaseActive(state, input.nowMs) && state.leaseOwner !== input.owner) return { kind: 'busy' };
  return { kind: 'acquired', next: { ...state, leaseOwner: input.owner, leaseUntil: input.nowMs + input.leaseMs, rerun: false, drainStartedAt: input.nowMs } };
}

/**
 * The holder lets go, unless a rerun was asked for meanwhile: then it keeps the lease and drains
 * again. `force` lets go all the same (over budget, or failing: a new wake-up takes the rest, and
 * the ids handed over stay for it). `carry`: ids the next drain reads by key (the index lags).
 */
export function releaseLease(state: WebhookStateRecord, force: boolean, carry: readonly string[] = []): { kind: 'rerun'; state: WebhookStateRecord } | { kind: 'release'; next: WebhookStateRecord } {
  if (state.rerun && !force) return { kind: 'rerun', state: { ...state, rerun: false } };
  return { kind: 'release', next: { ...state, leaseOwner: '', leaseUntil: 0, rerun: false, inbox: mergeIds(force ? state.inbox : [], carry) } };
}

/**
 * The lease holder's write lost against another writer: what they added is kept (a rerun asked
 * for, the ids handed over, a wake-up noted); the rest is the holder's, which only it writes.
 */
export function mergeConcurrent(ours: WebhookStateRecord, stored: WebhookStateRecord): WebhookStateRecord {
  return {
    ...ours,
    version: stored.version,
    rerun: ours.rerun || stored.rerun,
    inbox: mergeIds(ours.inbox, stored.inbox),
    wakeAt: Math.max(ours.wakeAt, stored.wakeAt),
  };
}
