import { isDeepStrictEqual } from 'node:util';
import type { AttemptResult } from '../../domain/classify-outcome';
import {
  attemptRecordSchema,
  fieldChangeRecordSchema,
  deliveryRecordSchema,
  parseStoredRecord,
  webhookRecordSchema,
  webhookStateRecordSchema,
  type AttemptRecord,
  type DeliveryRecord,
  type FieldChangeRecord,
  type WebhookRecord,
  type WebhookStateRecord,
} from '../../domain/records';
import { initialWebhookState, mergeConcurrent } from '../../domain/webhook-lease';
import { webhookNameKey } from '../../domain/webhook-name';
import { WEBHOOK_IN_FLIGHT } from '../../shared/webhooks-contract';
import type { DrainDeps } from '../drain';
import {
  ConcurrentWriteError,
  type ChangeEventPublisher,
  type FanOutChangeStore,
  type FieldChangeStore,
  WebhookNameTakenError,
  LeaseLostError,
  StaleDeliveriesError,
  type Clock,
  type CommitOptions,
  type DeliveryStore,
  type HttpResult,
  type HttpSender,
  type PushOutcome,
  type WakeUpQueue,
  type WebhookSecretStore,
  type WebhookStateStore,
  type WebhookStore,
} from '../ports';

/**
 * In-memory ports for unit tests of src/app: they behave as the KVS adapters in src/forge do
 * (compare-and-set on versions, conditional delivery writes, a pending index that may lag, the
 * lease checked when a commit loses a race), without the offline host. Records are copied in and
 * out and parsed on read, so a use case can neither alias stored data nor store a shape the real
 * adapters would refuse. Never reachable from src/index.ts.
 */

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

const copy = <T>(value: T): T => structuredClone(value);

