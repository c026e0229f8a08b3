import type { AttemptResult } from '../domain/classify-outcome';
import type { FieldCleanupRecord } from '../domain/field-cleanup-record';
import type {
  ApiTokenRecord,
  AttemptRecord,
  DeliveryRecord,
  FanOutInboxRecord,
  FieldCatalogRecord,
  FieldChangeRecord,
  ProjectFieldsRecord,
  ProjectRefRecord,
  WebhookRecord,
  WebhookStateRecord,
} from '../domain/records';

/**
 * The small interfaces the use cases need of the platform. `src/forge/` implements them with the
 * Forge SDKs; tests use the same implementations against the offline host.
 */

export interface Clock {
  now(): number;
}

export interface IdGenerator {
  newId(): string;
}

/** A conditional write lost against a concurrent one. */
export class ConcurrentWriteError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else meanwhile`);
    this.name = 'ConcurrentWriteError';
  }
}

/** The shared wake-up's inbox changed between reading it and the save's write: read it again (nothing was written). */
export class InboxNoteOutdatedError extends Error {
  constructor() {
    super('the fan-out inbox changed meanwhile');
    this.name = 'InboxNoteOutdatedError';
  }
}

/**
 * A save's change id added to the inbox of the `field-changes` wake-up on its way, written in the
 * save's own transaction (one write instead of two), only if the inbox is still as read.
 */
export interface FanOutInboxNote {
  readonly expected: FanOutInboxRecord;
  readonly next: FanOutInboxRecord;
}

/** One project's save: its new values and change record, conditional on the revision read. */
export interface ProjectSave {
  readonly next: ProjectFieldsRecord;
  readonly change: FieldChangeRecord;
  readonly expectedRevision: number;
}

export type SaveOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

export interface FieldCatalogStore {
  /** undefined until the catalog has been created (install seeds it). */
  load(): Promise<FieldCatalogRecord | undefined>;
  /** Writes `next` only if the stored version is still `expectedVersion` (undefined: absent). */
  save(next: FieldCatalogRecord, expectedVersion: number | undefined): Promise<void>;
}

export interface ProjectFieldsStore {
  load(projectId: number): Promise<ProjectFieldsRecord | undefined>;
  /** Several projects' records in as few reads as Forge allows (a bulk request): the ones that exist, by project id. */
  loadMany(projectIds: readonly number[]): Promise<Map<number, ProjectFieldsRecord>>;
  /**
   * Writes the new values and the change record together, only if the stored revision is still
   * `expectedRevision` (0: no values stored yet). Throws ConcurrentWriteError otherwise. With a
   * `note`, the inbox is written in the same transaction; InboxNoteOutdatedError (nothing written)
   * when only the inbox had changed.
   */
  saveWithChange(next: ProjectFieldsRecord, change: FieldChangeRecord, expectedRevision: number, note?: FanOutInboxNote): Promise<void>;
  /**
   * Several projects' saves in one transaction (a bulk request): what each would be alone, in
   * order. When one fails its condition, each is tried alone; a storage 429 fails them all.
   */
  saveManyWithChanges(saves: readonly ProjectSave[]): Promise<SaveOutcome[]>;
  /** Keeps name and key fresh for payloads; no-op when the project has no values. */
  updateProjectRef(project: ProjectRefRecord): Promise<void>;
  deleteProject(projectId: number): Promise<void>;
  /**
   * The next projects in `updatedAt` order (index: may lag) after those up to `doneThrough`
   * (undefined: from the first): removes the field's value from each that holds one,
   * conditionally on the revision read by key (a concurrent save is never undone). Answers the
   * new position (every project up to it done) and whether the index has no more.
   */
  removeFieldValuesPage(fieldId: number, doneThrough: number | undefined, limit: number): Promise<{ cleaned: number; doneThrough: number | undefined; end: boolean }>;
  /** Projects holding a value for the field, by index (a save a moment ago may be missing). */
  countProjectsWithValue(fieldId: number): Promise<number>;
}

/** One field cleanup's progress (see `runFieldCleanup`). */
export interface FieldCleanupStore {
  load(fieldId: number): Promise<FieldCleanupRecord | undefined>;
  /** Writes a new record unless one exists for the field; answers the stored one. */
  create(record: FieldCleanupRecord): Promise<FieldCleanupRecord>;
  /** Writes `next` only if the stored version is still `next.version - 1`; ConcurrentWriteError otherwise. */
  save(next: FieldCleanupRecord): Promise<void>;
  delete(fieldId: number): Promise<void>;
  /** The most recently started cleanups, newest first (index: may lag writes). */
  listRecent(limit: number): Promise<FieldCleanupRecord[]>;
}

export interface FieldCleanupQueue {
  /** One wake-up of the field's cleanup, optionally delayed (<= 900 s). */
  wake(fieldId: number, delaySeconds: number): Promise<PushOutcome>;
}

/**
 * What a push of wake-ups came to. `refused` with `chain-cut`: the invocation chain this push
 * belongs to has made the most push requests Forge allows (`InvocationLimitReachedError`); no
 * push from it will go through, so the work is left where it is (in KVS) for the sweeper, which
 * starts a chain of its own. Other push failures are still thrown.
 */
export type PushOutcome = { readonly kind: 'pushed' } | { readonly kind: 'refused'; readonly reason: 'chain-cut' };

export interface FieldChangeStore {
  load(changeId: string): Promise<FieldChangeRecord | undefined>;
  /** `pending` -> `pushed`, from the record as the caller has it (a change moved on meanwhile is left as it is). */
  markPushed(change: FieldChangeRecord): Promise<void>;
  /** Oldest first. */
  listPending(limit: number): Promise<FieldChangeRecord[]>;
}

export interface ChangeEventPublisher {
  /** Puts one `field-changes` event on the queue. */
  publishFieldChange(changeId: string): Promise<void>;
  /**
   * While a wake-up is on its way: the note that hands it this change, for the save to write with
   * its values (then nothing is published afterwards). undefined: publish afterwards.
   */
  noteWithSave?(changeId: string): Promise<FanOutInboxNote | undefined>;
  /**
   * The changes are pushed together after the saves (a bulk request): each is stored as `pushed`
   * at once, with no write per change to say so. A push that then fails is caught by the
   * sweeper's check for changes pushed and not fanned out.
   */
  readonly pushesAfterwards?: boolean;
}

export interface ProjectAccess {
  readonly project: ProjectRefRecord;
  readonly canBrowse: boolean;
  /** A Jira admin or one of the project's administrators (who edit fields without rules of their own). */
  readonly canEdit: boolean;
  readonly isJiraAdmin: boolean;
  /** Jira's "Administer Projects" in this project. */
  readonly isProjectAdmin: boolean;
}

/**
 * What Jira says about a person's groups and project roles (field values security), asked as the
 * app: people without "Browse users and groups" may still be in a field's audience.
 */
export interface JiraMembership {
  /** Ids of the person's groups. */
  groupIdsOf(accountId: string): Promise<Set<string>>;
  /** Which of these roles the person acts in, in the project: named, or through one of their groups. */
  rolesOf(projectKeyOrId: string, accountId: string, roleIds: readonly number[], groupIds: ReadonlySet<string>): Promise<Set<number>>;
}

export interface UserSummary {
  readonly accountId: string;
  readonly displayName: string;
  readonly avatarUrl?: string;
}

/** Jira, asked as the user of the invocation (the platform's principal, never a payload). */
export interface JiraAsUser {
  isJiraAdmin(): Promise<boolean>;
  /** undefined when the project does not exist or the user cannot see it. */
  projectAccess(projectKeyOrId: string): Promise<ProjectAccess | undefined>;
  /** Projects the user can browse whose key or name contains `query` (at most 50). */
  searchProjects(query: string): Promise<ProjectRefRecord[]>;
  myself(): Promise<UserSummary>;
  searchUsers(query: string): Promise<UserSummary[]>;
  getUsers(accountIds: readonly string[]): Promise<UserSummary[]>;
}

/** A project role as the site has it (one list for every project). */
export interface ProjectRoleSummary {
  readonly id: number;
  readonly name: string;
  readonly description?: string;
}

export interface GroupSummary {
  readonly id: string;
  readonly name: string;
}

/**
 * Jira's project roles and groups, asked as the user, to choose a field's audience on the admin
 * page (field values security). Separate from JiraAsUser: only admins choose audiences.
 */
export interface JiraDirectory {
  /** Every project role of the site, by name (Jira asks for "Administer Jira"). */
  listProjectRoles(): Promise<ProjectRoleSummary[]>;
  /** Groups whose name contains `query` (empty: the first ones), at most 20 (Jira's group picker). */
  searchGroups(query: string): Promise<GroupSummary[]>;
}

export interface ApiTokenStore {
  findByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  save(record: ApiTokenRecord): Promise<void>;
  list(): Promise<ApiTokenRecord[]>;
  delete(id: string): Promise<void>;
}

// ---------------------------------------------------------------- outgoing webhooks

/** The drain no longer holds its webhook's lease (it ran out and another drain took it). */
export class LeaseLostError extends Error {
  constructor(webhookId: string) {
    super(`The drain lost its lease on webhook ${webhookId}`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Deliveries a write was conditional on were no longer as the caller read them (an index result
 * that lagged a write): nothing was written; read them again by key.
 */
export class StaleDeliveriesError extends Error {
  constructor(webhookId: string) {
    super(`Deliveries of webhook ${webhookId} changed since they were listed`);
    this.name = 'StaleDeliveriesError';
  }
}

/** Another webhook holds the name (compared trimmed, ignoring case); `takenName` is its name as stored. */
export class WebhookNameTakenError extends Error {
  constructor(readonly takenName: string) {
    super(`A webhook named "${takenName}" exists already`);
    this.name = 'WebhookNameTakenError';
  }
}

/**
 * Webhooks, and which webhook holds each name: a name is claimed and freed in the same write as
 * the webhook, so two webhooks never share a name and checking one never lists them all.
 */
export interface WebhookStore {
  /** Every webhook, oldest first. */
  list(): Promise<WebhookRecord[]>;
  load(id: string): Promise<WebhookRecord | undefined>;
  /** The webhook holding this name (trimmed, ignoring case), if any; reads by key, whatever the number of webhooks. */
  findByName(name: string): Promise<WebhookRecord | undefined>;
  /** Writes a new webhook and claims its name; WebhookNameTakenError if another webhook holds it (nothing written). */
  create(record: WebhookRecord): Promise<void>;
  /**
   * Writes `next` only if the stored version is still `next.version - 1`; ConcurrentWriteError
   * otherwise. With `previousName` (the name as read) and a new name: the new name is claimed and
   * the old one freed in the same write, or WebhookNameTakenError and nothing written.
   */
  save(next: WebhookRecord, options?: { readonly previousName?: string }): Promise<void>;
  /** Deletes the webhook and frees its name. */
  delete(id: string): Promise<void>;
}

/** Signing secrets, only ever through the platform's secret storage. */
export interface WebhookSecretStore {
  /** Newest first: the current secret, then the previous one while it still signs (`previous: false`: not read). */
  load(webhookId: string, options?: { readonly previous?: boolean }): Promise<{ current: string; previous: string | undefined } | undefined>;
  /** Makes `secret` current; the old current one becomes previous for `previousTtlMs` (0: dropped). */
  rotate(webhookId: string, secret: string, previousTtlMs: number): Promise<void>;
  delete(webhookId: string): Promise<void>;
}

export interface CommitOptions {
  /**
   * The deliveries as the caller read them, by id: each write of one of them holds only if the
   * stored record is still so (status, attempts, attempt in flight, due time); otherwise nothing
   * is written and StaleDeliveriesError is thrown. Lets a drain act on index results without
   * reading each record again by key first.
   */
  readonly expected?: ReadonlyMap<string, DeliveryRecord>;
}

/**
 * The drain's record of a webhook: lease, pending wake-up, blocked projects, status. Only
 * compare-and-set here: what to write is decided by the pure rules of domain/webhook-lease.ts and
 * domain/wake-policy.ts.
 */
export interface WebhookStateStore {
  load(webhookId: string): Promise<WebhookStateRecord | undefined>;
  loadMany(webhookIds: readonly string[]): Promise<Map<string, WebhookStateRecord>>;
  /**
   * Applies `mutate` to the latest state (a new one when none is stored) until a conditional write
   * holds; `mutate` answers undefined to write nothing. Answers the state as stored afterwards.
   * `mutate` may be called more than once, so it must depend only on its argument.
   */
  update(webhookId: string, mutate: (current: WebhookStateRecord) => WebhookStateRecord | undefined): Promise<WebhookStateRecord>;
  /** `update` for many webhooks at once: batched reads and conditional transactions of 25. */
  updateMany(webhookIds: readonly string[], mutate: (current: WebhookStateRecord) => WebhookStateRecord | undefined): Promise<void>;
  /** Writes `next` (its version is `expected.version + 1`) only if the stored version is still `expected.version`; answers whether it did. */
  compareAndSet(expected: WebhookStateRecord, next: WebhookStateRecord): Promise<boolean>;
  /**
   * Writes the state with deliveries and attempt records, all or nothing per transaction (as many
   * as Forge's limits need), only while `owner` holds the lease (LeaseLostError otherwise). What
   * another writer added meanwhile is kept (domain `mergeConcurrent`). Answers the state as stored.
   */
  commit(owner: string, state: WebhookStateRecord, deliveries: readonly DeliveryRecord[], attempts: readonly AttemptRecord[], options?: CommitOptions): Promise<WebhookStateRecord>;
  delete(webhookId: string): Promise<void>;
}

export interface DeliveryPage {
  readonly records: DeliveryRecord[];
  readonly nextCursor: string | undefined;
}

export interface DeliveryStore {
  load(deliveryId: string): Promise<DeliveryRecord | undefined>;
  loadMany(deliveryIds: readonly string[]): Promise<DeliveryRecord[]>;
  /** Creates the records that do not exist yet (never overwrites one); answers the ids it created. */
  createMany(records: readonly DeliveryRecord[]): Promise<string[]>;
  /** Unconditional writes of records the caller owns (admin actions, deferrals). */
  saveMany(records: readonly DeliveryRecord[]): Promise<void>;
  /** A webhook's pending deliveries due by `nowMs`, earliest due first (index: may lag). */
  dueForWebhook(webhookId: string, nowMs: number, limit: number): Promise<DeliveryRecord[]>;
  /**
   * A webhook's pending deliveries as the index lists them (it may lag: records may be older than
   * stored), earliest due first; `complete` when that is all of them.
   */
  listPending(webhookId: string, limit: number): Promise<{ records: DeliveryRecord[]; complete: boolean }>;
  /** The earliest due time of a webhook's pending deliveries (index: may lag). */
  earliestDue(webhookId: string): Promise<number | undefined>;
  /** Pending deliveries of any webhook due by `nowMs` (the sweeper). */
  dueAnywhere(nowMs: number, limit: number): Promise<DeliveryRecord[]>;
  /** A webhook's delivery log, newest first. */
  listForWebhook(webhookId: string, options: { status?: DeliveryRecord['status']; cursor?: string; limit: number }): Promise<DeliveryPage>;
  /** A webhook's deliveries of one status created since `sinceMs`, oldest first. */
  listByStatusSince(webhookId: string, status: DeliveryRecord['status'], sinceMs: number, limit: number): Promise<DeliveryRecord[]>;
  countPending(webhookId: string, cap: number): Promise<number>;
  loadAttempts(deliveryId: string, attempts: number): Promise<AttemptRecord[]>;
  /** Writes bodies shared by deliveries (immutable: the same key always holds the same bytes); refreshes their retention. */
  saveBodies(bodies: readonly { readonly ref: string; readonly body: string }[]): Promise<void>;
  /** The bodies stored under these keys (a key past retention is missing from the answer). */
  loadBodies(refs: readonly string[]): Promise<Map<string, string>>;
  /**
   * Writes `next` (and `attempt`, its log row, in the same write) only if the stored delivery is
   * still as `expected` (status, attempts, attempt in flight, due time); answers whether it did.
   */
  replaceIf(expected: DeliveryRecord, next: DeliveryRecord, attempt?: AttemptRecord): Promise<boolean>;
  /** Cancels every pending delivery of a (deleted) webhook; answers how many. */
  cancelPendingOfWebhook(webhookId: string, nowMs: number): Promise<number>;
}

export interface FanOutChangeStore {
  load(changeId: string): Promise<FieldChangeRecord | undefined>;
  /** The records of these ids that exist, read by key in batches. */
  loadMany(changeIds: readonly string[]): Promise<FieldChangeRecord[]>;
  /** Changes not fanned out yet, oldest first (index: may lag). */
  listUnfanned(limit: number): Promise<FieldChangeRecord[]>;
  /** Marks these changes (as just read by key) fanned out; a change moved on meanwhile is left as it is. */
  markFannedOut(changes: readonly FieldChangeRecord[]): Promise<void>;
}

/** Change ids saved while a fan-out wake-up was on its way (see `createCoalescingPublisher`). */
export interface FanOutInbox {
  /**
   * Takes up to 100 ids out of the inbox (`more`: some are left, the caller wakes a run for them);
   * once it is empty, the next save pushes a wake-up of its own.
   */
  take(): Promise<{ ids: string[]; more: boolean }>;
}

export interface WakeUpQueue {
  /** Wakes the fan-out for these changes (one event), optionally delayed. */
  wakeFanOut(changeIds: readonly string[], delaySeconds?: number): Promise<PushOutcome>;
  /** Wakes drains: one event per webhook, optionally delayed (<= 900 s). */
  /**
   * Answers the webhooks whose wake-up went out; `limited` when the platform refused the rest, by
   * its event rate or a chain cut (`refused` says which): the sweeper wakes those later, their
   * work is due and no wake-up is noted.
   */
  wakeDrains(wakes: readonly { webhookId: string; deliveryIds: readonly string[]; delaySeconds: number }[]): Promise<{ pushed: string[]; limited: boolean; refused?: 'rate-limited' | 'chain-cut' }>;
  /** Wakes these webhooks' drains in steps, starting after `delaySeconds` (one `wake-drains` event carries the list). */
  continueWakes(webhookIds: readonly string[], delaySeconds: number): Promise<PushOutcome>;
}

export interface HttpResult {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly result: AttemptResult;
  readonly responseHeaders: Record<string, string>;
  readonly responseBodyExcerpt: string;
}

/** One POST of a signed delivery; never throws for network failures (they are results). */
export interface HttpSender {
  post(url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number): Promise<HttpResult>;
}
