import { classifyOutcome, shouldAutoDisable } from '../domain/classify-outcome';
import { attemptRecord, claimAttempt, deferDelivery, giveBackClaim, interruptAttempt, settleAttempt } from '../domain/delivery-lifecycle';
import { checkPredecessor, dueBlockedIds, isSendable, pickDeliveries, pruneBlocked, type PredecessorCheck, type PredecessorLookup } from '../domain/delivery-order';
import { addToHealth, ATTEMPT_TIMEOUT_MS, CIRCUIT_BREAKER_FAILURES, DRAIN_BUDGET, deliveryIdFor, LEASE_MS, planAfterAttempt, planMissingBody, planRefusedUrl, recordOutcome, type AttemptPlan } from '../domain/delivery-policy';
import { STATE_INBOX_MAX, type AttemptRecord, type DeliveryRecord, type FieldChangeRecord, type WebhookRecord, type WebhookStateRecord } from '../domain/records';
import { buildSignatureHeaders, parseWebhookSecret, type SigningKey } from '../domain/signing';
import { err, ok, type Result } from '../domain/result';
import { checkWebhookUrl, type CheckedWebhookUrl, type UrlPolicyViolation } from '../domain/url-policy';
import { planNextWakeUp } from '../domain/wake-policy';
import { mergeIds } from '../domain/webhook-lease';
import { StaleDeliveriesError, type Clock, type DeliveryStore, type FanOutChangeStore, type HttpResult, type HttpSender, type WakeUpQueue, type WebhookSecretStore, type WebhookStateStore, type WebhookStore } from './ports';
import { letGoOfLease, takeLease } from './webhook-lease';
import { disableWebhook } from './webhook-status';

/**
 * The drain of one webhook (DESIGN.md sections 1 and 6), as named steps:
 *
 *   start ─▶ [ read pending ─▶ pick ─▶ confirm order ─▶ claim ─▶ send ─▶ settle ] ... ─▶ finish
 *
 * With the webhook's lease, it reads its pending deliveries, picks each project's head that is due
 * (ordered per project, parallel across projects: domain/delivery-order.ts), confirms by key that
 * nothing earlier of those projects is pending where its reads could not see it, claims their attempt
 * numbers before sending (so none is ever used twice, even when the drain dies), sends up to the
 * webhook's `maxInFlight` at once, and records the outcomes; until nothing is due or the budget is
 * spent. Finishing, it plans its next wake-up (domain/wake-policy.ts) and lets go of the lease.
 */

export interface DrainDeps {
  readonly webhooks: WebhookStore;
  readonly secrets: WebhookSecretStore;
  readonly states: WebhookStateStore;
  readonly deliveries: DeliveryStore;
  /** Change records by key: the chain of a project's changes (confirm order). */
  readonly changes: Pick<FanOutChangeStore, 'loadMany'>;
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
  /** Deliveries that waited behind their project's head, without an attempt. */
  readonly deferred: number;
  /** Work was left and a wake-up was pushed for it. */
  readonly continued: boolean;
}

/** The listing of pending deliveries per read (one index page). */
const LISTING = 100;
/** Picks in a row that found only earlier deliveries before their projects are left for the next pass (each adds one to the view). */
const PICKS_BEHIND_MAX = 100;
/** Claims and results per write: with attempt records and the state, a chunk fits one transaction. */
const CLAIMS_PER_WRITE = 12;

