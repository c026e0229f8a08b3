import { kvs } from '@forge/kvs';
import { deleteField } from '../../src/app/field-catalog';
import { RESCAN_AFTER_START_MS, runFieldCleanup, STALLED_AFTER_MS, wakeStalledCleanups, type CleanupRunReport } from '../../src/app/field-cleanup';
import type { FieldCleanupQueue } from '../../src/app/ports';
import type { FieldCleanupRecord } from '../../src/domain/field-cleanup-record';
import type { ProjectFieldsRecord } from '../../src/domain/records';
import { fieldCleanupDeps } from '../../src/forge/composition';
import { createKvsFieldCleanupStore } from '../../src/forge/kvs-field-cleanup-store';
import { createKvsProjectFieldsStore } from '../../src/forge/kvs-project-fields-store';
import { ENTITY, storageKeys } from '../../src/forge/storage-keys';
import { asApp, startTestHost, type TestHost } from '../support/host-fixture';

/**
 * The cleanup of a deleted field, one invocation at a time: the use case runs against the real
 * KVS of the offline host with a small page size, and its wake-ups are kept here instead of
 * going to the queue, so each invocation is one step of the test.
 */

let t: TestHost;

beforeEach(async () => {
  t = await startTestHost();
});

afterEach(async () => {
  await t.stop();
});

const PROJECTS = 23;
const PAGE_SIZE = 5;

interface Wake {
  readonly fieldId: number;
  readonly delaySeconds: number;
}

/** `refuse`: answers as a push from an invocation chain Forge has cut (`InvocationLimitReachedError`). */
function recordingQueue(options: { refuse?: boolean } = {}): FieldCleanupQueue & { readonly wakes: Wake[] } {
  const wakes: Wake[] = [];
  return {
    wakes,
    wake: async (fieldId, delaySeconds) => {
      if (options.refuse) return { kind: 'refused', reason: 'chain-cut' };
      wakes.push({ fieldId, delaySeconds });
      return { kind: 'pushed' };
    },
  };
}

const deps = (queue: FieldCleanupQueue) => ({ ...fieldCleanupDeps(), cleanupQueue: queue, pageSize: PAGE_SIZE, pagesPerRun: 1 });

/**
 * Projects as a large site has them, written straight to storage (the Jira stand-in has three).
 * `sameUpdatedAt`: all saved in the same millisecond (more than a page shares one position).
 */
async function seedProjects(fieldId: number, otherFieldId: number, options: { sameUpdatedAt?: boolean } = {}): Promise<number[]> {
  const ids = Array.from({ length: PROJECTS }, (_, i) => 5001 + i);
  await asApp(async () => {
    for (const [i, projectId] of ids.entries()) {
      const record: ProjectFieldsRecord = {
        schemaVersion: 1,
        projectId,
        projectKey: `P${projectId}`,
        projectName: `Project ${projectId}`,
        revision: 1,
        values: { [String(fieldId)]: `risk ${i}`, [String(otherFieldId)]: `summary ${i}` },
        updatedAt: options.sameUpdatedAt ? 1_000 : 1_000 + i,
        updatedBy: t.accountId('admin'),
      };
      await kvs.entity<ProjectFieldsRecord>(ENTITY.projectFields).set(storageKeys.projectFields(projectId), record);
    }
  });
  return ids;
}

const stored = (projectId: number) => asApp(() => createKvsProjectFieldsStore().load(projectId));
const job = (fieldId: number) => asApp(() => createKvsFieldCleanupStore().load(fieldId));

