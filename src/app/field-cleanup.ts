import { z } from 'zod';
import { ConcurrentWriteError, type Clock, type FieldCatalogStore, type ProjectFieldsStore } from './ports';

/**
 * Removing a deleted field's values from every project, off the resolver path. The resolver
 * deletes the definition and records a job; the `field-cleanup` consumer works through the
 * projects page by page and records its progress after every page, so a run stopped anywhere
 * (timeout, retry, duplicate event) resumes from the last page it recorded.
 *
 * Correctness never waits for this: values of a field that no longer exists are ignored on read
 * (`currentValues` in project-fields.ts). The cleanup frees the storage and keeps exports tidy.
 */

const epochMs = z.number().int().nonnegative();
const fieldId = z.number().int().positive();

/** The progress record of one field's cleanup (one per field: field ids are never reused). */
export const fieldCleanupRecordSchema = z.object({
  schemaVersion: z.literal(1),
  fieldId,
  fieldName: z.string(),
  /** +1 on every write; progress is written conditionally on it, so two runs never interleave pages. */
  version: z.number().int().positive(),
  /** Projects holding a value when the delete was confirmed (an index count). */
  projectsWithValues: z.number().int().nonnegative(),
  /** Projects whose value this cleanup removed so far. */
  projectsCleaned: z.number().int().nonnegative(),
  /** 1: the first pass over every project; 2: the pass again after the index lag (see RESCAN). */
  pass: z.union([z.literal(1), z.literal(2)]),
  /** Where the current pass goes on (a KVS query cursor); absent at the start of a pass. */
  cursor: z.string().min(1).optional(),
  /** The second pass does not start before this time. */
  rescanAt: epochMs.optional(),
  startedAt: epochMs,
  updatedAt: epochMs,
  finishedAt: epochMs.optional(),
});
export type FieldCleanupRecord = z.infer<typeof fieldCleanupRecordSchema>;

/** Queue `field-cleanup`: a wake-up of one field's cleanup; the record holds the work. */
export const fieldCleanupMessageSchema = z.object({ schemaVersion: z.literal(1), fieldId });
export type FieldCleanupMessage = z.infer<typeof fieldCleanupMessageSchema>;

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
  wake(fieldId: number, delaySeconds: number): Promise<void>;
}

export interface FieldCleanupDeps {
  readonly catalog: FieldCatalogStore;
  readonly projects: ProjectFieldsStore;
  readonly cleanups: FieldCleanupStore;
  readonly cleanupQueue: FieldCleanupQueue;
  readonly clock: Clock;
  /** Projects per page (KVS query pages hold at most 100). */
  readonly pageSize: number;
  /** Pages one invocation works through before it hands on to a fresh one. */
  readonly pagesPerRun: number;
  /** Stop starting pages after this long in one invocation (well inside the consumer's timeout). */
  readonly runBudgetMs: number;
}

/**
 * Index queries lag writes, so one pass that reached the end proves nothing about projects saved
 * a moment before it. The second pass starts at least RESCAN_AFTER_END_MS after the first one
 * ended, and at least RESCAN_AFTER_START_MS after the delete: a save that read the catalog before
 * the delete (a web trigger runs up to 55 s) has committed by then and shows in the index.
 */
export const RESCAN_AFTER_END_MS = 5_000;
export const RESCAN_AFTER_START_MS = 65_000;
/** An unfinished cleanup without progress for this long lost its wake-up chain; listing it wakes it. */
export const STALLED_AFTER_MS = 20 * 60_000;
/** Finished cleanups show on the fields page for a while (their records expire, see the store). */
export const RECENT_CLEANUPS_LIMIT = 20;

export type CleanupRunReport =
  | { readonly outcome: 'no-job' | 'finished-already' | 'field-exists' | 'superseded' }
  | { readonly outcome: 'waiting'; readonly delaySeconds: number }
  | { readonly outcome: 'continues' | 'rescan-scheduled' | 'finished'; readonly pages: number; readonly cleaned: number };

/** Only the id of a stored definition matters here (the catalog parses the rest where it is used). */
const definitionId = z.object({ id: z.number() });

async function fieldExists(catalog: FieldCatalogStore, fieldId: number): Promise<boolean> {
  return ((await catalog.load())?.fields ?? []).some((f) => definitionId.safeParse(f).data?.id === fieldId);
}

const delaySecondsUntil = (at: number, now: number) => Math.min(900, Math.max(1, Math.ceil((at - now) / 1000)));

/**
 * Records the cleanup of a field that is about to be deleted (before the definition goes, so a
 * failure between the two never leaves values without a job). An unfinished job of the same field
 * (an earlier attempt whose catalog write failed) is kept as it is.
 */