// ---------------------------------------------------------------- clock

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** Time moves only when the test says so. */
export function manualClock(startMs = T0): ManualClock {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

// ---------------------------------------------------------------- builders

let serial = 0;
const nextSerial = () => (serial += 1);

export function aWebhook(overrides: Partial<WebhookRecord> = {}): WebhookRecord {
  const id = overrides.id ?? `hook-${nextSerial()}`;
  return {
    schemaVersion: 1,
    id,
    name: `Webhook ${id}`,
    url: 'https://hooks.example.com/jira',
    active: true,
    projects: null,
    fieldIds: null,
    createdAt: T0 - 86_400_000,
    createdBy: 'admin-account',
    updatedAt: T0 - 86_400_000,
    version: 1,
    disabledReason: null,
    disabledAt: null,
    previousSecretUntil: null,
    maxInFlight: WEBHOOK_IN_FLIGHT.default,
    ...overrides,
  };
}

/**
 * A pending change delivery, due at once. `projectId` picks the project (key `P<id>`); `order`
 * is the change order (the save's time).
 */
export function aDelivery(overrides: Partial<DeliveryRecord> & { readonly projectId?: number } = {}): DeliveryRecord {
  const { projectId, ...rest } = overrides;
  const id = rest.deliveryId ?? `msg_${String(nextSerial()).padStart(6, '0')}`;
  const project = rest.project ?? { id: projectId ?? 10_000, key: `P${projectId ?? 10_000}`, name: `Project ${projectId ?? 10_000}` };
  const order = rest.order ?? T0 - 60_000 + nextSerial();
  const createdAt = rest.createdAt ?? order;
  const event = rest.event ?? 'updated';
  return {
    schemaVersion: 1,
    deliveryId: id,
    webhookId: 'hook-1',
    changeId: event === 'test' ? null : `change-${id}`,
    event,
    project,
    fieldNames: ['Budget'],
    order,
    status: 'pending',
    createdAt,
    dueAt: createdAt,
    attempts: 0,
    roundStart: 0,
    inFlight: 0,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    body: JSON.stringify({ type: 'projectrak.fields.updated', id, project: project.key, order }),
    // A change keeps its project's order; a test goes at once (as createDelivery has it).
    ordered: event === 'updated',
    cancelledBy: null,
    cancelledAt: null,
    ...rest,
  };
}

export function aState(webhookId: string, overrides: Partial<WebhookStateRecord> = {}): WebhookStateRecord {
  return { ...initialWebhookState(webhookId), ...overrides };
}

// ---------------------------------------------------------------- webhooks and secrets

export function inMemoryWebhookStore(initial: readonly WebhookRecord[] = []): WebhookStore & { readonly records: Map<string, WebhookRecord>; findByName(name: string): Promise<WebhookRecord | undefined> } {
  const records = new Map(initial.map((w) => [w.id, copy(w)]));
  const read = (w: WebhookRecord) => parseStoredRecord(webhookRecordSchema, 'webhook', w.id, copy(w));
  // As the KVS store's name claims: the oldest webhook holds a name (trimmed, ignoring case).
  const holderOf = (name: string) => [...records.values()].sort((a, b) => a.createdAt - b.createdAt).find((w) => webhookNameKey(w.name) === webhookNameKey(name));
  return {
    records,
    async list() {
      return [...records.values()].map(read).sort((a, b) => a.createdAt - b.createdAt);
    },
    async load(id) {
      const w = records.get(id);
      return w ? read(w) : undefined;
    },
    async findByName(name) {
      const w = holderOf(name);
      return w ? read(w) : undefined;
    },
    async create(record) {
      const holder = holderOf(record.name);
      if (holder && holder.id !== record.id) throw new WebhookNameTakenError(holder.name);
      if (!records.has(record.id)) records.set(record.id, copy(record));
    },
    async save(next, options = {}) {
      const stored = records.get(next.id);
      if (stored && isDeepStrictEqual(stored, next)) return;
      if (!stored || stored.version !== next.version - 1) throw new ConcurrentWriteError(`Webhook ${next.name}`);
      const holder = options.previousName !== undefined && options.previousName !== next.name ? holderOf(next.name) : undefined;
      if (holder && holder.id !== next.id) throw new WebhookNameTakenError(holder.name);
      records.set(next.id, copy(next));
    },
    async delete(id) {
      records.delete(id);
    },
  };
}

export function inMemorySecretStore(initial: Record<string, string> = {}): WebhookSecretStore & { readonly current: Map<string, string>; readonly previous: Map<string, string> } {
  const current = new Map(Object.entries(initial));
  const previous = new Map<string, string>();
  return {
    current,
    previous,
    async load(webhookId, options = {}) {
      const c = current.get(webhookId);
      if (c === undefined) return undefined;
      return { current: c, previous: options.previous === false ? undefined : previous.get(webhookId) };
    },
    async rotate(webhookId, secret, previousTtlMs) {
      const old = current.get(webhookId);
      if (old !== undefined && previousTtlMs > 0) previous.set(webhookId, old);
      current.set(webhookId, secret);
    },
    async delete(webhookId) {
      current.delete(webhookId);
      previous.delete(webhookId);
    },
  };
}

/** A valid Standard Webhooks secret (whsec_ + base64 of 32 bytes). */
export const TEST_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

// ---------------------------------------------------------------- deliveries

/**
 * What the pending index shows. Live: every write at once. Frozen: the copies as they were when
 * it froze (Forge's queries lag writes), until `catchUp`.
 */
export interface IndexControl {
  freeze(): void;
  catchUp(): void;
  readonly frozen: boolean;
  /** Ids the index does not show yet (records written a moment ago), live or frozen. */
  readonly hidden: Set<string>;
  /** Called after every listing of pending deliveries (e.g. to catch up after the first). */
  afterListing: ((call: number) => void) | undefined;
  /** Listings of pending deliveries so far. */
  readonly listings: number;
}

export type InMemoryDeliveryStore = DeliveryStore & {
  /** Stored records by id (the truth, read by key). */
  readonly records: Map<string, DeliveryRecord>;
  /** Attempt records by `deliveryId#attempt`. */
  readonly attemptRecords: Map<string, AttemptRecord>;
  /** Bodies shared by a change's deliveries, by key. */
  readonly bodies: Map<string, string>;
  saveBodies(bodies: readonly { readonly ref: string; readonly body: string }[]): Promise<void>;
  loadBodies(refs: readonly string[]): Promise<Map<string, string>>;
  readonly index: IndexControl;
  /** Every attempt record of a delivery, by number. */
  attemptsOf(deliveryId: string): AttemptRecord[];
  /** Conditional write of deliveries (the state store's commit uses it). */
  stillAsRead(expected: DeliveryRecord): boolean;
  /** Every id read by key with `loadMany`, in order (what reads cost). */
  readonly readsByKey: string[];
};

/** An attempt record's place in `attemptRecords`. */
const attemptKey = (deliveryId: string, attempt: number) => `${deliveryId}#${attempt}`;

const stillAs = (stored: DeliveryRecord | undefined, expected: DeliveryRecord) =>
  stored !== undefined && stored.status === expected.status && stored.attempts === expected.attempts && stored.inFlight === expected.inFlight && stored.dueAt === expected.dueAt;

export function inMemoryDeliveryStore(initial: readonly DeliveryRecord[] = []): InMemoryDeliveryStore {
  const records = new Map(initial.map((d) => [d.deliveryId, copy(d)]));
  const attemptRecords = new Map<string, AttemptRecord>();
  const bodies = new Map<string, string>();
  let snapshot: Map<string, DeliveryRecord> | undefined;
  let listings = 0;
  const read = (d: DeliveryRecord) => parseStoredRecord(deliveryRecordSchema, 'delivery', d.deliveryId, copy(d));
  const hidden = new Set<string>();
  const indexed = () => [...(snapshot ?? records).values()].filter((d) => !hidden.has(d.deliveryId));
  const byDue = (a: DeliveryRecord, b: DeliveryRecord) => a.dueAt - b.dueAt || (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0);
  /** The pending index of a webhook (or of all), earliest due first, as the index shows it. */
  const pendingIndexed = (webhookId: string | undefined, nowMs: number | undefined, limit: number) =>
    indexed()
      .filter((d) => d.status === 'pending' && (webhookId === undefined || d.webhookId === webhookId) && (nowMs === undefined || d.dueAt <= nowMs))
      .sort(byDue)
      .slice(0, limit)
      .map(read);
  /** Index results read again by key and checked again (as `fresh` in the KVS adapter). */
  const fresh = (listed: readonly DeliveryRecord[], still: (d: DeliveryRecord) => boolean) =>
    listed.flatMap((r) => {
      const current = records.get(r.deliveryId);
      return current && still(current) ? [read(current)] : [];
    });

  const index: IndexControl = {
    freeze() {
      snapshot = new Map([...records].map(([id, d]) => [id, copy(d)]));
    },
    catchUp() {
      snapshot = undefined;
      hidden.clear();
    },
    hidden,
    get frozen() {
      return snapshot !== undefined;
    },
    afterListing: undefined,
    get listings() {
      return listings;
    },
  };

  const readsByKey: string[] = [];
  const store: InMemoryDeliveryStore = {
    records,
    readsByKey,
    attemptRecords,
    bodies,
    index,
    attemptsOf: (deliveryId) => [...attemptRecords.values()].filter((a) => a.deliveryId === deliveryId).sort((a, b) => a.attempt - b.attempt),
    stillAsRead: (expected) => stillAs(records.get(expected.deliveryId), expected),
    async load(id) {
      const d = records.get(id);
      return d ? read(d) : undefined;
    },
    async loadMany(ids) {
      readsByKey.push(...ids);
      return ids.flatMap((id) => {
        const d = records.get(id);
        return d ? [read(d)] : [];
      });
    },
    async createMany(list) {
      const created: string[] = [];
      for (const d of list) {
        if (records.has(d.deliveryId)) continue;
        records.set(d.deliveryId, copy(d));
        created.push(d.deliveryId);
      }
      return created;
    },
    async saveMany(list) {
      for (const d of list) records.set(d.deliveryId, copy(d));
    },
    async dueForWebhook(webhookId, nowMs, limit) {
      return fresh(pendingIndexed(webhookId, nowMs, limit), (d) => d.status === 'pending' && d.dueAt <= nowMs);
    },
    async listPending(webhookId, limit) {
      const list = pendingIndexed(webhookId, undefined, limit);
      listings += 1;
      index.afterListing?.(listings);
      return { records: list, complete: list.length < limit };
    },
    async earliestDue(webhookId) {
      const listed = fresh(pendingIndexed(webhookId, undefined, 25), (d) => d.status === 'pending');
      return listed.length > 0 ? Math.min(...listed.map((d) => d.dueAt)) : undefined;
    },
    async dueAnywhere(nowMs, limit) {
      return fresh(pendingIndexed(undefined, nowMs, limit), (d) => d.status === 'pending' && d.dueAt <= nowMs);
    },
    async listForWebhook(webhookId, options) {
      const all = indexed()
        .filter((d) => d.webhookId === webhookId && (options.status === undefined || d.status === options.status))
        .sort((a, b) => b.createdAt - a.createdAt || (a.deliveryId < b.deliveryId ? 1 : -1));
      const start = options.cursor ? Number(options.cursor) : 0;
      const page = all.slice(start, start + options.limit);
      const end = start + page.length;
      return { records: fresh(page, (d) => options.status === undefined || d.status === options.status), nextCursor: end < all.length ? String(end) : undefined };
    },
    async listByStatusSince(webhookId, status, sinceMs, limit) {
      const listed = indexed()
        .filter((d) => d.webhookId === webhookId && d.status === status && d.createdAt >= sinceMs)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit);
      return fresh(listed, (d) => d.status === status);
    },
    async countPending(webhookId, cap) {
      return fresh(pendingIndexed(webhookId, undefined, cap), (d) => d.status === 'pending').length;
    },
    async loadAttempts(deliveryId, attempts) {
      return store
        .attemptsOf(deliveryId)
        .filter((a) => a.attempt <= attempts)
        .map((a) => parseStoredRecord(attemptRecordSchema, 'delivery attempt', attemptKey(deliveryId, a.attempt), copy(a)));
    },
    async saveBodies(list) {
      for (const b of list) bodies.set(b.ref, b.body);
    },
    async loadBodies(refs) {
      return new Map(refs.flatMap((ref) => (bodies.has(ref) ? [[ref, bodies.get(ref) as string] as const] : [])));
    },
    async replaceIf(expected, next, attempt) {
      const stored = records.get(next.deliveryId);
      if (stored && isDeepStrictEqual(stored, next)) return true;
      if (!stillAs(stored, expected)) return false;
      records.set(next.deliveryId, copy(next));
      if (attempt) attemptRecords.set(attemptKey(attempt.deliveryId, attempt.attempt), copy(attempt));
      return true;
    },
    async cancelPendingOfWebhook(webhookId, nowMs) {
      const waiting = fresh(pendingIndexed(webhookId, undefined, 1000), (d) => d.status === 'pending');
      for (const d of waiting) records.set(d.deliveryId, { ...d, status: 'cancelled', inFlight: 0, cancelledBy: null, cancelledAt: nowMs });
      return waiting.length;
    },
  };
  return store;
}

