import { parseFieldInput } from '../domain/fields/field-values';
import type { FieldDefinition } from '../domain/fields/field-definition';
import type { ProjectFieldsRecord } from '../domain/records';
import { isStorageRateLimited } from './storage-errors';
import { AppError, invalidInput } from './app-error';
import type { BulkSaveItem, BulkSaveJob } from './bulk-save-record';
import { loadFieldCatalog } from './field-catalog';
import { bulkResultError, onceLoadedCatalog, patchProjectFields, resolveFieldRefs, type ApiProjectFieldsDeps, type BulkProjectResult } from './management-api';
import type { ChangeEventPublisher, Clock, ProjectFieldsStore, ProjectSave, SaveOutcome, WakeUpQueue } from './ports';
import { requireJiraAdmin } from './session';

/**
 * PATCH /projects/fields for up to 100 projects, inside the web trigger's 55 s even when every
 * Jira call is slow: every project is checked first (field references and values, all or nothing
 * per project), then saved one by one while the request's time budget lasts; the projects left are
 * handed to the `bulk-saves` consumer, and the answer says where their outcome will be. A request
 * that fits its budget answers as it always did. The whole request costs one fan-out wake-up per run.
 */

/** The request's budget for saving: well inside 55 s, with room for the handover and one slow save. */
export const BULK_REQUEST_BUDGET_MS = 30_000;
/** A consumer run's budget (its function may run 120 s); then it wakes itself for the rest. */
export const BULK_CONSUMER_BUDGET_MS = 60_000;
/** A pending project's values must fit one stored item (Forge: 240 KiB per value). */
const MAX_ITEM_BYTES = 200 * 1024;

export interface BulkSaveStore {
  /** Writes the items, then the job (so a job is only ever seen complete). */
  create(job: BulkSaveJob, items: readonly BulkSaveItem[]): Promise<void>;
  loadJob(id: string): Promise<BulkSaveJob | undefined>;
  /** Every item of the job, in the request's order. */
  loadItems(job: BulkSaveJob): Promise<BulkSaveItem[]>;
  saveItem(item: BulkSaveItem): Promise<void>;
  saveJob(job: BulkSaveJob): Promise<void>;
  /**
   * The first of the consumer and an abandoning request to claim the job wins, for good: answers
   * who holds it. Settles a push whose answer was lost (did the wake-up arrive or not?).
   */
  claim(id: string, who: 'consumer' | 'abandoned'): Promise<'consumer' | 'abandoned'>;
}

export interface BulkSaveQueue {
  wake(bulkSaveId: string): Promise<void>;
}

export type BulkSaveDeps = ApiProjectFieldsDeps & {
  readonly queue: Pick<WakeUpQueue, 'wakeFanOut'>;
  readonly bulkSaves: BulkSaveStore;
  readonly bulkSaveQueue: BulkSaveQueue;
};

export type BulkResults = Record<string, BulkProjectResult>;

export type BulkSaveAnswer =
  | { readonly kind: 'done'; readonly results: BulkResults; readonly changed: number; readonly failed: number }
  | { readonly kind: 'handed-over'; readonly id: string; readonly results: BulkResults; readonly pending: string[]; readonly changed: number; readonly failed: number };

export interface BulkSaveView {
  readonly id: string;
  /** `stopped`: the platform gave up on the wake-up of the projects still pending; nobody saves them. */
  readonly status: 'running' | 'finished' | 'stopped';
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly changed: number;
  readonly failed: number;
  /** Projects not saved yet, in the request's order. */
  readonly pending: string[];
  /** Every project done so far (saved or refused), as the 200 answer says them. */
  readonly results: BulkResults;
}

/**
 * Forge retries a consumer's event for at most 24 hours after it was pushed, then drops it. A job
 * whose last wake-up was pushed longer ago than that (plus a last run's time) is run by nobody.
 */
export const BULK_WAKE_LIFETIME_MS = 24 * 60 * 60 * 1000 + 15 * 60 * 1000;

/** Projects a bulk request saves side by side (two writes each: 12 share one of Forge's 25-operation transactions). */
export const SAVES_AT_ONCE = 12;