export async function startFieldCleanup(deps: Pick<FieldCleanupDeps, 'cleanups' | 'clock'>, field: { id: number; name: string }, projectsWithValues: number): Promise<FieldCleanupRecord> {
  const now = deps.clock.now();
  return deps.cleanups.create({
    schemaVersion: 1,
    fieldId: field.id,
    fieldName: field.name,
    version: 1,
    projectsWithValues,
    projectsCleaned: 0,
    pass: 1,
    startedAt: now,
    updatedAt: now,
  });
}

/**
 * One invocation of a field's cleanup: works through pages of projects within its budget,
 * recording progress after each page, then wakes the next invocation (at once to go on, delayed
 * for the second pass) or marks the job finished.
 */
export async function runFieldCleanup(deps: FieldCleanupDeps, fieldId: number): Promise<CleanupRunReport> {
  const started = deps.clock.now();
  let job = await deps.cleanups.load(fieldId);
  if (!job) return { outcome: 'no-job' };
  if (job.finishedAt !== undefined) return { outcome: 'finished-already' };

  // Never remove values of a field that exists: the delete that recorded this job did not happen.
  if (await fieldExists(deps.catalog, fieldId)) {
    await deps.cleanups.delete(fieldId);
    return { outcome: 'field-exists' };
  }

  // A duplicate or early wake-up of the second pass: wait for its time.
  if (job.pass === 2 && job.cursor === undefined && job.rescanAt !== undefined && job.rescanAt > started) {
    const delaySeconds = delaySecondsUntil(job.rescanAt, started);
    await deps.cleanupQueue.wake(fieldId, delaySeconds);
    return { outcome: 'waiting', delaySeconds };
  }

  let pages = 0;
  let cleaned = 0;
  for (;;) {
    const page = await deps.projects.removeFieldValuesPage(fieldId, job.cursor, deps.pageSize);
    pages += 1;
    cleaned += page.cleaned;
    const now = deps.clock.now();
    const base = { ...job, version: job.version + 1, projectsCleaned: job.projectsCleaned + page.cleaned, updatedAt: now };
    let next: FieldCleanupRecord;
    if (page.nextCursor !== undefined) next = { ...base, cursor: page.nextCursor };
    else if (job.pass === 1) next = withoutCursor({ ...base, pass: 2, rescanAt: Math.max(now + RESCAN_AFTER_END_MS, job.startedAt + RESCAN_AFTER_START_MS) });
    else next = withoutCursor({ ...base, finishedAt: now });

    try {
      await deps.cleanups.save(next);
    } catch (error) {
      if (!(error instanceof ConcurrentWriteError)) throw error;
      // Another run of this job (a duplicate event) recorded this page first; it carries on.
      // What this run removed still counts.
      await addCleaned(deps.cleanups, fieldId, page.cleaned);
      return { outcome: 'superseded' };
    }
    job = next;

    if (job.finishedAt !== undefined) return { outcome: 'finished', pages, cleaned };
    if (job.pass === 2 && job.cursor === undefined && job.rescanAt !== undefined) {
      await deps.cleanupQueue.wake(fieldId, delaySecondsUntil(job.rescanAt, now));
      return { outcome: 'rescan-scheduled', pages, cleaned };
    }
    if (pages >= deps.pagesPerRun || now - started >= deps.runBudgetMs) {
      await deps.cleanupQueue.wake(fieldId, 0);
      return { outcome: 'continues', pages, cleaned };
    }
  }
}

function withoutCursor(record: FieldCleanupRecord): FieldCleanupRecord {
  const { cursor: _done, ...rest } = record;
  return rest;
}

async function addCleaned(cleanups: FieldCleanupStore, fieldId: number, count: number): Promise<void> {
  if (count === 0) return;
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const current = await cleanups.load(fieldId);
    if (!current) return;
    try {
      await cleanups.save({ ...current, version: current.version + 1, projectsCleaned: current.projectsCleaned + count });
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentWriteError)) throw error;
    }
  }
}

/**
 * The cleanups the fields page shows: running ones and those finished lately. A running cleanup
 * without progress for STALLED_AFTER_MS lost its chain of wake-ups (a failed push): it is woken
 * again here (wake-ups are harmless when they come twice). A job of a field that still exists
 * (its delete failed after the job was recorded) is not shown; its first run drops it.
 */
export async function listFieldCleanups(deps: Pick<FieldCleanupDeps, 'catalog' | 'cleanups' | 'cleanupQueue' | 'clock'>): Promise<FieldCleanupRecord[]> {
  const now = deps.clock.now();
  const [recent, catalog] = await Promise.all([deps.cleanups.listRecent(RECENT_CLEANUPS_LIMIT), deps.catalog.load()]);
  const live = new Set((catalog?.fields ?? []).map((f) => definitionId.safeParse(f).data?.id));
  const deleted = recent.filter((job) => !live.has(job.fieldId));
  for (const job of deleted) {
    if (job.finishedAt === undefined && now - job.updatedAt >= STALLED_AFTER_MS) await deps.cleanupQueue.wake(job.fieldId, 0);
  }
  return deleted;
}