// ---------------------------------------------------------------- webhook state

/** Writes per transaction besides the state record (Forge: 25 operations). */
const OPS_PER_COMMIT = 24;

export type InMemoryStateStore = WebhookStateStore & {
  readonly records: Map<string, WebhookStateRecord>;
  /** Every commit, as asked: who, and how many deliveries and attempts. */
  readonly commits: { owner: string; deliveries: number; attempts: number; conditional: boolean }[];
  /**
   * Called before each conditional write with the state about to be replaced: a test may write in
   * between (another drain, a poke) to make the write lose the race, as on Forge.
   */
  beforeWrite: ((webhookId: string) => void) | undefined;
};

/**
 * The drain's state per webhook, sharing the delivery store's records (a commit writes both in
 * one transaction). Compare-and-set on the version; a commit that loses the race keeps what the
 * other writer added (`mergeConcurrent`) unless the lease is gone (LeaseLostError); delivery
 * writes conditional on `expected` throw StaleDeliveriesError, writing nothing of that transaction.
 */
export function inMemoryStateStore(deliveries: InMemoryDeliveryStore, initial: readonly WebhookStateRecord[] = []): InMemoryStateStore {
  const records = new Map(initial.map((s) => [s.webhookId, copy(s)]));
  const commits: InMemoryStateStore['commits'] = [];
  const load = async (webhookId: string) => {
    const s = records.get(webhookId);
    return s ? parseStoredRecord(webhookStateRecordSchema, 'webhook state', webhookId, copy(s)) : undefined;
  };

  function writeIf(expected: WebhookStateRecord, next: WebhookStateRecord, writes: { deliveries: readonly DeliveryRecord[]; attempts: readonly AttemptRecord[] } = { deliveries: [], attempts: [] }, expectedDeliveries?: ReadonlyMap<string, DeliveryRecord>): boolean {
    store.beforeWrite?.(next.webhookId);
    const storedVersion = records.get(next.webhookId)?.version ?? 0;
    if (storedVersion !== expected.version) return false;
    for (const d of writes.deliveries) {
      const was = expectedDeliveries?.get(d.deliveryId);
      if (was && !deliveries.stillAsRead(was)) throw new StaleDeliveriesError(next.webhookId);
    }
    records.set(next.webhookId, copy(next));
    for (const d of writes.deliveries) deliveries.records.set(d.deliveryId, copy(d));
    for (const a of writes.attempts) deliveries.attemptRecords.set(attemptKey(a.deliveryId, a.attempt), copy(a));
    return true;
  }

  async function update(webhookId: string, mutate: (current: WebhookStateRecord) => WebhookStateRecord | undefined): Promise<WebhookStateRecord> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const current = (await load(webhookId)) ?? initialWebhookState(webhookId);
      const wanted = mutate(current);
      if (!wanted) return current;
      const next = { ...wanted, version: current.version + 1 };
      if (writeIf(current, next)) return next;
    }
    throw new ConcurrentWriteError(`The delivery state of webhook ${webhookId}`);
  }

  const store: InMemoryStateStore = {
    records,
    commits,
    beforeWrite: undefined,
    load,
    async loadMany(webhookIds) {
      const found = new Map<string, WebhookStateRecord>();
      for (const id of webhookIds) {
        const s = await load(id);
        if (s) found.set(id, s);
      }
      return found;
    },
    update,
    async updateMany(webhookIds, mutate) {
      for (const id of webhookIds) await update(id, mutate);
    },
    async compareAndSet(expected, next) {
      return writeIf(expected, next);
    },
    async commit(owner, state, deliveryWrites, attempts, options: CommitOptions = {}) {
      commits.push({ owner, deliveries: deliveryWrites.length, attempts: attempts.length, conditional: (options.expected?.size ?? 0) > 0 });
      const writes = [...deliveryWrites.map((d) => ({ kind: 'delivery' as const, d })), ...attempts.map((a) => ({ kind: 'attempt' as const, a }))];
      const chunks: (typeof writes)[] = [];
      for (let i = 0; i < writes.length; i += OPS_PER_COMMIT) chunks.push(writes.slice(i, i + OPS_PER_COMMIT));
      if (chunks.length === 0) chunks.push([]);
      let current = state;
      for (const chunk of chunks) {
        const part = { deliveries: chunk.flatMap((w) => (w.kind === 'delivery' ? [w.d] : [])), attempts: chunk.flatMap((w) => (w.kind === 'attempt' ? [w.a] : [])) };
        let written = false;
        for (let attempt = 0; attempt < 8 && !written; attempt += 1) {
          const next = { ...current, version: current.version + 1 };
          if (writeIf(current, next, part, options.expected)) {
            current = next;
            written = true;
            break;
          }
          const stored = await load(state.webhookId);
          if (!stored || stored.leaseOwner !== owner) throw new LeaseLostError(state.webhookId);
          current = mergeConcurrent(current, stored);
        }
        if (!written) throw new ConcurrentWriteError(`The delivery state of webhook ${state.webhookId}`);
      }
      return copy(current);
    },
    async delete(webhookId) {
      records.delete(webhookId);
    },
  };
  return store;
}