describe('field cleanup (queue consumer, by pages)', () => {
  it('resumes across invocations page by page, looks again after the index lag, and never undoes a concurrent save', async () => {
    const risk = await t.invokeOk('admin', 'createField', { name: 'Risk', type: 'text' });
    const { fields } = await t.invokeOk('admin', 'listFieldDefinitions');
    const summary = fields.find((f) => f.name === 'Summary');
    const status = fields.find((f) => f.name === 'Status');
    if (!summary || !status?.options?.[0] || !status.options[1]) throw new Error('no Summary or Status');
    const ids = await seedProjects(risk.id, summary.id);
    // DEMO saved through the app: the newest record, last in the index.
    const demo = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [risk.id]: 'demo risk', [status.id]: status.options[0].id } });
    await t.host.advanceClock(2_000); // past the index lag (strict), so the count sees every project

    const queue = recordingQueue();
    expect(await asApp(() => deleteField(deps(queue), risk.id))).toEqual({ id: risk.id, projectsWithValues: PROJECTS + 1 });
    expect(queue.wakes).toEqual([{ fieldId: risk.id, delaySeconds: 0 }]);

    const reports: CleanupRunReport['outcome'][] = [];
    const progress: FieldCleanupRecord[] = [];
    const run = async () => {
      const wake = queue.wakes.shift();
      if (!wake) throw new Error('the cleanup stopped without finishing or waking itself');
      if (wake.delaySeconds > 0) await t.host.advanceClock(wake.delaySeconds * 1000);
      const report = await asApp(() => runFieldCleanup(deps(queue), wake.fieldId));
      reports.push(report.outcome);
      const record = await job(risk.id);
      if (record) progress.push(record);
      return report;
    };

    expect(await run()).toEqual({ outcome: 'continues', pages: 1, cleaned: PAGE_SIZE });
    // Progress is a position in the data (the last project's updatedAt), never a query cursor.
    expect(progress[0]).toMatchObject({ pass: 1, projectsCleaned: PAGE_SIZE, doneThroughUpdatedAt: 1_000 + PAGE_SIZE - 1 });
    expect(progress[0]).not.toHaveProperty('cursor');
    expect((await stored(ids[0] ?? 0))?.values).toEqual({ [summary.id]: 'summary 0' });
    expect((await stored(ids[PROJECTS - 1] ?? 0))?.values[String(risk.id)]).toBe(`risk ${PROJECTS - 1}`);

    // A user saves DEMO between two invocations: the save stands (the cleanup re-reads by key
    // and writes conditionally, whatever the lagging index still says about DEMO).
    const saved = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: demo.revision, values: { [status.id]: status.options[1].id } });

    while (queue.wakes.length > 0) await run();

    // Pass 1 over 24 projects in pages of 5, then pass 2 after the lag, page by page again.
    expect(reports).toEqual(['continues', 'continues', 'continues', 'continues', 'rescan-scheduled', 'continues', 'continues', 'continues', 'continues', 'finished']);
    const cleaned = progress.map((p) => p.projectsCleaned);
    expect(cleaned).toEqual([...cleaned].sort((a, b) => a - b));
    const final = await job(risk.id);
    // DEMO's own save dropped its Risk value (a deleted field is not carried on), so 23 were cleaned here.
    expect(final).toMatchObject({ projectsWithValues: PROJECTS + 1, projectsCleaned: PROJECTS, finishedAt: expect.any(Number) });
    expect(final?.doneThroughUpdatedAt).toBeUndefined();
    expect((final?.finishedAt ?? 0) - (final?.startedAt ?? 0)).toBeGreaterThanOrEqual(RESCAN_AFTER_START_MS);

    for (const [i, projectId] of ids.entries()) expect((await stored(projectId))?.values).toEqual({ [summary.id]: `summary ${i}` });
    const demoView = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(demoView.revision).toBe(saved.revision);
    expect((await stored(demoView.project.id))?.values).toEqual({ [status.id]: status.options[1].id });

    // A late duplicate wake-up of a finished cleanup changes nothing.
    expect(await asApp(() => runFieldCleanup(deps(queue), risk.id))).toEqual({ outcome: 'finished-already' });
    expect(queue.wakes).toEqual([]);
  });

  it('an early wake-up of the second pass waits for its time instead of finishing on a lagging index', async () => {
    const risk = await t.invokeOk('admin', 'createField', { name: 'Risk', type: 'text' });
    const queue = recordingQueue();
    await asApp(() => deleteField(deps(queue), risk.id));
    expect(await asApp(() => runFieldCleanup(deps(queue), risk.id))).toMatchObject({ outcome: 'rescan-scheduled' });
    const rescan = queue.wakes.at(-1);
    expect(rescan?.delaySeconds).toBeGreaterThan(0);

    const early = await asApp(() => runFieldCleanup(deps(queue), risk.id));
    expect(early).toEqual({ outcome: 'waiting', delaySeconds: expect.any(Number) });
    expect((await job(risk.id))?.finishedAt).toBeUndefined();
  });

  it('never removes values of a field that exists: a cleanup recorded for it is dropped', async () => {
    const { fields } = await t.invokeOk('admin', 'listFieldDefinitions');
    const summary = fields.find((f) => f.name === 'Summary');
    if (!summary) throw new Error('no Summary');
    const saved = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [summary.id]: 'kept' } });
    const now = Date.now();
    await asApp(() =>
      createKvsFieldCleanupStore().create({ schemaVersion: 1, fieldId: summary.id, fieldName: summary.name, version: 1, projectsWithValues: 1, projectsCleaned: 0, pass: 1, startedAt: now, updatedAt: now }),
    );
    expect(await asApp(() => runFieldCleanup(deps(recordingQueue()), summary.id))).toEqual({ outcome: 'field-exists' });
    expect(await job(summary.id)).toBeUndefined();
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(view.revision).toBe(saved.revision);
    expect(view.values[String(summary.id)]).toBe('kept');
  });

  it('resumes from its recorded position, not a cursor: a record of the older shape (with a cursor) starts its pass again, and more projects than a page sharing one updatedAt are all cleaned', async () => {
    const risk = await t.invokeOk('admin', 'createField', { name: 'Risk', type: 'text' });
    const { fields } = await t.invokeOk('admin', 'listFieldDefinitions');
    const summary = fields.find((f) => f.name === 'Summary');
    if (!summary) throw new Error('no Summary');
    const ids = await seedProjects(risk.id, summary.id, { sameUpdatedAt: true });
    await t.host.advanceClock(2_000);
    const queue = recordingQueue();
    await asApp(() => deleteField(deps(queue), risk.id));
    // A record as an older version wrote it, with a query cursor that no longer means anything.
    await asApp(async () => {
      const old = await createKvsFieldCleanupStore().load(risk.id);
      await kvs.entity<Record<string, unknown>>(ENTITY.fieldCleanup).set(storageKeys.fieldCleanup(risk.id), { ...old, cursor: 'eyJleHBpcmVkIjp0cnVlfQ' });
    });

    // pages of 5, but all 23 projects share one updatedAt: the first run reads on within itself.
    const first = await asApp(() => runFieldCleanup(deps(queue), risk.id));
    expect(first).toEqual({ outcome: 'rescan-scheduled', pages: 1, cleaned: PROJECTS });
    for (const [i, projectId] of ids.entries()) expect((await stored(projectId))?.values).toEqual({ [summary.id]: `summary ${i}` });
    expect(await job(risk.id)).not.toHaveProperty('cursor');
  });

  it('a wake-up refused by a chain cut leaves the job to the sweeper, which wakes it once it has stalled', async () => {
    const risk = await t.invokeOk('admin', 'createField', { name: 'Risk', type: 'text' });
    const { fields } = await t.invokeOk('admin', 'listFieldDefinitions');
    const summary = fields.find((f) => f.name === 'Summary');
    if (!summary) throw new Error('no Summary');
    await seedProjects(risk.id, summary.id);
    await t.host.advanceClock(2_000);
    await asApp(() => deleteField(deps(recordingQueue()), risk.id));

    const cut = recordingQueue({ refuse: true });
    expect(await asApp(() => runFieldCleanup(deps(cut), risk.id))).toEqual({ outcome: 'left-to-sweeper', pages: 1, cleaned: PAGE_SIZE });
    expect(await job(risk.id)).toMatchObject({ projectsCleaned: PAGE_SIZE, doneThroughUpdatedAt: 1_000 + PAGE_SIZE - 1 });

    expect(await asApp(() => wakeStalledCleanups(deps(recordingQueue())))).toBe(0); // not stalled yet: its run may still be going
    // The app's own sweeper (scheduled every 5 minutes, a chain of its own) wakes it once it has
    // stalled, and the woken consumer goes on from the recorded position to the end.
    await t.host.advanceClock(STALLED_AFTER_MS + 5 * 60_000);
    await t.host.settle();
    await t.host.advanceClock(RESCAN_AFTER_START_MS);
    await t.host.settle();
    expect(await job(risk.id)).toMatchObject({ projectsCleaned: PROJECTS, finishedAt: expect.any(Number) });
  });
});
