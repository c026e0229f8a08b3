import { BLOCKED_MAX, type BlockedHead, type DeliveryRecord, type FieldChangeRecord } from './records';

/**
 * Ordered per project, parallel across projects (DESIGN.md section 6). A project's deliveries to
 * one webhook start in change order, and a later one is not sent while an earlier one is pending:
 * it waits until that one is delivered, finally failed or cancelled. Different projects do not
 * wait for each other. Tests and redeliveries an admin asked for (`ordered: false`) go at once.
 *
 * The drain lists a webhook's pending deliveries by due time, so a project's head that failed and
 * waits hours for its retry may not be in the listing: the webhook's state remembers such heads
 * (`blocked`), and their followers are moved to the head's next attempt so they do not crowd the
 * listing; once the head is done they go at once. Pure: the drain passes in what it has read.
 */

export interface OrderView {
  /** Pending deliveries as the drain knows them now (listing and reads by key, its own writes on top). */
  readonly pending: readonly DeliveryRecord[];
  readonly blocked: readonly BlockedHead[];
  /** Circuit breaker: ordered deliveries wait until then. */
  readonly breakerUntil: number;
  readonly nowMs: number;
  /** How many to take (the drain's chunk). */
  readonly limit: number;
  /** Projects with requests in flight in this drain: left alone until those are settled. */
  readonly busyProjects?: ReadonlySet<number>;
}

export interface OrderPick {
  /**
   * What to send now, as lanes: each holds one project's deliveries in change order, sent one after
   * another (the next only once the one before is delivered), or one unordered delivery. At most
   * one lane per project; heads of every project first, then their followers, up to `limit` in all.
   * An attempt in flight among them was abandoned by a drain that is gone.
   */
  readonly lanes: DeliveryRecord[][];
  /** Followers due now whose project's head waits: moved to the head's next attempt (no attempt counted). */
  readonly defer: { readonly delivery: DeliveryRecord; readonly until: number }[];
}

/** Every delivery of the lanes, in lane order (what the drain claims). */
export function laneDeliveries(lanes: readonly (readonly DeliveryRecord[])[]): DeliveryRecord[] {
  return lanes.flat();
}

/** The save's time, then the project's revision (two saves of a project in one millisecond), then the id. */
export function byChangeOrder(a: Pick<DeliveryRecord, 'order' | 'revision' | 'deliveryId'>, b: Pick<DeliveryRecord, 'order' | 'revision' | 'deliveryId'>): number {
  return a.order - b.order || (a.revision ?? 0) - (b.revision ?? 0) || (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0);
}

/** Due now, or claimed by a drain that is gone (the caller holds the lease and has nothing in flight). */
export function isSendable(d: DeliveryRecord, nowMs: number): boolean {
  return d.status === 'pending' && (d.inFlight > 0 || d.dueAt <= nowMs);
}

/** What to send next: each project's head if it is due and the deliveries behind it, unordered deliveries when due, up to `limit`. */
export function pickDeliveries(view: OrderView): OrderPick {
  const { nowMs } = view;
  const defer: { delivery: DeliveryRecord; until: number }[] = [];
  const blockedHead = earliestBlockedByProject(view.blocked);
  const breakerOpen = view.breakerUntil > nowMs;
  const blockedFull = view.blocked.length >= BLOCKED_MAX;
  /** Per project seen: its lane when its head goes now, or until when its head waits. */
  const projects = new Map<number, { lane: DeliveryRecord[] | undefined; waitUntil: number | undefined }>();
  const unordered: DeliveryRecord[] = [];
  const waitBehind = (d: DeliveryRecord, until: number | undefined) => {
    if (until !== undefined && d.dueAt < until && d.inFlight === 0) defer.push({ delivery: d, until });
  };
  for (const d of [...view.pending].sort(byChangeOrder)) {
    if (d.status !== 'pending' || view.busyProjects?.has(d.project.id)) continue;
    if (!d.ordered) {
      if (isSendable(d, nowMs)) unordered.push(d);
      continue;
    }
    const projectId = d.project.id;
    const seen = projects.get(projectId);
    if (seen) {
      // A follower: it goes after its head in the same lane, or waits as long as the head does.
      if (seen.lane) seen.lane.push(d);
      else waitBehind(d, seen.waitUntil);
      continue;
    }
    const blocked = blockedHead.get(projectId);
    if (blocked && blocked.deliveryId !== d.deliveryId && byChangeOrder(blocked, d) < 0) {
      // The project's failed head is not in this view (it is due later): d follows it.
      const waitUntil = blocked.dueAt > nowMs ? blocked.dueAt : undefined;
      projects.set(projectId, { lane: undefined, waitUntil });
      waitBehind(d, waitUntil);
      continue;
    }
    // d is its project's head. Waiting for a retry of its own (it is a blocked head), it holds its
    // project back; due later only because it was moved behind a head that is done by now
    // (delivered, failed or cancelled), it goes now.
    if (!isSendable(d, nowMs) && blocked?.deliveryId === d.deliveryId) {
      projects.set(projectId, { lane: undefined, waitUntil: d.dueAt });
      continue;
    }
    // The circuit is open; or as many projects as BLOCKED_MAX wait for a retry: no new project starts until one is done.
    const held = breakerOpen || (blockedFull && !blocked);
    projects.set(projectId, { lane: held ? undefined : [d], waitUntil: undefined });
  }
  const lanes = [...projects.values()].flatMap((p) => (p.lane ? [p.lane] : []));
  const taken = new Set(lanes.map((lane) => (lane[0] as DeliveryRecord).project.id));
  // Unordered deliveries go at once, as lanes of their own (never beside their project's lane).
  for (const d of unordered) if (!taken.has(d.project.id)) {
    taken.add(d.project.id);
    lanes.push([d]);
  }
  return { lanes: fill(lanes.sort((a, b) => byChangeOrder(a[0] as DeliveryRecord, b[0] as DeliveryRecord)), view.limit), defer };
}

