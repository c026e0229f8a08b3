import { CLAIM_MS, type AttemptPlan } from './delivery-policy';
import type { AttemptRecord, DeliveryRecord } from './records';

/**
 * The life of one delivery as pure, named steps (DESIGN.md section 6):
 *
 *   create ──▶ pending ──claim──▶ in flight ──settle──▶ delivered | pending (retry) | failed
 *                 ▲                   │ interrupt (its drain died) / give back (not sent)
 *                 └───────────────────┘
 *   pending ──cancel──▶ cancelled          delivered | failed | cancelled ──redeliver──▶ pending
 *
 * Each step takes a record and answers the next one; the drain and the admin use cases only
 * decide which step to take and write the answer with a compare-and-set. `attempts` only grows:
 * a number is claimed before its request is sent, so none is ever used twice.
 */

/** A new delivery, due at once: what the fan-out and a test send create. */
export function createDelivery(input: {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly changeId: string | null;
  readonly event: DeliveryRecord['event'];
  readonly project: DeliveryRecord['project'];
  readonly fieldNames: readonly string[];
  /** The save's time: the change order. */
  readonly order: number;
  /** A change's project revision and its project's previous change (the order's chain). */
  readonly revision?: number;
  readonly previousChangeId?: string;
  /** The body itself (a test), or the key of the body record its change's deliveries share. */
  readonly body: { readonly inline: string } | { readonly ref: string };
  readonly nowMs: number;
}): DeliveryRecord {
  return {
    schemaVersion: 1,
    deliveryId: input.deliveryId,
    webhookId: input.webhookId,
    changeId: input.changeId,
    event: input.event,
    project: input.project,
    fieldNames: [...input.fieldNames],
    order: input.order,
    ...(input.revision !== undefined ? { revision: input.revision } : {}),
    ...(input.previousChangeId !== undefined ? { previousChangeId: input.previousChangeId } : {}),
    status: 'pending',
    createdAt: input.nowMs,
    dueAt: input.nowMs,
    attempts: 0,
    roundStart: 0,
    inFlight: 0,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    ...('inline' in input.body ? { body: input.body.inline } : { bodyRef: input.body.ref }),
    // A test is sent at once, outside its project's order; a change keeps it.
    ordered: input.event === 'updated',
    cancelledBy: null,
    cancelledAt: null,
  };
}

/** Takes the next attempt number before sending; until the outcome is recorded the claim runs out at `dueAt`. */
export function claimAttempt(delivery: DeliveryRecord, nowMs: number): DeliveryRecord {
  const attempt = delivery.attempts + 1;
  return { ...delivery, attempts: attempt, inFlight: attempt, dueAt: nowMs + CLAIM_MS };
}

/** Not sent after all (the circuit opened, the webhook was disabled): the number is given back. */
export function giveBackClaim(claimed: DeliveryRecord, dueAt: number): DeliveryRecord {
  return { ...claimed, attempts: claimed.attempts - 1, inFlight: 0, dueAt };
}

export const INTERRUPTED_ERROR = 'attempt interrupted: the drain stopped before its outcome was recorded';

/**
 * A claim whose drain died (or lost its lease) before recording the outcome: logged as interrupted
 * and due again at once. The request may or may not have reached the receiver, who dedupes on
 * `webhook-id`; the round moves on by one, so an interruption is not a step of the retry schedule
 * and a crash never makes a delivery fail.
 */
export function interruptAttempt(delivery: DeliveryRecord, nowMs: number): { delivery: DeliveryRecord; attempt: AttemptRecord } {
  const attempt = attemptRecord({
    deliveryId: delivery.deliveryId,
    attempt: delivery.inFlight,
    startedAt: nowMs,
    durationMs: 0,
    requestHeaders: {},
    responseStatus: null,
    responseHeaders: {},
    responseBodyExcerpt: '',
    plan: { status: 'pending', dueAt: nowMs, outcome: 'interrupted', nextAttemptAt: nowMs, error: INTERRUPTED_ERROR },
  });
  return { delivery: { ...delivery, inFlight: 0, status: 'pending', dueAt: nowMs, lastError: INTERRUPTED_ERROR, roundStart: delivery.roundStart + 1 }, attempt };
}