// ---------------------------------------------------------------- field changes

/** A change record of one save (pushState `pending` unless told). */
export function aChange(overrides: Partial<FieldChangeRecord> = {}): FieldChangeRecord {
  const changeId = overrides.changeId ?? `change-${nextSerial()}`;
  const projectId = overrides.projectId ?? 10_000;
  return {
    schemaVersion: 1,
    changeId,
    projectId,
    revision: 1,
    user: 'user-account',
    timestamp: T0 - 60_000,
    project: { id: projectId, key: `P${projectId}`, name: `Project ${projectId}` },
    fields: [{ id: 1, name: 'Budget', type: 'number', value: { current: '23', previous: '25' } }],
    pushState: 'pending',
    ...overrides,
  };
}

/**
 * Change records as both the save side (FieldChangeStore) and the fan-out (FanOutChangeStore)
 * see them; listings oldest first. A state moves on only from the record as the caller read it.
 */
export function inMemoryChangeStore(initial: readonly FieldChangeRecord[] = []): FieldChangeStore & FanOutChangeStore & { readonly records: Map<string, FieldChangeRecord> } {
  const records = new Map(initial.map((c) => [c.changeId, copy(c)]));
  const read = (c: FieldChangeRecord) => parseStoredRecord(fieldChangeRecordSchema, 'field change', c.changeId, copy(c));
  const oldestFirst = (state: FieldChangeRecord['pushState'] | 'unfanned') =>
    [...records.values()].filter((c) => (state === 'unfanned' ? c.pushState !== 'fanned-out' : c.pushState === state)).sort((a, b) => a.timestamp - b.timestamp);
  const moveOn = (change: FieldChangeRecord, next: FieldChangeRecord['pushState']) => {
    const stored = records.get(change.changeId);
    if (stored && stored.pushState === change.pushState) records.set(change.changeId, { ...stored, pushState: next });
  };
  return {
    records,
    async load(changeId) {
      const c = records.get(changeId);
      return c ? read(c) : undefined;
    },
    async loadMany(changeIds) {
      return changeIds.flatMap((id) => {
        const c = records.get(id);
        return c ? [read(c)] : [];
      });
    },
    async markPushed(change) {
      moveOn(change, 'pushed');
    },
    async listPending(limit) {
      return oldestFirst('pending').slice(0, limit).map(read);
    },
    async listUnfanned(limit) {
      return oldestFirst('unfanned').slice(0, limit).map(read);
    },
    async markFannedOut(changes) {
      for (const c of changes) moveOn(c, 'fanned-out');
    },
  };
}

