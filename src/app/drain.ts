import { classifyOutcome, lastResultOf, shouldAutoDisable } from '../domain/classify-outcome';
import {
  addToHealth,
  ATTEMPT_TIMEOUT_MS,
  byChangeOrder,
  CIRCUIT_BREAKER_FAILURES,
  CLAIM_MS,
  DRAIN_BUDGET,
  LEASE_MS,
  planAfterAttempt,
  type AttemptPlan,
} from '../domain/delivery-policy';
import { STATE_INBOX_MAX, type AttemptRecord, type DeliveryRecord, type WebhookRecord, type WebhookStateRecord } from '../domain/records';
import { QUEUE_MAX_DELAY_SECONDS } from '../domain/retry-schedule';
import { buildSignatureHeaders } from '../domain/signing';
import { checkWebhookUrl } from '../domain/url-policy';
import { StaleDeliveriesError, type Clock, type DeliveryStore, type HttpSender, type WakeUpQueue, type WebhookSecretStore, type WebhookStateStore, type WebhookStore } from './ports';
import { disableWebhook } from './webhook-status';

export interface DrainDeps {
  readonly webhooks: WebhookStore;
  readonly secrets: WebhookSecretStore;
  readonly states: WebhookStateStore;
  readonly deliveries: DeliveryStore;
  readonly queue: WakeUpQueue;
  readonly http: HttpSender;
  readonly clock: Clock;
  /** Uniform in [0, 1): the retry jitter. */
  readonly random: () => number;
  /** This invocation: the lease owner. */
  readonly ownerId: string;
  readonly userAgent: string;
  /** Offline host only: loopback receivers pass the URL policy. */
  readonly allowLoopback: boolean;
  readonly budget?: { readonly maxAttempts: number; readonly maxMs: number };
}

export interface DrainReport {
  readonly outcome: 'drained' | 'busy' | 'no-webhook' | 'inactive' | 'no-secret';
  readonly attempts: number;
  readonly delivered: number;
  readonly failed: number;
  readonly deferred: number;
  /** Work was left and a wake-up was pushed for it. */
  readonly continued: boolean;
}

/** Seconds to wait for the index to show this run's writes before listing again (strict fidelity: 1 s). */
const INDEX_LAG_SECONDS = 2;
/** Claims per write: with the state record a chunk of claims or results fits one transaction. */
const CHUNK = 12;

/**
 * The drain of one webhook (DESIGN.md sections 1 and 6): with the webhook's lease, take its due
 * deliveries in change order, claim each attempt number before sending (so no number is ever used
 * twice, even when the drain dies), sign, POST, record the outcome, and stop at the budget. Three
 * consecutive failures open the circuit: the rest wait for the failed one's next attempt. Before
 * letting go it arranges the next wake-up: at once when work is left, delayed when the next due
 * time is within the queue's 900 s, otherwise the sweeper's.
 */
