import { ConcurrentWriteError, type ProjectSave } from '../../src/app/ports';
import type { ProjectFieldsRecord } from '../../src/domain/records';
import { createKvsProjectFieldsStore } from '../../src/forge/kvs-project-fields-store';
import { asApp, startTestHost, type TestHost } from '../support/host-fixture';

/** The saves of a bulk request written together (`saveManyWithChanges`), against the host's real KVS. */
let t: TestHost;
beforeEach(async () => {
  t = await startTestHost({ seedCatalog: false });
});
afterEach(async () => {
  await t.stop();
});

let serial = 0;
function aSave(projectId: number, expectedRevision: number, budget: number): ProjectSave {
  serial += 1;
  const changeId = `change-${projectId}-${serial}`;
  const next: ProjectFieldsRecord = {
    schemaVersion: 1,
    projectId,
    projectKey: `P${projectId}`,
    projectName: `Project ${projectId}`,
    revision: expectedRevision + 1,
    values: { '10004': budget },
    updatedAt: 1_000 + serial,
    updatedBy: 'someone',
    lastChangeId: changeId,
  };
  return {
    next,
    expectedRevision,
    change: {
      schemaVersion: 1,
      changeId,
      projectId,
      revision: expectedRevision + 1,
      user: 'someone',
      timestamp: 1_000 + serial,
      project: { id: projectId, key: `P${projectId}`, name: `Project ${projectId}` },
      fields: [{ id: 10004, name: 'Budget', type: 'number', value: { current: String(budget), previous: null } }],
      pushState: 'pushed',
    },
  };
}

describe('saves written together', () => {
  it('all land in one transaction when every revision is as read', async () => {
    const store = createKvsProjectFieldsStore();
    const outcomes = await asApp(() => store.saveManyWithChanges([aSave(1, 0, 1), aSave(2, 0, 2), aSave(3, 0, 3)]));
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const stored = await asApp(() => Promise.all([1, 2, 3].map((id) => store.load(id))));
    expect(stored.map((r) => [r?.revision, r?.values['10004']])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
  });

  it('one stale save fails alone with a conflict; the others are saved', async () => {
    const store = createKvsProjectFieldsStore();
    await asApp(() => store.saveWithChange(aSave(2, 0, 20).next, aSave(2, 0, 20).change, 0));
    // Project 2 is at revision 1 now: a save based on revision 0 is stale.
    const outcomes = await asApp(() => store.saveManyWithChanges([aSave(1, 0, 1), aSave(2, 0, 2), aSave(3, 0, 3)]));
    expect(outcomes[0]).toEqual({ ok: true });
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.any(ConcurrentWriteError) });
    expect(outcomes[2]).toEqual({ ok: true });
    const stored = await asApp(() => Promise.all([1, 2, 3].map((id) => store.load(id))));
    expect(stored.map((r) => r?.values['10004'])).toEqual([1, 20, 3]);
  });

  it('more saves than one transaction holds go in several, each save told its own outcome', async () => {
    const store = createKvsProjectFieldsStore();
    const saves = Array.from({ length: 30 }, (_, i) => aSave(100 + i, 0, i));
    const outcomes = await asApp(() => store.saveManyWithChanges(saves));
    expect(outcomes).toHaveLength(30);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect((await asApp(() => store.load(129)))?.values['10004']).toBe(29);
  });
});