/** Records every change event published; `failFor` makes a push throw. */
export function recordingPublisher(failFor: ReadonlySet<string> = new Set()): ChangeEventPublisher & { readonly published: string[] } {
  const published: string[] = [];
  return {
    published,
    async publishFieldChange(changeId) {
      if (failFor.has(changeId)) throw new Error(`push of ${changeId} failed`);
      published.push(changeId);
    },
  };
}

// ---------------------------------------------------------------- queue

export interface RecordedWake {
  readonly webhookId: string;
  readonly deliveryIds: readonly string[];
  readonly delaySeconds: number;
  /** The clock's time when it was pushed. */
  readonly at: number;
}

export type RecordingQueue = WakeUpQueue & {
  readonly drainWakes: RecordedWake[];
  readonly fanOutWakes: { changeIds: readonly string[]; delaySeconds: number }[];
  readonly continuations: { webhookIds: readonly string[]; delaySeconds: number }[];
  /** Refuses drain wake-ups beyond this many per call (the event rate): `limited`. */
  acceptPerCall: number;
};

/** A WakeUpQueue that records every push (and can refuse some, as the platform's event rate does). */
export function recordingQueue(clock: Clock): RecordingQueue {
  const queue: RecordingQueue = {
    drainWakes: [],
    fanOutWakes: [],
    continuations: [],
    acceptPerCall: Number.POSITIVE_INFINITY,
    async wakeFanOut(changeIds, delaySeconds = 0): Promise<PushOutcome> {
      queue.fanOutWakes.push({ changeIds: [...changeIds], delaySeconds });
      return { kind: 'pushed' };
    },
    async wakeDrains(wakes) {
      const accepted = wakes.slice(0, queue.acceptPerCall);
      for (const w of accepted) queue.drainWakes.push({ webhookId: w.webhookId, deliveryIds: [...w.deliveryIds], delaySeconds: w.delaySeconds, at: clock.now() });
      const limited = accepted.length < wakes.length;
      return { pushed: accepted.map((w) => w.webhookId), limited, ...(limited ? { refused: 'rate-limited' as const } : {}) };
    },
    async continueWakes(webhookIds, delaySeconds): Promise<PushOutcome> {
      queue.continuations.push({ webhookIds: [...webhookIds], delaySeconds });
      return { kind: 'pushed' };
    },
  };
  return queue;
}