export async function drainWebhook(deps: DrainDeps, message: { readonly webhookId: string; readonly deliveryIds: readonly string[] }): Promise<DrainReport> {
  const { webhookId } = message;
  const budget = deps.budget ?? DRAIN_BUDGET;
  const startedAt = deps.clock.now();
  const report = { attempts: 0, delivered: 0, failed: 0, deferred: 0 };
  const done = (outcome: DrainReport['outcome'], continued = false): DrainReport => ({ outcome, continued, ...report });

  const loaded = await deps.webhooks.load(webhookId);
  if (!loaded) return done('no-webhook');
  let webhook: WebhookRecord = loaded;
  const lease = await deps.states.acquire(webhookId, deps.ownerId, deps.clock.now(), LEASE_MS, message.deliveryIds);
  if (lease.kind === 'busy') return done('busy');
  let state: WebhookStateRecord = { ...lease.state, wakeAt: lease.state.wakeAt <= deps.clock.now() ? 0 : lease.state.wakeAt, inbox: [] };

  // The previous secret signs too only while a rotation's overlap lasts: otherwise it is not read.
  const storedSecrets = await deps.secrets.load(webhookId, { previous: webhook.previousSecretUntil !== null && deps.clock.now() < webhook.previousSecretUntil });
  if (!storedSecrets) {
    console.error(`drain: webhook ${webhookId} has no signing secret; its deliveries wait`);
    await deps.states.release(deps.ownerId, state);
    return done('no-secret');
  }
  const secrets = storedSecrets;

  const overBudget = () => report.attempts >= budget.maxAttempts || deps.clock.now() - startedAt >= budget.maxMs;
  let known = [...new Set([...message.deliveryIds, ...lease.state.inbox])];
  let continued = false;
  /** The earliest due time this run wrote: the index may not show those writes yet. */
  let earliestWritten: number | undefined;
  /** Deliveries as this run last wrote them: newer than what a lagging index lists. */
  const written = new Map<string, DeliveryRecord>();
  const noteWritten = (records: readonly DeliveryRecord[]) => {
    for (const r of records) {
      written.set(r.deliveryId, r);
      if (r.status === 'pending' && r.inFlight === 0) earliestWritten = Math.min(earliestWritten ?? r.dueAt, r.dueAt);
    }
  };
  /** Ids handed over in the state (a rerun asked for meanwhile) are taken into this run, so the state stays small. */
  const takeInbox = (next: WebhookStateRecord): WebhookStateRecord => {
    if (next.inbox.length === 0) return next;
    known = [...new Set([...known, ...next.inbox])];
    return { ...next, inbox: [] };
  };
  /** The last listing held every pending delivery: what it did not show as due is known (`nextDueAt`). */
  let listedAll = false;
  let listedNextDue: number | undefined;
  /** The last listing was a full page of deliveries already done: the index lags behind. */
  let lagging = false;

  try {
    return await drainLoop();
  } catch (error) {
    // Let go at once so the platform's retry of this event can carry on; claims stay and run out.
    await deps.states.release(deps.ownerId, state, { force: true }).catch(() => undefined);
    throw error;
  }

  async function drainLoop(): Promise<DrainReport> {
    // The circuit breaker counts across the whole invocation, reruns included.
    let circuitOpenUntil: number | undefined;
    let consecutiveFailures = 0;
    for (;;) {
      drain: while (webhook.active) {
        // Everything pending was listed last time and has been taken: only ids handed over since need a look.
        if (listedAll && known.length === 0) break;
        if (overBudget()) {
          continued = true;
          state = { ...state, inbox: [...new Set([...known, ...state.inbox])].slice(0, STATE_INBOX_MAX) };
          break;
        }
        const collected = await collectDue(deps, webhookId, known, written);
        known = [];
        listedAll = collected.complete;
        listedNextDue = collected.nextDueAt;
        const due = collected.due;
        if (due.length === 0) {
          // A full page of what this run has just done (the index lags its writes) hides what comes
          // after it: look again in a moment rather than take the webhook for drained.
          if (collected.lagging) lagging = true;
          break;
        }
        if (circuitOpenUntil !== undefined) {
          // Open circuit: what a rerun brought waits too, without being attempted (read by key: the index may lag).
          const until = circuitOpenUntil;
          const current = await deps.deliveries.loadMany(due.map((d) => d.deliveryId));
          const waiting = current.filter((d) => d.status === 'pending' && d.inFlight === 0 && d.dueAt < until).map((d) => ({ ...d, dueAt: until }));
          state = takeInbox(await deps.states.commit(deps.ownerId, state, waiting, []));
          noteWritten(waiting);
          report.deferred += waiting.length;
          break;
        }
        for (let i = 0; i < due.length; i += CHUNK) {
          if (overBudget()) {
            continued = true;
            // The next drain reads these by key: the index may not show them yet.
            state = { ...state, inbox: [...new Set([...due.slice(i).map((d) => d.deliveryId), ...known, ...state.inbox])].slice(0, STATE_INBOX_MAX) };
            break drain;
          }
          const chunk = due.slice(i, i + CHUNK);
          const now = deps.clock.now();
          // Attempts a dead drain claimed and never recorded: logged as interrupted, retried now.
          const interrupted: AttemptRecord[] = [];
          const claimed = chunk.map((delivery) => {
            let current = delivery;
            if (delivery.inFlight > 0) {
              const plan = planAfterAttempt({ delivery, attempt: delivery.inFlight, result: { outcome: 'interrupted' }, nowMs: now, jitter: deps.random() });
              interrupted.push(attemptRecord(delivery.deliveryId, delivery.inFlight, now, 0, {}, null, {}, '', plan));
              // The round moves on by one: the interruption is not a step of the retry schedule.
              current = { ...delivery, inFlight: 0, status: plan.status, dueAt: plan.dueAt, lastError: plan.error, roundStart: delivery.roundStart + 1 };
            }
            if (current.status !== 'pending') return current;
            const attempt = current.attempts + 1;
            return { ...current, attempts: attempt, inFlight: attempt, dueAt: now + CLAIM_MS };
          });
          try {
            // Each claim holds only if the delivery is still as listed: no record is read twice.
            state = takeInbox(await deps.states.commit(deps.ownerId, state, claimed, interrupted, { expected: new Map(chunk.map((d) => [d.deliveryId, d])) }));
          } catch (error) {
            if (!(error instanceof StaleDeliveriesError)) throw error;
            // The index showed some of these as they were before a recent write: read the rest by key.
            known = [...new Set([...due.slice(i).map((d) => d.deliveryId), ...known])];
            listedAll = false;
            continue drain;
          }
          noteWritten(claimed);

          const results: DeliveryRecord[] = [];
          const attempts: AttemptRecord[] = [];
          for (const delivery of claimed) {
            if (delivery.inFlight === 0) continue;
            if (circuitOpenUntil !== undefined || !webhook.active) {
              // Not sent: the claim is given back, and the delivery waits for the circuit to close.
              results.push({ ...delivery, attempts: delivery.attempts - 1, inFlight: 0, dueAt: circuitOpenUntil ?? delivery.dueAt });
              report.deferred += 1;
              continue;
            }
            const sent = await attemptDelivery(deps, webhook, secrets, delivery);
            report.attempts += 1;
            results.push(sent.delivery);
            attempts.push(sent.attempt);
            state = recordOutcome(state, sent.plan, sent.attempt, deps.clock.now());
            if (sent.plan.outcome === 'delivered') {
              report.delivered += 1;
              consecutiveFailures = 0;
              continue;
            }
            consecutiveFailures += 1;
            if (sent.delivery.status === 'failed') report.failed += 1;
            if (sent.plan.disableReason) {
              webhook = await disableWebhook(deps, webhook, sent.plan.disableReason);
            } else {
              // Checked on every failed attempt: "no success for 5 days" can come true between final failures.
              const decision = shouldAutoDisable({
                lastSuccessAtMs: state.lastSuccessAt,
                webhookCreatedAtMs: webhook.createdAt,
                failedDeliveriesSince: state.failedSinceSuccess,
                nowMs: deps.clock.now(),
              });
              if (decision.disable) webhook = await disableWebhook(deps, webhook, decision.reason);
            }
            if (consecutiveFailures >= CIRCUIT_BREAKER_FAILURES && sent.plan.nextAttemptAt !== null) circuitOpenUntil = sent.plan.nextAttemptAt;
          }
          state = takeInbox(await deps.states.commit(deps.ownerId, state, results, attempts));
          noteWritten(results);
          if (circuitOpenUntil !== undefined || !webhook.active) break drain;
        }
      }

      if (circuitOpenUntil !== undefined && webhook.active) {
        report.deferred += await deferDue(deps, webhookId, circuitOpenUntil, (next) => (state = next), () => state);
      }
      // A disabled webhook's work due now waits without wake-ups (enabling it wakes the drain);
      // one due later keeps its wake-up, which then finds the webhook as it is by that time.
      const next = lagging && !continued && webhook.active ? { delaySeconds: INDEX_LAG_SECONDS } : await planNextWakeUp(deps, webhookId, state, continued && webhook.active, earliestWritten, listedAll ? { nextDueAt: listedNextDue } : undefined);
      const wake = webhook.active || (next && next.delaySeconds > 0) ? next : undefined;
      const planned = wake ? { ...state, wakeAt: deps.clock.now() + wake.delaySeconds * 1000 } : state;
      // Over budget, the lease goes whatever was asked meanwhile: the wake-up below takes it on.
      const released = await deps.states.release(deps.ownerId, planned, { force: continued });
      if (released.kind === 'released') {
        // Pushed after the lease is free, so the drain it starts is never turned away as busy.
        if (wake) await deps.queue.wakeDrains([{ webhookId, deliveryIds: [], delaySeconds: wake.delaySeconds }]);
        return done(webhook.active ? 'drained' : 'inactive', continued);
      }
      // A wake-up came while we held the lease: drain again, starting with the deliveries it named.
      // The wake-up planned above was not pushed: the state keeps the one noted before.
      state = { ...released.state, wakeAt: state.wakeAt, inbox: [] };
      known = [...new Set([...known, ...released.state.inbox])];
      listedAll = false;
      lagging = false;
      webhook = (await deps.webhooks.load(webhookId)) ?? { ...webhook, active: false };
    }
  }
}