/**
 * The saves running side by side share their reads and writes: a save's read of its project's
 * record, or its write, waits until every running save is waiting too (or has ended), then the
 * reads go in one batch and the writes in one transaction (storage/ports: `loadMany`,
 * `saveManyWithChanges`, which tells each save its own outcome). A bulk request of 100 projects
 * so costs about 9 read and 9 write requests instead of 100 each.
 */
function sharedStorage(store: ProjectFieldsStore): { store: ProjectFieldsStore; run<T>(save: () => Promise<T>): Promise<T> } {
  let running = 0;
  let reads: { projectId: number; resolve: (record: ProjectFieldsRecord | undefined) => void; reject: (error: unknown) => void }[] = [];
  let writes: { save: ProjectSave; done: (outcome: SaveOutcome) => void }[] = [];
  const goIfAllWaiting = () => {
    if (reads.length + writes.length === 0 || reads.length + writes.length < running) return;
    const [readBatch, writeBatch] = [reads, writes];
    reads = [];
    writes = [];
    if (readBatch.length > 0) {
      store.loadMany([...new Set(readBatch.map((r) => r.projectId))]).then(
        (records) => readBatch.forEach((r) => r.resolve(records.get(r.projectId))),
        (error: unknown) => readBatch.forEach((r) => r.reject(error)),
      );
    }
    if (writeBatch.length > 0) {
      store.saveManyWithChanges(writeBatch.map((w) => w.save)).then(
        (outcomes) => writeBatch.forEach((w, i) => w.done(outcomes[i] ?? { ok: false, error: new Error('saveManyWithChanges answered fewer outcomes than saves') })),
        (error: unknown) => writeBatch.forEach((w) => w.done({ ok: false, error })),
      );
    }
  };
  return {
    store: {
      ...store,
      load: (projectId) =>
        new Promise<ProjectFieldsRecord | undefined>((resolve, reject) => {
          reads.push({ projectId, resolve, reject });
          goIfAllWaiting();
        }),
      saveWithChange: (next, change, expectedRevision, note) => {
        if (note) return store.saveWithChange(next, change, expectedRevision, note);
        return new Promise<void>((resolve, reject) => {
          writes.push({ save: { next, change, expectedRevision }, done: (outcome) => (outcome.ok ? resolve() : reject(outcome.error)) });
          goIfAllWaiting();
        });
      },
    },
    async run(save) {
      running += 1;
      try {
        return await save();
      } finally {
        running -= 1;
        goIfAllWaiting();
      }
    },
  };
}

/**
 * Runs `each` over `items` in their order, SAVES_AT_ONCE at a time, taking the next while `more()`
 * says so. Every started one ends before the first error is rethrown, so no save runs on unseen.
 */
async function sideBySide<T>(items: readonly T[], more: () => boolean, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && more()) {
      const item = items[next] as T;
      next += 1;
      await each(item);
    }
  };
  const ended = await Promise.allSettled(Array.from({ length: SAVES_AT_ONCE }, worker));
  const failed = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Saves that record their change ids for one wake-up afterwards, instead of a push each. */
function collectingPublisher(changeIds: string[]): ChangeEventPublisher {
  return {
    publishFieldChange: async (changeId) => {
      changeIds.push(changeId);
    },
    pushesAfterwards: true,
  };
}