// ---------------------------------------------------------------- HTTP

export interface SentRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly deliveryId: string;
  readonly attempt: number;
  /** The clock's time when the request started. */
  readonly at: number;
}

/** What the scripted receiver answers: a status (with headers), or a transport error. */
export type ScriptedAnswer = number | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | { readonly error: 'timeout' | 'connection' };

export type ScriptedHttp = HttpSender & {
  readonly requests: SentRequest[];
  /** Requests open right now, and the most ever open at once. */
  readonly open: SentRequest[];
  readonly maxOpen: number;
  /** The most requests open at once for one key (e.g. a project), by `keyOf`. */
  maxOpenPer(keyOf: (request: SentRequest) => string): number;
  answer: (request: SentRequest) => ScriptedAnswer | Promise<ScriptedAnswer>;
};

/**
 * A receiver scripted per request. The answer function may return a promise (see `deferred`) to
 * keep a request open while the test looks at what else is in flight.
 */
export function scriptedHttp(clock: Clock, answer: (request: SentRequest) => ScriptedAnswer | Promise<ScriptedAnswer> = () => 200): ScriptedHttp {
  const open: SentRequest[] = [];
  let maxOpen = 0;
  /** Every moment's open set, to measure per-key concurrency afterwards. */
  const openSets: SentRequest[][] = [];
  const http: ScriptedHttp = {
    requests: [],
    open,
    get maxOpen() {
      return maxOpen;
    },
    maxOpenPer(keyOf) {
      let max = 0;
      for (const set of openSets) {
        const counts = new Map<string, number>();
        for (const r of set) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1);
        for (const n of counts.values()) max = Math.max(max, n);
      }
      return max;
    },
    answer,
    async post(url, headers, body): Promise<HttpResult> {
      const request: SentRequest = { url, headers: { ...headers }, body, deliveryId: headers['webhook-id'] ?? '', attempt: Number(headers['webhook-attempt']), at: clock.now() };
      http.requests.push(request);
      open.push(request);
      maxOpen = Math.max(maxOpen, open.length);
      openSets.push([...open]);
      try {
        const a = await http.answer(request);
        const result: AttemptResult =
          typeof a === 'number'
            ? { kind: 'response', status: a, headers: {}, nowMs: clock.now() }
            : 'error' in a
              ? { kind: 'error', error: a.error, message: 'scripted' }
              : { kind: 'response', status: a.status, headers: a.headers ?? {}, nowMs: clock.now() };
        const responseHeaders = typeof a === 'object' && 'status' in a ? (a.headers ?? {}) : {};
        const responseBodyExcerpt = typeof a === 'object' && 'status' in a ? (a.body ?? '') : '';
        return { startedAt: request.at, durationMs: clock.now() - request.at, result, responseHeaders, responseBodyExcerpt };
      } finally {
        open.splice(open.indexOf(request), 1);
      }
    },
  };
  return http;
}