/** What one drain run works with; each step reads and updates it. */
interface DrainRun {
  readonly deps: DrainDeps;
  readonly webhookId: string;
  readonly startedAt: number;
  /** The signing secrets, decoded once per run. */
  readonly keys: { readonly current: SigningKey; readonly previous: SigningKey | undefined };
  webhook: WebhookRecord;
  /** The URL policy's verdict on the webhook's URL, worked out once per webhook record read. */
  urlVerdict: Result<CheckedWebhookUrl, UrlPolicyViolation>;
  state: WebhookStateRecord;
  /** Ids to read by key before the next pick unless a listing made meanwhile shows them: the index may not show them yet. */
  known: Set<string>;
  /** Ids to read by key before the next pick whatever a listing shows: a write found them changed (the listing may be what is stale). */
  readonly stale: Set<string>;
  /** Deliveries as this run last wrote them: newer than what a lagging index lists. */
  readonly written: Map<string, DeliveryRecord>;
  /**
   * The last listing: whether it held every pending delivery, whether it lagged this run's writes,
   * and whether to list again on the next read (otherwise the run's own view serves).
   */
  listing: { complete: boolean; lagging: boolean; listAgain: boolean };
  /** Pending deliveries as this run knows them: the last listing, reads by key and its own writes on top. */
  view: Map<string, DeliveryRecord>;
  /** Ids this run read by key that no listing has shown yet: handed to the next drain if still pending. */
  readonly unlisted: Set<string>;
  /** Deliveries whose project's earlier deliveries were confirmed done (confirm order). */
  readonly confirmed: Set<string>;
  /** Projects left alone in this pass: an earlier change of theirs waits for its fan-out. */
  held: Set<number>;
  /** Some project waits for a change's fan-out: look again shortly. */
  fanOutPending: boolean;
  readonly budget: { readonly maxAttempts: number; readonly maxMs: number };
  failuresInARow: number;
  /** Failed requests in a row as they complete (both chunks in flight): opens the circuit before the outcomes are recorded. */
  streak: number;
  readonly tally: { attempts: number; delivered: number; failed: number; deferred: number };
  /** Requests open at once, across the chunks in flight: the webhook's `maxInFlight`. */
  readonly slots: Slots;
  /** The state's writes one after another (two chunks may settle and claim at the same time). */
  writes: Promise<void>;
}

/** A counting semaphore: at most `size` holders at once, served first come, first served. */
interface Slots {
  take(): Promise<void>;
  give(): void;
}