/** Records the outcome of the attempt in flight, as the retry rules planned it. */
export function settleAttempt(claimed: DeliveryRecord, plan: AttemptPlan, response: { readonly statusCode: number | null; readonly endedAt: number }): DeliveryRecord {
  return {
    ...claimed,
    inFlight: 0,
    status: plan.status,
    dueAt: plan.dueAt,
    lastAttemptAt: response.endedAt,
    lastStatusCode: response.statusCode,
    lastError: plan.outcome === 'delivered' ? null : plan.error,
  };
}

/** Waits, without an attempt, until `until` (behind its project's failed head, or the circuit breaker). */
export function deferDelivery(delivery: DeliveryRecord, until: number): DeliveryRecord {
  return delivery.dueAt >= until ? delivery : { ...delivery, dueAt: until };
}

export type StepRefusal = { readonly ok: false; readonly reason: string };
export type StepResult = { readonly ok: true; readonly delivery: DeliveryRecord } | StepRefusal;

/**
 * An admin gives a pending delivery up: its project's later changes go on without it. Not while
 * an attempt is in flight (its outcome is a moment away), nor once it is final. A claim whose drain
 * died (it ran out) is cancelled with it, and its attempt is logged as interrupted, as the next
 * drain would have logged it: the log keeps one row per attempt number taken.
 */
export function cancelDelivery(
  delivery: DeliveryRecord,
  by: string | null,
  nowMs: number,
): { readonly ok: true; readonly delivery: DeliveryRecord; readonly interrupted?: AttemptRecord } | StepRefusal {
  if (delivery.status !== 'pending') return { ok: false, reason: `This delivery is ${delivery.status} already; only a pending delivery can be cancelled.` };
  if (delivery.inFlight > 0 && delivery.dueAt > nowMs) return { ok: false, reason: 'An attempt of this delivery is being sent right now. Wait for its outcome, then cancel it if it is still pending.' };
  const cancelled = { ...delivery, status: 'cancelled' as const, inFlight: 0, cancelledBy: by, cancelledAt: nowMs };
  if (delivery.inFlight === 0) return { ok: true, delivery: cancelled };
  const { attempt } = interruptAttempt(delivery, nowMs);
  return { ok: true, delivery: { ...cancelled, lastError: INTERRUPTED_ERROR }, interrupted: attempt };
}

/**
 * Sent again at once with the same `webhook-id` and body, outside its project's order (an admin
 * asked for it); the retry schedule starts anew.
 */
export function redeliverDelivery(delivery: DeliveryRecord, nowMs: number): StepResult {
  if (delivery.status === 'pending') return { ok: false, reason: 'This delivery is still being delivered; its next attempt is already planned.' };
  return { ok: true, delivery: { ...delivery, status: 'pending', dueAt: nowMs, roundStart: delivery.attempts, inFlight: 0, ordered: false, cancelledBy: null, cancelledAt: null } };
}

/** One attempt as the delivery log shows it. */
export function attemptRecord(input: {
  readonly deliveryId: string;
  readonly attempt: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly requestHeaders: Record<string, string>;
  readonly responseStatus: number | null;
  readonly responseHeaders: Record<string, string>;
  readonly responseBodyExcerpt: string;
  readonly plan: AttemptPlan;
}): AttemptRecord {
  return {
    schemaVersion: 1,
    deliveryId: input.deliveryId,
    attempt: input.attempt,
    startedAt: input.startedAt,
    durationMs: Math.max(0, Math.round(input.durationMs)),
    requestHeaders: input.requestHeaders,
    responseStatus: input.responseStatus,
    responseHeaders: input.responseHeaders,
    responseBodyExcerpt: input.responseBodyExcerpt,
    error: input.plan.outcome === 'delivered' ? null : input.plan.error,
    outcome: input.plan.outcome,
    nextAttemptAt: input.plan.nextAttemptAt,
  };
}