/**
 * The ids handed over, read by key (strongly consistent), and the index's listing of pending
 * deliveries, each taken as this run last wrote it when it did (the index may lag). Answers what
 * is due now in change order, whether the listing held every pending delivery, the earliest due
 * time of the rest, and whether a full page of the listing was only what this run had done.
 */
async function collectDue(
  deps: DrainDeps,
  webhookId: string,
  known: readonly string[],
  written: ReadonlyMap<string, DeliveryRecord>,
): Promise<{ due: DeliveryRecord[]; complete: boolean; nextDueAt: number | undefined; lagging: boolean }> {
  const now = deps.clock.now();
  const [byKey, listed] = await Promise.all([known.length > 0 ? deps.deliveries.loadMany(known) : [], deps.deliveries.listPending(webhookId, 100)]);
  const current = new Map<string, DeliveryRecord>();
  for (const record of listed.records) current.set(record.deliveryId, written.get(record.deliveryId) ?? record);
  for (const record of byKey) current.set(record.deliveryId, record);
  const isDue = (r: DeliveryRecord) => r.status === 'pending' && r.dueAt <= now;
  const due: DeliveryRecord[] = [];
  let nextDueAt: number | undefined;
  for (const record of current.values()) {
    if (record.webhookId !== webhookId || record.status !== 'pending') continue;
    if (isDue(record)) due.push(record);
    else nextDueAt = Math.min(nextDueAt ?? record.dueAt, record.dueAt);
  }
  // The index showed deliveries as due that are done by now (its lag behind this drain's writes,
  // or a drain's just before): a full page of them hides what comes after.
  const lagging = !listed.complete && listed.records.some((r) => isDue(r) && !isDue(current.get(r.deliveryId) ?? r));
  return { due: due.sort(byChangeOrder), complete: listed.complete, nextDueAt, lagging };
}

