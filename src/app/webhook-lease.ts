import { acquireLease, mergeConcurrent, releaseLease } from '../domain/webhook-lease';
import { decidePoke, plannedWakeAt, type PokeDecision } from '../domain/wake-policy';
import type { WebhookStateRecord } from '../domain/records';
import { ConcurrentWriteError, type Clock, type WakeUpQueue, type WebhookStateStore } from './ports';
import { wakeInSteps } from './wake-drains';

/**
 * The lease and the pokes of a webhook's drain, as the pure rules decide them (domain/webhook-lease.ts,
 * domain/wake-policy.ts), written with the state store's compare-and-set.
 */

export type LeaseOutcome = { readonly kind: 'acquired'; readonly state: WebhookStateRecord } | { readonly kind: 'busy'; readonly poke: PokeDecision };

/**
 * Takes the webhook's lease; when another drain holds it, pokes that one instead (it drains again
 * with `deliveryIds`) and, since it may be dead, plans a wake-up for when its lease runs out.
 */
export async function takeLease(
  deps: { readonly states: WebhookStateStore; readonly queue: WakeUpQueue },
  input: { readonly webhookId: string; readonly owner: string; readonly nowMs: number; readonly leaseMs: number; readonly deliveryIds: readonly string[] },
): Promise<LeaseOutcome> {
  let outcome: LeaseOutcome | undefined;
  const stored = await deps.states.update(input.webhookId, (current) => {
    const lease = acquireLease(current, input);
    if (lease.kind === 'acquired') {
      outcome = { kind: 'acquired', state: lease.next };
      return lease.next;
    }
    const poke = decidePoke(current, { deliveryIds: input.deliveryIds, nowMs: input.nowMs, planWakeAt: () => input.nowMs });
    outcome = { kind: 'busy', poke: poke.decision };
    return poke.next;
  });
  if (!outcome) throw new Error(`takeLease: no decision for webhook ${input.webhookId}`);
  if (outcome.kind === 'acquired') return { kind: 'acquired', state: stored };
  if (outcome.poke.answer === 'rerun-requested' && outcome.poke.backstopSeconds !== undefined) {
    await deps.queue.wakeDrains([{ webhookId: input.webhookId, deliveryIds: [], delaySeconds: outcome.poke.backstopSeconds }]);
  }
  return outcome;
}

/**
 * The holder lets go of the lease, unless a rerun was asked for meanwhile (then it drains again
 * with the state as stored). `force`: lets go all the same; a wake-up the caller pushes takes over.
 */
export async function letGoOfLease(
  states: WebhookStateStore,
  owner: string,
  state: WebhookStateRecord,
  force: boolean,
  /** Ids the next drain should read by key (the index may not show them yet). */
  carry: readonly string[] = [],
): Promise<{ kind: 'released' } | { kind: 'rerun'; state: WebhookStateRecord }> {
  let current = state;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const decision = releaseLease(current, force, carry);
    if (decision.kind === 'rerun') return decision;
    if (await states.compareAndSet(current, { ...decision.next, version: current.version + 1 })) return { kind: 'released' };
    const stored = await states.load(state.webhookId);
    if (!stored || stored.leaseOwner !== owner) return { kind: 'released' };
    current = mergeConcurrent(current, stored);
  }
  throw new ConcurrentWriteError(`The delivery state of webhook ${state.webhookId}`);
}

export interface Poke {
  readonly webhookId: string;
  readonly deliveryIds: readonly string[];
}

/**
 * New deliveries are due, for many webhooks at once (batched state reads and writes): each
 * webhook's drain is asked to drain again, or counts on a wake-up on its way, or gets one: now,
 * in steps for many webhooks, or delayed (a backstop for a lease that may be dead, the end of a
 * circuit breaker). Answers how many wake-ups went out or were planned.
 */
export async function pokeDrains(deps: { readonly states: WebhookStateStore; readonly queue: WakeUpQueue; readonly clock: Clock }, pokes: readonly Poke[], options: { readonly urgent?: boolean } = {}): Promise<{ wakeUps: number; answers: Map<string, PokeDecision> }> {
  const now = deps.clock.now();
  const idsOf = new Map(pokes.map((p) => [p.webhookId, p.deliveryIds]));
  const answers = new Map<string, PokeDecision>();
  // A webhook's planned time is decided once: a chunk done again one by one keeps it, so the
  // order of planned wake-ups stays the order of the list.
  const planned = new Map<string, number>();
  const wakeAtOf = (webhookId: string) => {
    const known = planned.get(webhookId);
    if (known !== undefined) return known;
    const at = plannedWakeAt(now, planned.size);
    planned.set(webhookId, at);
    return at;
  };
  await deps.states.updateMany(
    pokes.map((p) => p.webhookId),
    (current) => {
      const { decision, next } = decidePoke(current, { deliveryIds: idsOf.get(current.webhookId) ?? [], nowMs: now, planWakeAt: () => wakeAtOf(current.webhookId), ...(options.urgent ? { urgent: true } : {}) });
      answers.set(current.webhookId, decision);
      return next;
    },
  );
  const immediate = pokes.filter((p) => answers.get(p.webhookId)?.answer === 'needs-wake');
  const delayed = pokes.flatMap((p) => {
    const d = answers.get(p.webhookId);
    const delaySeconds = d?.answer === 'rerun-requested' ? d.backstopSeconds : d?.answer === 'circuit-open' ? d.delaySeconds : undefined;
    return delaySeconds === undefined ? [] : [{ webhookId: p.webhookId, deliveryIds: [] as string[], delaySeconds }];
  });
  await wakeInSteps(deps.queue, immediate);
  if (delayed.length > 0) await deps.queue.wakeDrains(delayed);
  return { wakeUps: immediate.length + delayed.length, answers };
}