async function wakeFanOut(queue: Pick<WakeUpQueue, 'wakeFanOut'>, changeIds: readonly string[]): Promise<void> {
  if (changeIds.length === 0) return;
  try {
    await queue.wakeFanOut(changeIds);
  } catch (error) {
    // The changes are saved; the sweeper pushes changes left without a wake-up (STUCK_CHANGE_MS).
    console.warn(`bulk save: ${changeIds.length} changes saved, fan-out wake-up left to the sweeper: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The checks that need no Jira: every value against its definition. Options disabled since a
 * project chose them may stay on that project, which only its save can tell; they pass here.
 */
function checkValues(definitions: readonly FieldDefinition[], values: Readonly<Record<string, unknown>>): void {
  const byId = new Map(definitions.map((f) => [String(f.id), f]));
  const fieldErrors = Object.create(null) as Record<string, string>;
  for (const [id, raw] of Object.entries(values)) {
    const definition = byId.get(id);
    if (!definition) continue; // resolveFieldRefs has named every field
    const lenient = definition.options ? { ...definition, options: definition.options.map((o) => ({ ...o, enabled: true })) } : definition;
    const parsed = parseFieldInput(lenient, raw);
    if (!parsed.ok) fieldErrors[id] = parsed.error.message;
  }
  const problems = Object.values(fieldErrors);
  if (problems.length > 0) {
    throw invalidInput(problems.length === 1 ? `Nothing was saved. ${problems[0]}` : `Nothing was saved: ${problems.length} fields have problems. ${problems[0]}`, { ...fieldErrors });
  }
}

/** One project's save as its result; expected refusals become results, anything else is thrown. */
async function saveOne(deps: ApiProjectFieldsDeps, projectKey: string, values: Readonly<Record<string, unknown>>): Promise<BulkProjectResult> {
  try {
    return { ok: true, ...(await patchProjectFields(deps, { projectKey, values })) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: bulkResultError(error) };
    throw error;
  }
}

const countOf = (results: Iterable<BulkProjectResult>) => {
  let changed = 0;
  let failed = 0;
  for (const r of results) {
    if (!r.ok) failed += 1;
    else if (r.changes.length > 0) changed += 1;
  }
  return { changed, failed };
};

/** Results in the request's order, in an object (keys are project keys, never `__proto__`). */
function inOrder(keys: readonly string[], results: ReadonlyMap<string, BulkProjectResult>): BulkResults {
  const ordered: BulkResults = {};
  for (const key of keys) {
    const result = results.get(key);
    if (result) ordered[key] = result;
  }
  return ordered;
}

export async function saveManyProjects(deps: BulkSaveDeps, projects: Readonly<Record<string, Readonly<Record<string, unknown>>>>, options: { budgetMs?: number } = {}): Promise<BulkSaveAnswer> {
  const started = deps.clock.now();
  const budgetMs = options.budgetMs ?? BULK_REQUEST_BUDGET_MS;
  const keys = Object.keys(projects);
  const results = new Map<string, BulkProjectResult>();
  // One catalog read for the whole request, not two per project.
  const catalog = onceLoadedCatalog(deps.catalog);
  const { fields } = await loadFieldCatalog(catalog);
  const definitions = fields.map(({ options: opts, ...rest }) => (opts ? { ...rest, options: [...opts] } : rest));

  // 1. Everything that can be checked without Jira, for every project, before anything is saved.
  const valid: { key: string; values: Record<string, unknown> }[] = [];
  for (const key of keys) {
    try {
      const values = resolveFieldRefs(definitions, projects[key] ?? {});
      checkValues(definitions, values);
      valid.push({ key, values });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.set(key, { ok: false, error: bulkResultError(error) });
    }
  }

  // 2. Saves while the budget lasts, SAVES_AT_ONCE side by side: their Jira checks overlap, their
  // reads share a batch and their writes a transaction.
  const changeIds: string[] = [];
  const shared = sharedStorage(deps.projects);
  const saveDeps = { ...deps, projects: shared.store, publisher: collectingPublisher(changeIds), catalog };
  let rateLimited: string | undefined;
  const refused = new Set<string>();
  try {
    // Every save ends before the answer (and before an unknown error is rethrown).
    await sideBySide(
      valid,
      () => rateLimited === undefined && deps.clock.now() - started < budgetMs,
      async ({ key, values }) => {
        try {
          results.set(key, await shared.run(() => saveOne(saveDeps, key, values)));
        } catch (error) {
          if (!isStorageRateLimited(error)) throw error;
          // Forge's storage rate: this project saved nothing, and the rest are not tried now.
          rateLimited = "Forge's storage rate limit was reached. Nothing was saved for this project; send it again in a moment.";
          refused.add(key);
        }
      },
    );
  } finally {
    // Whatever happened, the changes already saved get their wake-up now (not the sweeper's, minutes later).
    await wakeFanOut(deps.queue, changeIds);
  }

  const left = valid.filter(({ key }) => !results.has(key));
  if (rateLimited !== undefined) {
    const message = rateLimited;
    for (const { key } of left) results.set(key, { ok: false, error: { code: 'UNAVAILABLE', message: refused.has(key) ? message : `Not attempted: ${message}` } });
  }
  if (left.length === 0 || rateLimited !== undefined) return { kind: 'done', results: inOrder(keys, results), ...countOf(results.values()) };

  // 3. The rest to the consumer: one item per project, then the job, then its wake-up.
  const id = deps.ids.newId();
  const job: BulkSaveJob = { schemaVersion: 1, id, createdBy: deps.accountId, createdAt: deps.clock.now(), projectKeys: keys, finishedAt: null };
  const pendingKeys = new Set<string>();
  const items: BulkSaveItem[] = keys.map((projectKey, index) => {
    const pending = left.find((l) => l.key === projectKey);
    if (pending && new TextEncoder().encode(JSON.stringify(pending.values)).length > MAX_ITEM_BYTES) {
      const result: BulkProjectResult = { ok: false, error: { code: 'LIMIT_EXCEEDED', message: `Not saved: the values for ${projectKey} are too large to hand over for later. Send this project alone with PATCH /projects/${projectKey}/fields.` } };
      results.set(projectKey, result);
      return { schemaVersion: 1, bulkSaveId: id, index, projectKey, state: 'done', result };
    }
    if (pending) {
      pendingKeys.add(projectKey);
      return { schemaVersion: 1, bulkSaveId: id, index, projectKey, state: 'pending', values: pending.values };
    }
    return { schemaVersion: 1, bulkSaveId: id, index, projectKey, state: 'done', result: results.get(projectKey) as BulkProjectResult };
  });
  if (pendingKeys.size === 0) return { kind: 'done', results: inOrder(keys, results), ...countOf(results.values()) };
  await deps.bulkSaves.create(job, items);
  try {
    await deps.bulkSaveQueue.wake(id);
  } catch (error) {
    // Did the wake-up arrive? If the consumer has claimed the job, yes; otherwise the request
    // claims it, and the projects left are answered as not saved now: never a job nobody runs.
    if ((await deps.bulkSaves.claim(id, 'abandoned')) === 'consumer') return handedOver(id, keys, results, pendingKeys);
    console.warn(`bulk save ${id}: the consumer could not be woken (${error instanceof Error ? error.message : String(error)}); ${pendingKeys.size} projects answered as not saved`);
    const notAttempted: BulkProjectResult = { ok: false, error: { code: 'UNAVAILABLE', message: 'Not attempted: there was no time left in this request and the platform refused to queue the rest. Nothing was saved for this project; send it again.' } };
    for (const item of items) {
      if (item.state !== 'pending') continue;
      results.set(item.projectKey, notAttempted);
      await deps.bulkSaves.saveItem({ schemaVersion: 1, bulkSaveId: id, index: item.index, projectKey: item.projectKey, state: 'done', result: notAttempted });
    }
    await deps.bulkSaves.saveJob({ ...job, finishedAt: deps.clock.now() });
    return { kind: 'done', results: inOrder(keys, results), ...countOf(results.values()) };
  }
  return handedOver(id, keys, results, pendingKeys);
}

function handedOver(id: string, keys: readonly string[], results: ReadonlyMap<string, BulkProjectResult>, pending: ReadonlySet<string>): BulkSaveAnswer {
  const done = new Map([...results].filter(([key]) => !pending.has(key)));
  return { kind: 'handed-over', id, results: inOrder(keys, done), pending: keys.filter((k) => pending.has(k)), ...countOf(done.values()) };
}

export interface BulkConsumerDeps {
  readonly bulkSaves: BulkSaveStore;
  readonly bulkSaveQueue: BulkSaveQueue;
  readonly clock: Clock;
  /** The use cases wired to act as the job's creator (Jira asked as the app about that account). */
  forAccount(accountId: string): ApiProjectFieldsDeps & { readonly queue: Pick<WakeUpQueue, 'wakeFanOut'> };
}

export type BulkRunReport = { readonly outcome: 'gone' | 'finished-before' | 'abandoned' } | { readonly outcome: 'continues' | 'finished'; readonly saved: number; readonly left: number };

/**
 * One run of the `bulk-saves` consumer: the job's pending projects in the request's order, as its
 * creator (still a Jira admin, checked first: fail closed), each result stored as it is known, so a
 * run cut short or retried goes on where it stopped (a save done twice changes nothing the second time).
 */
export async function continueBulkSave(deps: BulkConsumerDeps, id: string, options: { budgetMs?: number } = {}): Promise<BulkRunReport> {
  const started = deps.clock.now();
  const budgetMs = options.budgetMs ?? BULK_CONSUMER_BUDGET_MS;
  const job = await deps.bulkSaves.loadJob(id);
  if (!job) return { outcome: 'gone' };
  if (job.finishedAt !== null) return { outcome: 'finished-before' };
  if ((await deps.bulkSaves.claim(id, 'consumer')) === 'abandoned') return { outcome: 'abandoned' };
  const pending = (await deps.bulkSaves.loadItems(job)).filter((item) => item.state === 'pending');

  const account = deps.forAccount(job.createdBy);
  let refusal: string | undefined;
  try {
    await requireJiraAdmin(account.jira);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'FORBIDDEN') throw error;
    refusal = 'Not saved: the creator of the API token that sent this request is no longer a Jira admin.';
  }

  // SAVES_AT_ONCE side by side, as the request saved its part: Jira checks overlap, reads share a
  // batch and writes a transaction.
  const changeIds: string[] = [];
  const shared = sharedStorage(account.projects);
  const saveDeps = { ...account, projects: shared.store, publisher: collectingPublisher(changeIds), catalog: onceLoadedCatalog(account.catalog) };
  let saved = 0;
  let failing = false;
  try {
    await sideBySide(
      pending,
      () => !failing && deps.clock.now() - started < budgetMs,
      async (item) => {
        try {
          // A storage 429 is thrown: the consumer's event comes back later and goes on from here.
          const result: BulkProjectResult = refusal ? { ok: false, error: { code: 'FORBIDDEN', message: refusal } } : await shared.run(() => saveOne(saveDeps, item.projectKey, item.values ?? {}));
          await deps.bulkSaves.saveItem({ schemaVersion: 1, bulkSaveId: id, index: item.index, projectKey: item.projectKey, state: 'done', result });
          saved += 1;
        } catch (error) {
          // The other saves finish what they started and take no more.
          failing = true;
          throw error;
        }
      },
    );
  } finally {
    await wakeFanOut(account.queue, changeIds);
  }
  const left = pending.length - saved;
  if (left > 0) {
    // Noted before the push: how long the next wake-up can still run is counted from here.
    await deps.bulkSaves.saveJob({ ...job, lastRunAt: deps.clock.now() });
    // A failed push throws: the platform runs this event again, which goes on from here too.
    await deps.bulkSaveQueue.wake(id);
    return { outcome: 'continues', saved, left };
  }
  await deps.bulkSaves.saveJob({ ...job, finishedAt: deps.clock.now() });
  return { outcome: 'finished', saved, left: 0 };
}

/** GET /bulk-saves/{id}: where a handed-over request stands. */
export async function readBulkSave(deps: { readonly bulkSaves: BulkSaveStore; readonly clock: Clock }, id: string): Promise<BulkSaveView> {
  const job = await deps.bulkSaves.loadJob(id);
  if (!job) throw new AppError('NOT_FOUND', `There is no bulk save ${id}. Their outcomes are kept for 7 days.`);
  const items = await deps.bulkSaves.loadItems(job);
  const results = new Map<string, BulkProjectResult>();
  const pending: string[] = [];
  for (const item of items) {
    if (item.state === 'done' && item.result) results.set(item.projectKey, item.result);
    else pending.push(item.projectKey);
  }
  return {
    id: job.id,
    status: job.finishedAt !== null ? 'finished' : deps.clock.now() - (job.lastRunAt ?? job.createdAt) > BULK_WAKE_LIFETIME_MS ? 'stopped' : 'running',
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    ...countOf(results.values()),
    pending,
    results: inOrder(job.projectKeys, results),
  };
}
