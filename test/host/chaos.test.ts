import { parseChaosSpec } from '../../local/chaos-spec';
import { changeRecords, startTestHost, type TestHost } from '../support/host-fixture';

let t: TestHost;

afterEach(async () => {
  await t.stop();
});

describe('the save path under queue chaos (duplicates, reordering, failures, time-outs)', () => {
  it.each(['duplicate=0.3,reorder,fail=0.2,timeout=0.1,seed=7', 'duplicate=0.5,reorder,seed=11', 'fail=0.4,timeout=0.3,seed=3'])('%s: every save is consumed, none is lost, records stay consistent', async (spec) => {
    t = await startTestHost({ chaos: parseChaosSpec(spec), log: () => undefined });
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = String(view.fields.find((f) => f.name === 'Budget')?.id);
    let revision = 0;
    for (let i = 1; i <= 12; i += 1) {
      revision = (await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: revision, values: { [budget]: i } })).revision;
      await t.host.settle();
    }
    // Retries back off on the virtual clock: run everything to the end.
    await t.host.queues.drain({ timeoutMs: 30_000 });

    const counts = t.host.queues.counts();
    expect(counts).toMatchObject({ pending: 0, inflight: 0, dead: 0 });
    // Saves whose wake-up was still on its way (retried under chaos) shared it: at most one event per save.
    expect(counts.done).toBeGreaterThanOrEqual(1);
    if (!spec.includes('duplicate')) expect(counts.done).toBeLessThanOrEqual(12);
    expect(t.host.queues.deadLetters()).toEqual([]);
    const records = await changeRecords(13647);
    expect(records.map((r) => r.revision)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(records.every((r) => r.pushState === 'fanned-out')).toBe(true);
    expect(records.map((r) => r.fields[0]?.value.current)).toEqual(Array.from({ length: 12 }, (_, i) => `${i + 1}.000`));
  });
});