/** Heads first (in change order), then each lane's second, and so on, up to `limit` deliveries in all. */
function fill(lanes: readonly DeliveryRecord[][], limit: number): DeliveryRecord[][] {
  const out: DeliveryRecord[][] = lanes.slice(0, limit).map(() => []);
  let count = 0;
  for (let depth = 0; count < limit; depth += 1) {
    let added = false;
    for (let i = 0; i < out.length && count < limit; i += 1) {
      const next = lanes[i]?.[depth];
      if (!next) continue;
      out[i]?.push(next);
      count += 1;
      added = true;
    }
    if (!added) break;
  }
  return out;
}

function earliestBlockedByProject(blocked: readonly BlockedHead[]): Map<number, BlockedHead> {
  const byProject = new Map<number, BlockedHead>();
  for (const head of blocked) {
    const current = byProject.get(head.projectId);
    if (!current || byChangeOrder(head, current) < 0) byProject.set(head.projectId, head);
  }
  return byProject;
}

/**
 * The blocked heads after an attempt's outcome: an ordered delivery due for a retry holds its
 * project back; one that is final (delivered, failed, cancelled) lets it go.
 */
export function updateBlocked(blocked: readonly BlockedHead[], settled: DeliveryRecord): BlockedHead[] {
  const others = blocked.filter((b) => b.deliveryId !== settled.deliveryId);
  if (!settled.ordered || settled.status !== 'pending') return others;
  const head: BlockedHead = { projectId: settled.project.id, deliveryId: settled.deliveryId, order: settled.order, dueAt: settled.dueAt };
  return [...others, settled.revision !== undefined ? { ...head, revision: settled.revision } : head];
}

/**
 * Blocked heads that no longer hold their project back: read by key as final or unordered (an
 * admin cancelled or redelivered them), or gone (`missing`: past retention).
 */
export function pruneBlocked(blocked: readonly BlockedHead[], current: ReadonlyMap<string, DeliveryRecord>, missing: ReadonlySet<string>): BlockedHead[] {
  return blocked.filter((b) => {
    if (missing.has(b.deliveryId)) return false;
    const d = current.get(b.deliveryId);
    return !d || (d.status === 'pending' && d.ordered);
  });
}

/** Blocked heads due now: read by key before picking (the listing may not reach them). */
export function dueBlockedIds(blocked: readonly BlockedHead[], nowMs: number): string[] {
  return blocked.filter((b) => b.dueAt <= nowMs).map((b) => b.deliveryId);
}

/**
 * The chain check. What the drain sees of a webhook's pending deliveries (index listings, ids handed
 * over) can miss one: an index that lags, a change whose fan-out has not run yet, or runs that
 * fanned out a burst out of order. So before an ordered delivery is sent, the delivery of its
 * project's previous change to the same webhook is read by key (ids come from change + webhook):
 * pending, it goes first; delivered or failed, everything before it was done when it was sent;
 * cancelled, or never made because the webhook's field filter skipped that change, the walk goes on
 * to the change before. A change not fanned out yet holds the project back until it is.
 */
export type PredecessorCheck =
  | { readonly kind: 'clear' }
  /** An earlier delivery of the project is pending: it goes first. */
  | { readonly kind: 'behind'; readonly delivery: DeliveryRecord }
  /** An earlier change of the project has no deliveries yet: wait for its fan-out. */
  | { readonly kind: 'fan-out-pending'; readonly changeId: string }
  /** Read these by key, then check again. */
  | { readonly kind: 'read-delivery'; readonly changeId: string }
  | { readonly kind: 'read-change'; readonly changeId: string };

export interface PredecessorLookup {
  /** The delivery of that change to this webhook: undefined until read, null when there is none. */
  delivery(changeId: string): DeliveryRecord | null | undefined;
  change(changeId: string): Pick<FieldChangeRecord, 'pushState' | 'previousChangeId'> | null | undefined;
}

/**
 * Changes walked back at most: past this many in a row that the webhook's filter skipped, the
 * delivery goes (a change that old has long been fanned out; a retrying one is a blocked head).
 */
export const PREDECESSOR_WALK_MAX = 50;

export function checkPredecessor(d: Pick<DeliveryRecord, 'ordered' | 'previousChangeId'>, lookup: PredecessorLookup): PredecessorCheck {
  if (!d.ordered) return { kind: 'clear' };
  let changeId = d.previousChangeId;
  for (let step = 0; changeId !== undefined && step < PREDECESSOR_WALK_MAX; step += 1) {
    const before = lookup.delivery(changeId);
    if (before === undefined) return { kind: 'read-delivery', changeId };
    if (before !== null) {
      if (before.status === 'pending' && before.ordered) return { kind: 'behind', delivery: before };
      // Sent in order: what came before it was done by then.
      if (before.status === 'delivered' || before.status === 'failed') return { kind: 'clear' };
      // Cancelled (perhaps while it waited behind another), or a redelivery going on: look further back.
      changeId = before.previousChangeId;
      continue;
    }
    const change = lookup.change(changeId);
    if (change === undefined) return { kind: 'read-change', changeId };
    // Gone (past retention): nothing that old is pending.
    if (change === null) return { kind: 'clear' };
    if (change.pushState !== 'fanned-out') return { kind: 'fan-out-pending', changeId };
    // Fanned out without a delivery here: the webhook's filter skipped it (or it was inactive).
    changeId = change.previousChangeId;
  }
  return { kind: 'clear' };
}