/** A promise the test settles: keeps a scripted request open until then. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets every promise that can move on do so (requests started, writes done). */
export async function settleMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise<void>((r) => setImmediate(r));
}

// ---------------------------------------------------------------- all together

export interface InMemoryPorts {
  readonly clock: ManualClock;
  readonly webhooks: ReturnType<typeof inMemoryWebhookStore>;
  readonly secrets: ReturnType<typeof inMemorySecretStore>;
  readonly deliveries: InMemoryDeliveryStore;
  readonly states: InMemoryStateStore;
  readonly queue: RecordingQueue;
  readonly http: ScriptedHttp;
  /** Change records: the chain of each project's changes the drain walks (confirm order). */
  readonly changes: ReturnType<typeof inMemoryChangeStore>;
}

/** One webhook world: webhooks (each with a secret), deliveries, states, a recording queue and a scripted receiver. */
export function inMemoryPorts(
  input: { readonly webhooks?: readonly WebhookRecord[]; readonly deliveries?: readonly DeliveryRecord[]; readonly states?: readonly WebhookStateRecord[]; readonly changes?: readonly FieldChangeRecord[]; readonly nowMs?: number } = {},
): InMemoryPorts {
  const clock = manualClock(input.nowMs);
  const webhooks = inMemoryWebhookStore(input.webhooks ?? []);
  const secrets = inMemorySecretStore(Object.fromEntries((input.webhooks ?? []).map((w) => [w.id, TEST_SECRET])));
  const deliveries = inMemoryDeliveryStore(input.deliveries ?? []);
  const states = inMemoryStateStore(deliveries, input.states ?? []);
  const changes = inMemoryChangeStore(input.changes ?? []);
  return { clock, webhooks, secrets, deliveries, states, changes, queue: recordingQueue(clock), http: scriptedHttp(clock) };
}

/** The drain's dependencies over these ports (random 0.5: retry delays as scheduled, no jitter). */
export function drainDeps(ports: InMemoryPorts, overrides: Partial<DrainDeps> = {}): DrainDeps {
  return {
    webhooks: ports.webhooks,
    secrets: ports.secrets,
    states: ports.states,
    deliveries: ports.deliveries,
    changes: ports.changes,
    queue: ports.queue,
    http: ports.http,
    clock: ports.clock,
    random: () => 0.5,
    ownerId: 'drain-1',
    userAgent: 'Projectrak-Webhooks/test',
    allowLoopback: false,
    ...overrides,
  };
}
