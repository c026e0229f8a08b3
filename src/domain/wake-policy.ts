import { WAKE_IDS, type WebhookStateRecord } from './records';
import { planRetryTransport } from './retry-schedule';
import { leaseActive, mergeIds } from './webhook-lease';

/**
 * Every rule of when a drain (or the fan-out) is woken, in one place. Queue events are wake-ups
 * ("there is work for X"); the work is in KVS, and `dueAt` is the one mechanism for every delay.
 *
 * - A change wakes each matching webhook's drain, unless one is running (it is asked to drain
 *   again) or an immediate wake-up is already on its way (`decidePoke`).
 * - Many webhooks are woken in steps of WAKES_PER_STEP every WAKE_STEP_SECONDS (`plannedWakeAt`),
 *   by continuations of the fan-out (`wake-drains` messages).
 * - A running drain that is poked may be dead: a wake-up for when its lease runs out is noted too
 *   (`LEASE_BACKSTOP`), so a crash silences a webhook for a lease, not until the next sweep.
 * - A drain that stops with work left wakes itself at once; with work due within the queue's 900 s
 *   it plans a delayed wake-up; later than that, the sweeper (`planNextWakeUp`).
 * - A page of index results the drain has just done means the index lags: look again in
 *   INDEX_LAG_SECONDS.
 * - The sweeper (every 5 minutes) wakes what is due and has no wake-up on its way
 *   (`sweeperShouldWake`), and re-pushes changes stuck for STUCK_CHANGE_MS.
 */

/** Drain wake-ups pushed at once; the rest follow in steps (300 a minute at most: Forge allows 500 events). */
export const WAKES_PER_STEP = 50;
export const WAKE_STEP_SECONDS = 10;
/** The longest delay of a queue event (Forge: 900 s); later work is the sweeper's. */
export { QUEUE_MAX_DELAY_SECONDS } from './retry-schedule';
/** Seconds to wait for the index to show a drain's own writes before listing again (strict fidelity lags 1 s). */
export const INDEX_LAG_SECONDS = 2;
/** A wake-up noted this long ago and not taken is taken to be lost (the sweeper wakes the drain). */
export const LOST_WAKE_UP_MS = 2 * 60_000;
/** A change pushed this long ago and still not fanned out gets another fan-out wake-up. */
export const STUCK_CHANGE_MS = 5 * 60_000;
/** An immediate wake-up noted within this much of now counts as on its way. */
const IMMEDIATE_MS = 1_000;
/** A noted wake-up older than this is not counted on by a poke (it was lost or taken). */
const PENDING_WAKE_WINDOW_MS = 60_000;
/** The backstop of a poked drain comes this long after its lease runs out. */
export const LEASE_BACKSTOP_MS = 1_000;

/** When the n-th wake-up (from 0) of a list woken in steps goes out. */
export function plannedWakeAt(nowMs: number, n: number): number {
  return nowMs + Math.floor(n / WAKES_PER_STEP) * WAKE_STEP_SECONDS * 1000;
}

/** A wake-up noted after the last drain started has not been taken yet (one noted before may have been). */
export function wakeUpPending(state: Pick<WebhookStateRecord, 'wakeAt' | 'drainStartedAt'>): boolean {
  return state.wakeAt > 0 && state.wakeAt > state.drainStartedAt;
}

/**
 * What a poke (new deliveries for a webhook) does:
 * - `rerun-requested`: a drain holds the lease; it drains again before letting go, reading the ids
 *   by key. `backstopSeconds`: no wake-up comes when the lease runs out, so one is pushed for then
 *   (the holder may be dead).
 * - `wake-pending`: an immediate wake-up is on its way and will take the ids.
 * - `circuit-open`: the webhook's circuit breaker holds ordered work until `breakerUntil`; a
 *   wake-up for then is pushed when none is noted and it is within the queue's reach.
 * - `needs-wake`: a wake-up is pushed, noted as due at `wakeAt`.
 */
export type PokeDecision =
  | { readonly answer: 'rerun-requested'; readonly backstopSeconds?: number }
  | { readonly answer: 'wake-pending' }
  | { readonly answer: 'circuit-open'; readonly delaySeconds?: number }
  | { readonly answer: 'needs-wake'; readonly wakeAt: number };

export type PokeAnswer = PokeDecision['answer'];

