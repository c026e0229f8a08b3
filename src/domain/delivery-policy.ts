import { createHash } from 'node:crypto';
import { lastResultOf, type AttemptOutcome } from './classify-outcome';
import { updateBlocked } from './delivery-order';
import type { DeliveryRecord, FieldChangeRecord, HealthHour, WebhookRecord, WebhookStateRecord } from './records';
import { MAX_ATTEMPTS, nextRetryDelayMs } from './retry-schedule';

/**
 * The delivery rules of DESIGN.md section 6 that are decisions, not I/O: which webhooks a change
 * goes to, the id of a delivery, what an attempt's outcome does to the delivery, the circuit
 * breaker, the drain's budget and the 24 h health. Pure: time and jitter are passed in.
 */

/**
 * One drain invocation stops after this many attempts or this long, then wakes itself again. Each
 * hand-over costs more than the reads it starts with: for about a second Forge's index still
 * lists what the last drain just delivered, so the next one lists and claims stale records
 * (measured: with 100 attempts the strict bulk burst read 2.3 times the units it read with 500, and ran 38%
 * over its prediction instead of 7%). The time limit keeps a run far inside Forge's 900 s.
 */
export const DRAIN_BUDGET = { maxAttempts: 500, maxMs: 60_000 } as const;
/** A drain's lease on its webhook; a crashed drain's lease runs out after this. */
export const LEASE_MS = 150_000;
/** An attempt claimed and never recorded (the drain died) counts as interrupted after this. */
export const CLAIM_MS = LEASE_MS;
/** After this many consecutive failures in one drain, the rest wait for the failed one's next attempt. */
export const CIRCUIT_BREAKER_FAILURES = 3;
/** Per attempt: the request time-out and how much of the response body is kept. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
export const RESPONSE_EXCERPT_BYTES = 4096;
/** Deliveries, attempts and change records are kept this long (KVS TTL). */
export const RETENTION_DAYS = 30;

const HOUR_MS = 3_600_000;

/**
 * A delivery's id: the same for the same change and webhook, so a change fanned out twice makes
 * no second delivery. Letters and digits only (no `.`: it is the `webhook-id` that is signed).
 */