async function attemptDelivery(
  deps: DrainDeps,
  webhook: WebhookRecord,
  secrets: { current: string; previous: string | undefined },
  delivery: DeliveryRecord,
): Promise<{ delivery: DeliveryRecord; attempt: AttemptRecord; plan: AttemptPlan }> {
  const attemptNo = delivery.inFlight;
  const startedAt = deps.clock.now();
  const signing = [secrets.current, ...(secrets.previous && webhook.previousSecretUntil !== null && startedAt < webhook.previousSecretUntil ? [secrets.previous] : [])];
  const headers = buildSignatureHeaders({
    deliveryId: delivery.deliveryId,
    timestampSeconds: Math.floor(startedAt / 1000),
    body: delivery.body,
    secrets: signing,
    attempt: attemptNo,
    userAgent: deps.userAgent,
  });
  // The URL policy again before every request: a stored URL may predate a stricter policy.
  const policy = checkWebhookUrl(webhook.url, { allowLoopback: deps.allowLoopback });
  const sent = policy.ok
    ? await deps.http.post(policy.value.url, headers, delivery.body, ATTEMPT_TIMEOUT_MS)
    : {
        startedAt,
        durationMs: 0,
        result: { kind: 'error' as const, error: 'blocked' as const, message: policy.error.message },
        responseHeaders: {},
        responseBodyExcerpt: '',
      };
  const endedAt = deps.clock.now();
  const plan = planAfterAttempt({ delivery, attempt: attemptNo, result: classifyOutcome(sent.result), nowMs: endedAt, jitter: deps.random() });
  const status = sent.result.kind === 'response' ? sent.result.status : null;
  const error = plan.outcome === 'delivered' ? null : plan.error;
  return {
    plan,
    attempt: attemptRecord(delivery.deliveryId, attemptNo, sent.startedAt, sent.durationMs, { ...headers }, status, sent.responseHeaders, sent.responseBodyExcerpt, plan),
    delivery: { ...delivery, inFlight: 0, status: plan.status, dueAt: plan.dueAt, lastAttemptAt: endedAt, lastStatusCode: status, lastError: error },
  };
}