export function decidePoke(
  state: WebhookStateRecord,
  input: {
    readonly deliveryIds: readonly string[];
    readonly nowMs: number;
    /** When a wake-up needed would go out (in steps: `plannedWakeAt`); asked only when one is needed. */
    readonly planWakeAt: () => number;
    /** An admin asked (a test, a redelivery): sent at once, the circuit breaker does not hold it. */
    readonly urgent?: boolean;
  },
): { decision: PokeDecision; next: WebhookStateRecord | undefined } {
  const { deliveryIds, nowMs } = input;
  const inbox = mergeIds(state.inbox, deliveryIds);
  const withInbox = inbox.length === state.inbox.length ? undefined : { ...state, inbox };
  if (leaseActive(state, nowMs)) {
    const asked = state.rerun ? withInbox : { ...state, rerun: true, inbox };
    const backstopAt = state.leaseUntil + LEASE_BACKSTOP_MS;
    if (state.wakeAt >= backstopAt) return { decision: { answer: 'rerun-requested' }, next: asked };
    return { decision: { answer: 'rerun-requested', backstopSeconds: secondsUntil(backstopAt, nowMs) }, next: { ...(asked ?? state), wakeAt: backstopAt } };
  }
  if (wakeUpPending(state) && state.wakeAt <= nowMs + IMMEDIATE_MS && state.wakeAt > nowMs - PENDING_WAKE_WINDOW_MS) {
    return { decision: { answer: 'wake-pending' }, next: withInbox };
  }
  if (state.breakerUntil > nowMs && !input.urgent) {
    const noted = wakeUpPending(state) && state.wakeAt >= state.breakerUntil;
    const transport = planRetryTransport({ delayMs: state.breakerUntil - nowMs, nowMs });
    if (noted || transport.via === 'sweeper') return { decision: { answer: 'circuit-open' }, next: withInbox };
    return { decision: { answer: 'circuit-open', delaySeconds: transport.delaySeconds }, next: { ...state, inbox, wakeAt: transport.dueAtMs } };
  }
  // A wake-up carries WAKE_IDS ids: the rest of a large batch waits in the inbox for the drain it starts.
  const wakeAt = input.planWakeAt();
  return { decision: { answer: 'needs-wake', wakeAt }, next: { ...state, wakeAt, inbox: mergeIds(state.inbox, deliveryIds.slice(WAKE_IDS)) } };
}

/**
 * When a drain that is letting go should run again. Work left now: at once. The earliest due time
 * within the queue's 900 s: a delayed wake-up, unless one already comes by then. Later (or
 * nothing): undefined, the sweeper wakes the drain when it is due.
 */
export function planNextWakeUp(input: {
  readonly nowMs: number;
  readonly workLeft: boolean;
  /** The index listed a page of work this drain has just done: look again shortly. */
  readonly indexLags: boolean;
  /** Due times of what is still pending (listing, own writes, blocked heads, the breaker). */
  readonly dueTimes: readonly number[];
  /** The wake-up already noted in the state (0: none). */
  readonly notedWakeAt: number;
}): { delaySeconds: number } | undefined {
  if (input.workLeft) return { delaySeconds: 0 };
  if (input.indexLags) return { delaySeconds: INDEX_LAG_SECONDS };
  if (input.dueTimes.length === 0) return undefined;
  const next = Math.min(...input.dueTimes);
  const transport = planRetryTransport({ delayMs: Math.max(0, next - input.nowMs), nowMs: input.nowMs });
  if (transport.via === 'sweeper') return undefined;
  if (input.notedWakeAt > input.nowMs && input.notedWakeAt <= next + 1000) return undefined;
  return { delaySeconds: transport.delaySeconds };
}

/**
 * The sweeper wakes a webhook with due work unless a drain holds its lease, a wake-up noted after
 * the last drain started is on its way (and not long overdue), or its circuit breaker holds it.
 */
export function sweeperShouldWake(state: WebhookStateRecord | undefined, nowMs: number): boolean {
  if (!state) return true;
  if (leaseActive(state, nowMs)) return false;
  if (state.breakerUntil > nowMs) return false;
  if (wakeUpPending(state) && state.wakeAt > nowMs - LOST_WAKE_UP_MS) return false;
  return true;
}

function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}