export function deliveryIdFor(changeId: string, webhookId: string): string {
  return `msg_${createHash('sha256').update(JSON.stringify([changeId, webhookId]), 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * The key of a change's body record: every delivery of the change whose webhook gets the same
 * fields shares it (a webhook filtered to other fields gets a body, and a key, of its own).
 */
export function bodyRefFor(changeId: string, body: string): string {
  return `${changeId}.${createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 24)}`;
}

/** Test sends have no change: their id comes from random bytes passed in. */
export function testDeliveryId(random16: Uint8Array): string {
  return `msg_test_${Buffer.from(random16).toString('hex')}`;
}

/**
 * The fields of `change` that `webhook` receives: none when it is inactive, limited to other
 * projects, or limited to fields the change did not touch (then no request is sent).
 */
export function fieldsForWebhook(webhook: Pick<WebhookRecord, 'active' | 'projects' | 'fieldIds'>, change: Pick<FieldChangeRecord, 'projectId' | 'fields'>): FieldChangeRecord['fields'] {
  if (!webhook.active) return [];
  if (webhook.projects !== null && !webhook.projects.some((p) => p.id === change.projectId)) return [];
  if (webhook.fieldIds === null) return [...change.fields];
  const wanted = new Set(webhook.fieldIds);
  return change.fields.filter((f) => wanted.has(f.id));
}

export type AttemptPlan = {
  readonly status: DeliveryRecord['status'];
  /** When the next attempt is due (unchanged when the delivery is final). */
  readonly dueAt: number;
  readonly outcome: 'delivered' | 'retry' | 'failed' | 'disabled' | 'interrupted';
  readonly nextAttemptAt: number | null;
  /** Set when the webhook must be disabled at once (HTTP 410). */
  readonly disableReason?: string;
  /** For the log: why the attempt failed. */
  readonly error: string | null;
};

/**
 * What one attempt's outcome does to its delivery. `attempt` is the attempt number just made;
 * the retry schedule counts from the start of the delivery's current round (a redelivery starts
 * a new one). An interrupted attempt (claimed, never recorded) is retried at once and does not
 * count toward the schedule: its request may or may not have reached the receiver, who dedupes
 * on `webhook-id`; either way a crash never makes a delivery fail.
 */
export function planAfterAttempt(input: {
  readonly delivery: Pick<DeliveryRecord, 'roundStart' | 'dueAt'>;
  readonly attempt: number;
  readonly result: AttemptOutcome | { readonly outcome: 'interrupted' };
  readonly nowMs: number;
  readonly jitter: number;
}): AttemptPlan {
  const { delivery, attempt, result, nowMs, jitter } = input;
  if (result.outcome === 'delivered') return { status: 'delivered', dueAt: delivery.dueAt, outcome: 'delivered', nextAttemptAt: null, error: null };
  if (result.outcome === 'disable-webhook') {
    return { status: 'failed', dueAt: delivery.dueAt, outcome: 'disabled', nextAttemptAt: null, disableReason: result.reason, error: result.reason };
  }
  // Interrupted: retried at once and not counted as a step of the schedule (the caller moves the
  // round on): a drain killed with a chunk claimed may never have sent most of it.
  if (result.outcome === 'interrupted') {
    return { status: 'pending', dueAt: nowMs, outcome: 'interrupted', nextAttemptAt: nowMs, error: 'attempt interrupted: the drain stopped before its outcome was recorded' };
  }
  const inRound = Math.max(1, attempt - delivery.roundStart);
  const error = result.reason;
  if (inRound >= MAX_ATTEMPTS) return { status: 'failed', dueAt: delivery.dueAt, outcome: 'failed', nextAttemptAt: null, error };
  const decision = nextRetryDelayMs({ attempt: inRound, jitter, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) });
  if (decision.kind === 'give-up') return { status: 'failed', dueAt: delivery.dueAt, outcome: 'failed', nextAttemptAt: null, error };
  const dueAt = nowMs + decision.delayMs;
  return { status: 'pending', dueAt, outcome: 'retry', nextAttemptAt: dueAt, error };
}

/**
 * The webhook's stored URL fails the URL policy as it is now (stricter than when it was saved, or
 * the offline host's loopback switched off): retrying cannot help, so the delivery fails at once
 * and the webhook is disabled until an admin changes the URL; its other deliveries wait.
 */
export function planRefusedUrl(delivery: Pick<DeliveryRecord, 'dueAt'>, policyMessage: string): AttemptPlan {
  const error = `not sent: the URL is not allowed (${policyMessage})`;
  return {
    status: 'failed',
    dueAt: delivery.dueAt,
    outcome: 'disabled',
    nextAttemptAt: null,
    disableReason: `Its URL is not allowed any more: ${policyMessage}. Change the URL, then enable the webhook again.`,
    error,
  };
}

/** A delivery whose body is no longer stored (past retention) cannot be sent again: it fails with the reason. */
export function planMissingBody(delivery: Pick<DeliveryRecord, 'dueAt'>): AttemptPlan {
  return { status: 'failed', dueAt: delivery.dueAt, outcome: 'failed', nextAttemptAt: null, error: `not sent: its request body is no longer stored (bodies are kept ${RETENTION_DAYS} days)` };
}

/** Adds one finished attempt to the hourly health buckets, keeping the last 25 hours. */
export function addToHealth(hours: readonly HealthHour[], nowMs: number, failed: boolean): HealthHour[] {
  const hour = Math.floor(nowMs / HOUR_MS);
  const kept = hours.filter((h) => h.hour > hour - 25 && h.hour !== hour);
  const current = hours.find((h) => h.hour === hour) ?? { hour, attempts: 0, failures: 0 };
  return [...kept, { hour, attempts: current.attempts + 1, failures: current.failures + (failed ? 1 : 0) }].sort((a, b) => a.hour - b.hour);
}

/** Attempts and failures of the last 24 hours (whole hours, the current one included). */
export function healthOf(hours: readonly HealthHour[], nowMs: number): { attempts24h: number; failures24h: number } {
  const hour = Math.floor(nowMs / HOUR_MS);
  const recent = hours.filter((h) => h.hour > hour - 24 && h.hour <= hour);
  return { attempts24h: recent.reduce((n, h) => n + h.attempts, 0), failures24h: recent.reduce((n, h) => n + h.failures, 0) };
}


/**
 * The webhook's state after one attempt: last execution, result and health as the admin page
 * shows them, the auto-disable count, the project held back while its head waits for a retry,
 * and the circuit breaker: CIRCUIT_BREAKER_FAILURES failures in a row hold the webhook's ordered
 * deliveries until the last failed one's next attempt; any success closes it.
 */
export function recordOutcome(
  state: WebhookStateRecord,
  input: { readonly settled: DeliveryRecord; readonly plan: AttemptPlan; readonly responseStatus: number | null; readonly nowMs: number; readonly failuresInARow: number },
): { state: WebhookStateRecord; failuresInARow: number } {
  const { settled, plan, nowMs } = input;
  const ok = plan.outcome === 'delivered';
  const failuresInARow = ok ? 0 : input.failuresInARow + 1;
  const opens = !ok && failuresInARow >= CIRCUIT_BREAKER_FAILURES && plan.nextAttemptAt !== null;
  return {
    failuresInARow,
    state: {
      ...state,
      lastRunAt: nowMs,
      lastResult: lastResultOf(input.responseStatus ?? undefined),
      lastStatusCode: input.responseStatus,
      lastError: ok ? null : plan.error,
      lastSuccessAt: ok ? nowMs : state.lastSuccessAt,
      failedSinceSuccess: ok ? 0 : state.failedSinceSuccess + (plan.status === 'failed' ? 1 : 0),
      hours: addToHealth(state.hours, nowMs, !ok),
      blocked: updateBlocked(state.blocked, settled),
      breakerUntil: ok ? 0 : opens && plan.nextAttemptAt !== null ? Math.max(state.breakerUntil, plan.nextAttemptAt) : state.breakerUntil,
    },
  };
}