function attemptRecord(
  deliveryId: string,
  attempt: number,
  startedAt: number,
  durationMs: number,
  requestHeaders: Record<string, string>,
  responseStatus: number | null,
  responseHeaders: Record<string, string>,
  responseBodyExcerpt: string,
  plan: AttemptPlan,
): AttemptRecord {
  return {
    schemaVersion: 1,
    deliveryId,
    attempt,
    startedAt,
    durationMs: Math.max(0, Math.round(durationMs)),
    requestHeaders,
    responseStatus,
    responseHeaders,
    responseBodyExcerpt,
    error: plan.outcome === 'delivered' ? null : plan.error,
    outcome: plan.outcome,
    nextAttemptAt: plan.nextAttemptAt,
  };
}

/** The webhook's status after one attempt: last execution, result, health, the auto-disable count. */
function recordOutcome(state: WebhookStateRecord, plan: AttemptPlan, attempt: AttemptRecord, nowMs: number): WebhookStateRecord {
  const ok = plan.outcome === 'delivered';
  return {
    ...state,
    lastRunAt: nowMs,
    lastResult: lastResultOf(attempt.responseStatus ?? undefined),
    lastStatusCode: attempt.responseStatus,
    lastError: ok ? null : plan.error,
    lastSuccessAt: ok ? nowMs : state.lastSuccessAt,
    failedSinceSuccess: ok ? 0 : state.failedSinceSuccess + (plan.status === 'failed' ? 1 : 0),
    hours: addToHealth(state.hours, nowMs, !ok),
  };
}

/** Circuit open: every other due delivery waits for the failed one's next attempt (no attempt is counted). */
async function deferDue(deps: DrainDeps, webhookId: string, until: number, setState: (s: WebhookStateRecord) => void, getState: () => WebhookStateRecord): Promise<number> {
  let deferred = 0;
  for (let round = 0; round < 10; round += 1) {
    const due = await deps.deliveries.dueForWebhook(webhookId, deps.clock.now(), 100);
    const waiting = due.filter((d) => d.inFlight === 0 && d.dueAt < until);
    if (waiting.length === 0) break;
    for (let i = 0; i < waiting.length; i += 24) {
      setState(await deps.states.commit(deps.ownerId, getState(), waiting.slice(i, i + 24).map((d) => ({ ...d, dueAt: until })), []));
    }
    deferred += waiting.length;
    if (due.length < 100) break;
  }
  return deferred;
}

/**
 * One mechanism for every delay: the deliveries' `dueAt`. Work left now: a wake-up at once. The
 * earliest due time within the queue's 900 s: a delayed wake-up, unless one already comes by then.
 * Later: the sweeper wakes the drain when it is due.
 */
async function planNextWakeUp(
  deps: DrainDeps,
  webhookId: string,
  state: WebhookStateRecord,
  workLeft: boolean,
  earliestWritten: number | undefined,
  listedAll: { readonly nextDueAt: number | undefined } | undefined,
): Promise<{ delaySeconds: number } | undefined> {
  if (workLeft) return { delaySeconds: 0 };
  const now = deps.clock.now();
  // The index may lag this run's own writes: what it wrote counts too. When the last listing held
  // every pending delivery, what it showed as due later is all there is: no query needed.
  const indexed = listedAll ? listedAll.nextDueAt : await deps.deliveries.earliestDue(webhookId);
  const candidates = [indexed, earliestWritten].filter((t): t is number => t !== undefined);
  const next = candidates.length > 0 ? Math.min(...candidates) : undefined;
  if (next === undefined) return undefined;
  const delaySeconds = Math.max(0, Math.ceil((next - now) / 1000));
  if (delaySeconds > QUEUE_MAX_DELAY_SECONDS) return undefined;
  if (state.wakeAt > now && state.wakeAt <= next + 1000) return undefined;
  return { delaySeconds };
}
