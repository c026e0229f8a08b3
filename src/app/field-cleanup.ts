import { z } from 'zod';
import type { FieldCleanupRecord } from '../domain/field-cleanup-record';
import { ConcurrentWriteError, type Clock, type FieldCatalogStore, type FieldCleanupQueue, type FieldCleanupStore, type ProjectFieldsStore } from './ports';

/**
 * Removing a deleted field's values from every project, off the resolver path. The resolver
 * deletes the definition and records a job; the `field-cleanup` consumer works through the
 * projects page by page and records its position after every page (the `updatedAt` of the last
 * project done, not a query cursor), so a run stopped anywhere (timeout, retry, duplicate event,
 * a push chain cut) resumes from the state it recorded.
 *
 * Correctness never waits for this: values of a field that no longer exists are ignored on read
 * (`currentValues` in project-fields.ts). The cleanup frees the storage and keeps exports tidy.
 */

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
  /** The wake-up of the next run was refused (push chain cut): the sweeper wakes the job (`wakeStalledCleanups`). */
  | { readonly outcome: 'left-to-sweeper'; readonly pages: number; readonly cleaned: number }
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
  if (job.pass === 2 && job.doneThroughUpdatedAt === undefined && job.rescanAt !== undefined && job.rescanAt > started) {
    const delaySeconds = delaySecondsUntil(job.rescanAt, started);
    if ((await deps.cleanupQueue.wake(fieldId, delaySeconds)).kind === 'refused') return { outcome: 'left-to-sweeper', pages: 0, cleaned: 0 };
    return { outcome: 'waiting', delaySeconds };
  }

  let pages = 0;
  let cleaned = 0;
  for (;;) {
    const page = await deps.projects.removeFieldValuesPage(fieldId, job.doneThroughUpdatedAt, deps.pageSize);
    pages += 1;
    cleaned += page.cleaned;
    const now = deps.clock.now();
    const base = { ...job, version: job.version + 1, projectsCleaned: job.projectsCleaned + page.cleaned, updatedAt: now };
    let next: FieldCleanupRecord;
    if (!page.end) next = page.doneThrough === undefined ? base : { ...base, doneThroughUpdatedAt: page.doneThrough };
    else if (job.pass === 1) next = atPassStart({ ...base, pass: 2, rescanAt: Math.max(now + RESCAN_AFTER_END_MS, job.startedAt + RESCAN_AFTER_START_MS) });
    else next = atPassStart({ ...base, finishedAt: now });

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
    if (job.pass === 2 && job.doneThroughUpdatedAt === undefined && job.rescanAt !== undefined) {
      if ((await deps.cleanupQueue.wake(fieldId, delaySecondsUntil(job.rescanAt, now))).kind === 'refused') return { outcome: 'left-to-sweeper', pages, cleaned };
      return { outcome: 'rescan-scheduled', pages, cleaned };
    }
    if (pages >= deps.pagesPerRun || now - started >= deps.runBudgetMs) {
      if ((await deps.cleanupQueue.wake(fieldId, 0)).kind === 'refused') return { outcome: 'left-to-sweeper', pages, cleaned };
      return { outcome: 'continues', pages, cleaned };
    }
  }
}

function atPassStart(record: FieldCleanupRecord): FieldCleanupRecord {
  const { doneThroughUpdatedAt: _done, ...rest } = record;
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

/** Unfinished cleanups whose chain of wake-ups stopped (a refused push, a consumer that gave up) get a new one. */
async function wakeStalled(deps: Pick<FieldCleanupDeps, 'cleanupQueue' | 'clock'>, jobs: readonly FieldCleanupRecord[]): Promise<number> {
  const now = deps.clock.now();
  let woken = 0;
  for (const job of jobs) {
    if (job.finishedAt !== undefined || now - job.updatedAt < STALLED_AFTER_MS) continue;
    if ((await deps.cleanupQueue.wake(job.fieldId, 0)).kind === 'pushed') woken += 1;
  }
  return woken;
}

/**
 * The sweeper's part (every 5 minutes, a chain of its own): a cleanup without progress for
 * STALLED_AFTER_MS lost its chain of wake-ups and is woken again (wake-ups are harmless twice).
 */
export async function wakeStalledCleanups(deps: Pick<FieldCleanupDeps, 'cleanups' | 'cleanupQueue' | 'clock'>): Promise<number> {
  return wakeStalled(deps, await deps.cleanups.listRecent(RECENT_CLEANUPS_LIMIT));
}

/**
 * The cleanups the fields page shows: running ones and those finished lately; a stalled one is
 * woken here too. A job of a field that still exists (its delete failed after the job was
 * recorded) is not shown; its first run drops it.
 */
export async function listFieldCleanups(deps: Pick<FieldCleanupDeps, 'catalog' | 'cleanups' | 'cleanupQueue' | 'clock'>): Promise<FieldCleanupRecord[]> {
  const [recent, catalog] = await Promise.all([deps.cleanups.listRecent(RECENT_CLEANUPS_LIMIT), deps.catalog.load()]);
  const live = new Set((catalog?.fields ?? []).map((f) => definitionId.safeParse(f).data?.id));
  const deleted = recent.filter((job) => !live.has(job.fieldId));
  await wakeStalled(deps, deleted);
  return deleted;
}