function slots(size: number): Slots {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    take: () => {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    give: () => {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
  };
}

interface Sent {
  readonly claimed: DeliveryRecord;
  /** undefined: not sent (the claim is given back). */
  readonly outcome?: { readonly plan: AttemptPlan; readonly attempt: AttemptRecord; readonly settled: DeliveryRecord; readonly status: number | null };
  /** Not sent because its project's delivery before it waits for a retry until then. */
  readonly waitUntil?: number;
}

export async function drainWebhook(deps: DrainDeps, message: { readonly webhookId: string; readonly deliveryIds: readonly string[] }): Promise<DrainReport> {
  const started = await startDrain(deps, message);
  if ('outcome' in started) return started;
  const run = started;
  try {
    for (;;) {
      const workLeft = await drainUntilDone(run);
      const report = await finishDrain(run, workLeft);
      if (report) return report;
    }
  } catch (error) {
    // Let go at once so the platform's retry of this event can carry on; claims stay, and the
    // next drain takes them as interrupted.
    await letGoOfLease(deps.states, deps.ownerId, run.state, true).catch(() => undefined);
    throw error;
  }
}

const emptyReport = (outcome: DrainReport['outcome']): DrainReport => ({ outcome, attempts: 0, delivered: 0, failed: 0, deferred: 0, continued: false });

/** Start: the webhook, its lease (busy: the holder is poked instead) and its signing secrets. */
async function startDrain(deps: DrainDeps, message: { readonly webhookId: string; readonly deliveryIds: readonly string[] }): Promise<DrainRun | DrainReport> {
  const { webhookId } = message;
  const webhook = await deps.webhooks.load(webhookId);
  if (!webhook) return emptyReport('no-webhook');
  const now = deps.clock.now();
  const lease = await takeLease(deps, { webhookId, owner: deps.ownerId, nowMs: now, leaseMs: LEASE_MS, deliveryIds: message.deliveryIds });
  if (lease.kind === 'busy') return emptyReport('busy');
  const state = { ...lease.state, wakeAt: lease.state.wakeAt <= now ? 0 : lease.state.wakeAt, inbox: [] };
  // The previous secret signs too only while a rotation's overlap lasts: otherwise it is not read.
  const secrets = await deps.secrets.load(webhookId, { previous: webhook.previousSecretUntil !== null && now < webhook.previousSecretUntil });
  // Decoded once for the whole run; a stored secret that does not decode is as good as none.
  const keys = secrets ? signingKeys(secrets) : err('has no signing secret');
  if (!keys.ok) {
    console.error(`drain: webhook ${webhookId} ${keys.error}; its deliveries wait`);
    await letGoOfLease(deps.states, deps.ownerId, state, false);
    return emptyReport('no-secret');
  }
  return {
    deps,
    webhookId,
    startedAt: now,
    keys: keys.value,
    webhook,
    urlVerdict: checkWebhookUrl(webhook.url, { allowLoopback: deps.allowLoopback }),
    state,
    known: new Set([...message.deliveryIds, ...lease.state.inbox]),
    stale: new Set(),
    written: new Map(),
    listing: { complete: false, lagging: false, listAgain: true },
    view: new Map(),
    unlisted: new Set(),
    confirmed: new Set(),
    held: new Set(),
    fanOutPending: false,
    budget: deps.budget ?? DRAIN_BUDGET,
    failuresInARow: 0,
    streak: 0,
    tally: { attempts: 0, delivered: 0, failed: 0, deferred: 0 },
    slots: slots(webhook.maxInFlight),
    writes: Promise.resolve(),
  };
}

/** The run's signing keys, or what is wrong with the stored secrets. */
function signingKeys(secrets: { readonly current: string; readonly previous: string | undefined }): Result<DrainRun['keys'], string> {
  const current = parseWebhookSecret(secrets.current);
  if (!current.ok) return err(`has a signing secret that does not decode (${current.error.message})`);
  if (secrets.previous === undefined) return ok({ current: { key: current.value }, previous: undefined });
  const previous = parseWebhookSecret(secrets.previous);
  if (!previous.ok) return err(`has a previous signing secret that does not decode (${previous.error.message})`);
  return ok({ current: { key: current.value }, previous: { key: previous.value } });
}

/**
 * Chunks until nothing is due (false) or the budget is spent with work left (true). While one
 * chunk's requests are in flight the next chunk (other projects) is read, picked and claimed, so
 * the webhook keeps `maxInFlight` requests open; at most two chunks are outstanding at once.
 */
async function drainUntilDone(run: DrainRun): Promise<boolean> {
  const { budget } = run;
  /** Chunks sent and not yet settled, oldest first (at most two). */
  const inFlight: InFlightChunk[] = [];
  /** Picks in a row whose every lane waited behind an earlier delivery: bounded, should order data ever loop. */
  let picksBehind = 0;
  const settleOldest = async () => {
    await inFlight[0]?.settled;
    inFlight.shift();
  };
  try {
    while (run.webhook.active) {
      if (run.tally.attempts >= budget.maxAttempts || run.deps.clock.now() - run.startedAt >= budget.maxMs) {
        while (inFlight.length > 0) await settleOldest();
        handOver(run);
        return true;
      }
      const { pending, listed } = await readPending(run);
      const busyProjects = new Set([...inFlight.flatMap((c) => [...c.projects]), ...run.held]);
      const pick = pickDeliveries({ pending, blocked: run.state.blocked, breakerUntil: run.state.breakerUntil, nowMs: run.deps.clock.now(), limit: chunkSize(run.webhook), busyProjects });
      if (pick.defer.length > 0) await deferFollowers(run, pick.defer);
      const lanes = pick.lanes.length > 0 ? await confirmOrder(run, pick.lanes) : [];
      // Every lane waited behind an earlier delivery it found (now in the view): pick again.
      if (pick.lanes.length > 0 && lanes.length === 0) {
        picksBehind += 1;
        if (picksBehind > PICKS_BEHIND_MAX) for (const lane of pick.lanes) run.held.add((lane[0] as DeliveryRecord).project.id);
        continue;
      }
      picksBehind = 0;
      if (lanes.length === 0) {
        // What is left belongs to the projects in flight: read again once they are settled.
        if (inFlight.length > 0) await settleOldest();
        // The view is done; the index may hold more than the page it was made of.
        else if (!run.listing.complete && !listed) run.listing.listAgain = true;
        else return false;
        continue;
      }
      const claimed = await claim(run, lanes);
      if (!claimed) continue;
      inFlight.push(startChunk(run, claimed));
      if (inFlight.length > 1) await settleOldest();
    }
    while (inFlight.length > 0) await settleOldest();
    return false;
  } catch (error) {
    // Chunks still in flight record what they can before the lease is let go.
    await Promise.allSettled(inFlight.map((c) => c.settled));
    throw error;
  }
}

interface InFlightChunk {
  readonly projects: ReadonlySet<number>;
  readonly settled: Promise<void>;
}

/** Sends a claimed chunk and settles it, without waiting: the caller reads on meanwhile. */
function startChunk(run: DrainRun, lanes: readonly (readonly DeliveryRecord[])[]): InFlightChunk {
  const settled = send(run, lanes).then((sent) => settle(run, sent));
  // Awaited by the caller; marked handled so a failure waits for that await instead of crashing the process.
  settled.catch(() => undefined);
  return { projects: new Set(lanes.flat().map((d) => d.project.id)), settled };
}

/**
 * Claims per chunk: a full write (#16: twelve claims fit one 10 KB unit, their results two, and
 * 12 deliveries with their attempts and the state are 25 operations, a transaction's most). The
 * chunk need not be a multiple of the in-flight limit: lanes wait for a slot, and the next chunk's
 * lanes queue behind, so no slot stays idle at a chunk's end.
 */
function chunkSize(webhook: WebhookRecord): number {
  return Math.max(webhook.maxInFlight, CLAIMS_PER_WRITE);
}

/** Over budget: what this run knows of goes to the next drain by key (the index may not show it yet). */
function handOver(run: DrainRun): void {
  run.state = { ...run.state, inbox: mergeIds([...run.known, ...run.stale], run.state.inbox).slice(0, STATE_INBOX_MAX) };
  run.known.clear();
  run.stale.clear();
}

/**
 * Read: the ids handed over and the blocked heads that are due, by key (strongly consistent), and,
 * when the run's view is not enough, the index's listing of pending deliveries, each taken as this
 * run last wrote it when it did (the index may lag). Blocked heads that an admin cancelled or
 * redelivered, or that are gone, let their projects go. Answers the pending deliveries and whether
 * the index was listed.
 */
async function readPending(run: DrainRun): Promise<{ pending: DeliveryRecord[]; listed: boolean }> {
  const { deps, webhookId } = run;
  const now = deps.clock.now();
  const ids = [...new Set([...run.known, ...run.stale, ...dueBlockedIds(run.state.blocked, now)])];
  const stale = new Set(run.stale);
  run.known.clear();
  run.stale.clear();
  const listed = run.listing.listAgain ? await deps.deliveries.listPending(webhookId, LISTING) : undefined;
  const listedIds = new Set(listed?.records.map((r) => r.deliveryId));
  // A listed record due now needs no read by key: if the index showed it stale, its claim's
  // condition fails and it is read by key then (see claim). What the listing did not show, showed
  // as not due (a redelivery may have made it due), or a write found changed is read by key.
  const dueListed = new Set(listed?.records.filter((r) => isSendable(run.written.get(r.deliveryId) ?? r, now)).map((r) => r.deliveryId));
  const toRead = ids.filter((id) => stale.has(id) || !dueListed.has(id));
  const byKey = toRead.length > 0 ? await deps.deliveries.loadMany(toRead) : [];
  if (listed) {
    const view = new Map(listed.records.map((r) => [r.deliveryId, run.written.get(r.deliveryId) ?? r]));
    for (const id of listedIds) run.unlisted.delete(id);
    // What only reads by key showed stays in view: the index does not list it yet.
    for (const id of run.unlisted) {
      const known = run.view.get(id);
      if (known) view.set(id, known);
    }
    run.view = view;
  }
  for (const record of byKey) {
    run.view.set(record.deliveryId, record);
    if (!listedIds.has(record.deliveryId)) run.unlisted.add(record.deliveryId);
  }
  const found = new Set(byKey.map((d) => d.deliveryId));
  const gone = new Set(toRead.filter((id) => !found.has(id)));
  // Gone by key (past retention) though an index page may still list it: not pending any more.
  for (const id of gone) run.view.delete(id);
  run.state = { ...run.state, blocked: pruneBlocked(run.state.blocked, run.view, gone) };
  for (const [id, d] of run.view) if (d.webhookId !== webhookId || d.status !== 'pending') run.view.delete(id);
  if (listed) {
    // A full page that the index still shows as due but this run has done (or moved) hides what
    // comes after it: the drain looks again in a moment rather than take the webhook for drained.
    // (As this run knows it: what it wrote, else what it read; the view no longer holds what is done.)
    const lagging = !listed.complete && listed.records.some((r) => isSendable(r, now) && !isSendable(run.written.get(r.deliveryId) ?? run.view.get(r.deliveryId) ?? r, now));
    run.listing = { complete: listed.complete, lagging, listAgain: false };
  }
  return { pending: [...run.view.values()], listed: listed !== undefined };
}

/** Followers of a project whose head waits for a retry wait with it (no attempt is counted). */
async function deferFollowers(run: DrainRun, defer: readonly { readonly delivery: DeliveryRecord; readonly until: number }[]): Promise<void> {
  const moved = defer.map((d) => deferDelivery(d.delivery, d.until));
  try {
    await commitWork(run, () => ({ deliveries: moved, attempts: [], expected: new Map(defer.map((d) => [d.delivery.deliveryId, d.delivery])) }));
    run.tally.deferred += moved.length;
  } catch (error) {
    if (!(error instanceof StaleDeliveriesError)) throw error;
    for (const d of defer) run.stale.add(d.delivery.deliveryId);
  }
}

/**
 * Confirm order: before a project's delivery is sent, the delivery of the project's previous change
 * to this webhook is read by key (walking back over changes the webhook skipped or cancelled ones)
 * unless this run wrote it: its reads may not see everything (domain/delivery-order.ts, the chain
 * check). A lane is cut before a delivery with an earlier one pending (that one is now in the view
 * and is picked next) or with an earlier change not fanned out yet (its project is held for this
 * pass, and the drain looks again shortly). Answers the lanes that may go.
 */
async function confirmOrder(run: DrainRun, lanes: readonly (readonly DeliveryRecord[])[]): Promise<DeliveryRecord[][]> {
  const { deps, webhookId } = run;
  /** By change id: read by key in this step (null: there is none). */
  const deliveriesRead = new Map<string, DeliveryRecord | null>();
  const changesRead = new Map<string, FieldChangeRecord | null>();
  const lookup: PredecessorLookup = {
    delivery: (changeId) => run.written.get(deliveryIdFor(changeId, webhookId)) ?? deliveriesRead.get(changeId),
    change: (changeId) => changesRead.get(changeId),
  };
  /** Per lane, the first delivery not confirmed (its index and what its check found), if any. */
  const firstUnconfirmed = (lane: readonly DeliveryRecord[]): { at: number; check: PredecessorCheck } | undefined => {
    for (const [at, d] of lane.entries()) {
      // Right behind the one before it in the lane, which is sent first; or confirmed before.
      if ((at > 0 && d.previousChangeId !== undefined && lane[at - 1]?.changeId === d.previousChangeId) || run.confirmed.has(d.deliveryId)) continue;
      const check = checkPredecessor(d, lookup);
      if (check.kind !== 'clear') return { at, check };
      run.confirmed.add(d.deliveryId);
    }
    return undefined;
  };
  for (;;) {
    const found = lanes.map(firstUnconfirmed);
    const deliveryReads = new Set<string>();
    const changeReads = new Set<string>();
    for (const f of found) {
      if (f?.check.kind === 'read-delivery') deliveryReads.add(f.check.changeId);
      if (f?.check.kind === 'read-change') changeReads.add(f.check.changeId);
    }
    if (deliveryReads.size === 0 && changeReads.size === 0) return lanes.flatMap((lane, i) => cutLane(run, lane, found[i]));
    const [deliveries, changes] = await Promise.all([
      deliveryReads.size > 0 ? deps.deliveries.loadMany([...deliveryReads].map((c) => deliveryIdFor(c, webhookId))) : [],
      changeReads.size > 0 ? deps.changes.loadMany([...changeReads]) : [],
    ]);
    const byId = new Map(deliveries.map((d) => [d.deliveryId, d]));
    for (const changeId of deliveryReads) deliveriesRead.set(changeId, byId.get(deliveryIdFor(changeId, webhookId)) ?? null);
    for (const changeId of changeReads) changesRead.set(changeId, changes.find((c) => c.changeId === changeId) ?? null);
  }
}

/** The part of a lane that may go, given what its first unconfirmed delivery's check found. */
function cutLane(run: DrainRun, lane: readonly DeliveryRecord[], found: { at: number; check: PredecessorCheck } | undefined): DeliveryRecord[][] {
  if (!found) return [[...lane]];
  const { at, check } = found;
  if (check.kind === 'behind') {
    // Pending and unseen until now: it is its project's head; the next drain takes it by key too.
    run.view.set(check.delivery.deliveryId, check.delivery);
    run.unlisted.add(check.delivery.deliveryId);
  } else if (check.kind === 'fan-out-pending') {
    run.fanOutPending = true;
    if (at === 0) run.held.add((lane[0] as DeliveryRecord).project.id);
  }
  return at > 0 ? [lane.slice(0, at)] : [];
}

/**
 * Claim: each attempt number is taken before its request is sent, all in one write that holds
 * only if every delivery is still as read. A claim a dead drain left is logged as interrupted and
 * taken again. Stale (the index lagged a write): nothing is claimed, the ids are read by key.
 */
async function claim(run: DrainRun, lanes: readonly (readonly DeliveryRecord[])[]): Promise<DeliveryRecord[][] | undefined> {
  const now = run.deps.clock.now();
  const interrupted: AttemptRecord[] = [];
  const claimOne = (delivery: DeliveryRecord) => {
    if (delivery.inFlight === 0) return claimAttempt(delivery, now);
    const { delivery: recovered, attempt } = interruptAttempt(delivery, now);
    interrupted.push(attempt);
    return claimAttempt(recovered, now);
  };
  const claimed = lanes.map((lane) => lane.map(claimOne));
  const picked = lanes.flat();
  try {
    await commitWork(run, () => ({
      deliveries: claimed.flat(),
      attempts: interrupted,
      expected: new Map(picked.map((d) => [d.deliveryId, d])),
      // An interrupted attempt was most likely sent (claims are written just before sending), and
      // nothing confirmed it: the webhook's health counts it as a failed attempt, as the log shows it.
      state: (state) => ({ ...state, hours: interrupted.reduce((hours) => addToHealth(hours, now, true), state.hours) }),
    }));
  } catch (error) {
    if (!(error instanceof StaleDeliveriesError)) throw error;
    for (const d of picked) run.stale.add(d.deliveryId);
    run.listing.listAgain = true;
    return undefined;
  }
  return claimed;
}

/**
 * Send: up to the webhook's `maxInFlight` lanes at once, each lane one project's deliveries one
 * after another (the next only once the one before was delivered). The URL policy is checked
 * again first: a stored URL may predate a stricter policy. Claims not sent are given back: behind
 * a failed delivery of their project, once the webhook is disabled, or once the circuit opens
 * (CIRCUIT_BREAKER_FAILURES failures in a row; tests and redeliveries still go).
 */
async function send(run: DrainRun, lanes: readonly (readonly DeliveryRecord[])[]): Promise<Sent[]> {
  const policy = run.urlVerdict;
  // A change's deliveries share one stored body: read once per chunk for all of them.
  const refs = lanes.flat().flatMap((d) => (d.body === undefined && d.bodyRef ? [d.bodyRef] : []));
  const bodies = refs.length > 0 ? await run.deps.deliveries.loadBodies(refs) : new Map<string, string>();
  const results: Sent[] = [];
  let disabled = false;
  const sendLane = async (lane: readonly DeliveryRecord[]): Promise<void> => {
    let behind: number | undefined;
    for (const claimed of lane) {
      // Past the run's time budget no request starts (the lease must outlast the requests in flight): the next drain sends it.
      const overTime = run.deps.clock.now() - run.startedAt >= run.budget.maxMs;
      if (behind !== undefined || disabled || overTime || (run.streak >= CIRCUIT_BREAKER_FAILURES && claimed.ordered)) {
        results.push({ claimed, ...(behind !== undefined ? { waitUntil: behind } : {}) });
        continue;
      }
      const body = claimed.body ?? bodies.get(claimed.bodyRef ?? '');
      const outcome = !policy.ok
        ? notSent(run, claimed, planRefusedUrl(claimed, policy.error.message))
        : body === undefined
          ? notSent(run, claimed, planMissingBody(claimed))
          : await post(run, claimed, policy.value.url, body);
      results.push({ claimed, outcome });
      if (outcome.plan.disableReason) disabled = true;
      run.streak = outcome.plan.outcome === 'delivered' ? 0 : run.streak + 1;
      // Not delivered: the rest of the lane waits behind it (for its retry, or until it is final).
      if (outcome.settled.status === 'pending') behind = outcome.settled.dueAt;
    }
  };
  // Every lane waits for a slot: with the next chunk's lanes queued behind, a freed slot is used at once.
  await Promise.all(
    lanes.map(async (lane) => {
      await run.slots.take();
      try {
        await sendLane(lane);
      } finally {
        run.slots.give();
      }
    }),
  );
  return results;
}

/** One signed POST and what its result means for the delivery. */
async function post(run: DrainRun, claimed: DeliveryRecord, url: string, body: string): Promise<NonNullable<Sent['outcome']>> {
  const { deps, webhook, keys } = run;
  const startedAt = deps.clock.now();
  const signing = [keys.current, ...(keys.previous && webhook.previousSecretUntil !== null && startedAt < webhook.previousSecretUntil ? [keys.previous] : [])];
  const headers = buildSignatureHeaders({ deliveryId: claimed.deliveryId, timestampSeconds: Math.floor(startedAt / 1000), body, secrets: signing, attempt: claimed.inFlight, userAgent: deps.userAgent });
  const sent: HttpResult = await deps.http.post(url, headers, body, ATTEMPT_TIMEOUT_MS);
  const endedAt = deps.clock.now();
  const plan = planAfterAttempt({ delivery: claimed, attempt: claimed.inFlight, result: classifyOutcome(sent.result), nowMs: endedAt, jitter: deps.random() });
  const status = sent.result.kind === 'response' ? sent.result.status : null;
  return {
    plan,
    status,
    settled: settleAttempt(claimed, plan, { statusCode: status, endedAt }),
    attempt: attemptRecord({
      deliveryId: claimed.deliveryId,
      attempt: claimed.inFlight,
      startedAt: sent.startedAt,
      durationMs: sent.durationMs,
      requestHeaders: { ...headers },
      responseStatus: status,
      responseHeaders: sent.responseHeaders,
      responseBodyExcerpt: sent.responseBodyExcerpt,
      plan,
    }),
  };
}

/** Not sent, and not to be retried: a stored URL the policy now refuses (the webhook is disabled too), a body past retention. */
function notSent(run: DrainRun, claimed: DeliveryRecord, plan: AttemptPlan): NonNullable<Sent['outcome']> {
  const now = run.deps.clock.now();
  const attempt = attemptRecord({ deliveryId: claimed.deliveryId, attempt: claimed.inFlight, startedAt: now, durationMs: 0, requestHeaders: {}, responseStatus: null, responseHeaders: {}, responseBodyExcerpt: '', plan });
  return { plan, status: null, attempt, settled: settleAttempt(claimed, plan, { statusCode: null, endedAt: now }) };
}

/**
 * Settle: each outcome goes into the webhook's state (status, health, blocked projects, the
 * circuit breaker), the webhook is disabled when an answer asks for it (410, a refused URL) or
 * the days without success say so, and everything is written in one go with the attempt records.
 */
async function settle(run: DrainRun, sent: readonly Sent[]): Promise<void> {
  const { deps } = run;
  await commitWork(run, () => {
    const records: DeliveryRecord[] = [];
    const attempts: AttemptRecord[] = [];
    for (const { outcome } of sent) {
      if (!outcome) continue;
      run.tally.attempts += 1;
      if (outcome.plan.outcome === 'delivered') run.tally.delivered += 1;
      if (outcome.settled.status === 'failed') run.tally.failed += 1;
      records.push(outcome.settled);
      attempts.push(outcome.attempt);
      const recorded = recordOutcome(run.state, { settled: outcome.settled, plan: outcome.plan, responseStatus: outcome.status, nowMs: deps.clock.now(), failuresInARow: run.failuresInARow });
      run.state = recorded.state;
      run.failuresInARow = recorded.failuresInARow;
    }
    // Not sent: the number is given back, and the delivery waits for the circuit to close (or behind its project's failed one).
    const now = deps.clock.now();
    for (const { claimed, outcome, waitUntil } of sent) if (!outcome) records.push(giveBackClaim(claimed, Math.max(now, run.state.breakerUntil, waitUntil ?? 0)));
    return { deliveries: records, attempts };
  });
  for (const { outcome } of sent) if (outcome) await disableIfAsked(run, outcome.plan);
}

async function disableIfAsked(run: DrainRun, plan: AttemptPlan): Promise<void> {
  if (plan.outcome === 'delivered' || !run.webhook.active) return;
  if (plan.disableReason) {
    run.webhook = await disableWebhook(run.deps, run.webhook, plan.disableReason);
    return;
  }
  // Checked on every failed attempt: "no success for 5 days" can come true between final failures.
  const decision = shouldAutoDisable({ lastSuccessAtMs: run.state.lastSuccessAt, webhookCreatedAtMs: run.webhook.createdAt, failedDeliveriesSince: run.state.failedSinceSuccess, nowMs: run.deps.clock.now() });
  if (decision.disable) run.webhook = await disableWebhook(run.deps, run.webhook, decision.reason);
}

/**
 * Writes deliveries and attempts with the state while this drain holds the lease, one write after
 * another (`build` runs when it is this write's turn, on the state as the writes before left it);
 * takes the ids handed over meanwhile.
 */
function commitWork(
  run: DrainRun,
  build: () => {
    deliveries: readonly DeliveryRecord[];
    attempts: readonly AttemptRecord[];
    expected?: ReadonlyMap<string, DeliveryRecord>;
    /** What the write changes in the state besides (kept only if the write holds). */
    state?: (state: WebhookStateRecord) => WebhookStateRecord;
  },
): Promise<void> {
  const write = run.writes.then(async () => {
    const { deliveries, attempts, expected, state } = build();
    const stored = await run.deps.states.commit(run.deps.ownerId, state ? state(run.state) : run.state, deliveries, attempts, expected ? { expected } : {});
    for (const id of stored.inbox) run.known.add(id);
    run.state = { ...stored, inbox: [] };
    for (const d of deliveries) {
      run.written.set(d.deliveryId, d);
      if (d.status === 'pending') run.view.set(d.deliveryId, d);
      else run.view.delete(d.deliveryId);
    }
  });
  run.writes = write.catch(() => undefined);
  return write;
}

/**
 * Finish: plan the next wake-up (at once with work left, delayed within the queue's 900 s, else
 * the sweeper's) and let go of the lease; when a rerun was asked for meanwhile, drain again.
 * Answers the report, or undefined to drain again.
 */
async function finishDrain(run: DrainRun, workLeft: boolean): Promise<DrainReport | undefined> {
  const { deps, webhookId } = run;
  const now = deps.clock.now();
  // An index that lags, or a change not fanned out yet that holds a project back: look again shortly.
  const next = run.webhook.active ? planNextWakeUp({ nowMs: now, workLeft, indexLags: run.listing.lagging || run.fanOutPending, dueTimes: await nextDueTimes(run, now), notedWakeAt: run.state.wakeAt }) : await laterWakeOfDisabled(run, now);
  const planned = next ? { ...run.state, wakeAt: now + next.delaySeconds * 1000 } : run.state;
  // What only reads by key showed (the index lags) goes to the next drain by key too.
  const carry = [...run.unlisted].filter((id) => run.view.has(id));
  // Over budget, the lease goes whatever was asked meanwhile: the wake-up below takes it on.
  const released = await letGoOfLease(deps.states, deps.ownerId, planned, workLeft, carry);
  if (released.kind === 'released') {
    // Pushed after the lease is free, so the drain it starts is never turned away as busy.
    if (next) await deps.queue.wakeDrains([{ webhookId, deliveryIds: [], delaySeconds: next.delaySeconds }]);
    return { outcome: run.webhook.active ? 'drained' : 'inactive', continued: workLeft, ...run.tally };
  }
  // A wake-up came while we held the lease: drain again, starting with the deliveries it named.
  // The wake-up planned above was not pushed: the state keeps the one noted before.
  for (const id of released.state.inbox) run.known.add(id);
  run.state = { ...released.state, wakeAt: run.state.wakeAt, inbox: [] };
  run.listing = { complete: false, lagging: false, listAgain: true };
  // The wake-up may come from the fan-out a held project waited for.
  run.held = new Set();
  run.fanOutPending = false;
  run.webhook = (await deps.webhooks.load(webhookId)) ?? { ...run.webhook, active: false };
  run.urlVerdict = checkWebhookUrl(run.webhook.url, { allowLoopback: deps.allowLoopback });
  return undefined;
}

/**
 * When pending work comes due: what the last read held (the index may lag this run's writes, so
 * they count too), the blocked heads, the circuit breaker; when the listing was not complete, the
 * index's earliest due time as well (only a later one: what is due now is held back on purpose).
 */
async function nextDueTimes(run: DrainRun, now: number): Promise<number[]> {
  if (run.state.breakerUntil > now) return [run.state.breakerUntil];
  const times = [...[...run.view.values()].filter((d) => d.dueAt > now && d.inFlight === 0).map((d) => d.dueAt), ...run.state.blocked.map((b) => b.dueAt)];
  if (!run.listing.complete) {
    const indexed = await run.deps.deliveries.earliestDue(run.webhookId);
    if (indexed !== undefined && indexed > now) times.push(indexed);
  }
  return times;
}

/** A disabled webhook's work due now waits without wake-ups (enabling it wakes the drain); one due later keeps its wake-up, which then finds the webhook as it is by that time. */
async function laterWakeOfDisabled(run: DrainRun, now: number): Promise<{ delaySeconds: number } | undefined> {
  const next = planNextWakeUp({ nowMs: now, workLeft: false, indexLags: false, dueTimes: await nextDueTimes(run, now), notedWakeAt: run.state.wakeAt });
  return next && next.delaySeconds > 0 ? next : undefined;
}
