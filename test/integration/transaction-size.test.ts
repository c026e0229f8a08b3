import { kvs } from '@forge/kvs';
import type { FieldChangeRecord } from '../../src/domain/records';
import { KVS_WRITE_LIMITS } from '../../src/forge/kvs-limits';
import { createKvsFieldChangeStore } from '../../src/forge/kvs-project-fields-store';
import { ENTITY, storageKeys } from '../../src/forge/storage-keys';
import { TEXTAREA_MAX_LENGTH } from '../../src/shared/field-rules';
import { fidelityFromEnv } from '../../local/platform/fidelity';
import { asApp, startTestHost, type TestHost } from '../support/host-fixture';

/**
 * Forge documents 4 MB per transaction, but a known platform bug caps one at 1 MB today: the host
 * here refuses any transaction or batch over 1 MB (as strict fidelity does), and the app's writes
 * must stay under it by construction, at the largest sizes it allows.
 */

let t: TestHost;
beforeEach(async () => {
  t = await startTestHost({ fidelity: { mode: fidelityFromEnv(), kvsWriteRequestMaxBytes: KVS_WRITE_LIMITS.maxRequestBytes } });
});
afterEach(async () => {
  await t.stop();
});

/** Three UTF-8 bytes a character: the most bytes a text of `length` characters can take. */
const widest = (length: number, mark: string) => `${mark}${'€'.repeat(length - mark.length)}`;

describe('transactions under 1 MB', () => {
  it('the host refuses a transaction over the cap, and nothing of it is written', async () => {
    const big = 'x'.repeat(200 * 1024);
    const error = await asApp(() => {
      let tx = kvs.transact();
      for (let i = 0; i < 5; i++) tx = tx.set(`big:${i}`, big);
      return tx.execute();
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ responseDetails: { status: 413 }, code: 'REQUEST_TOO_LARGE' });
    expect(await asApp(() => kvs.get('big:0'))).toBeUndefined();
  });

  it('a save at the largest body the rules allow goes through, and so does its fan-out', async () => {
    const notes = await t.invokeOk('admin', 'createField', { name: 'Notes', type: 'textarea' });
    const more = await t.invokeOk('admin', 'createField', { name: 'More notes', type: 'textarea' });
    const extra = await t.invokeOk('admin', 'createField', { name: 'Extra notes', type: 'textarea' });
    // Two full text areas of 3-byte characters: about 197 KB of record, just under the 200 KiB a save may write.
    const values = { [notes.id]: widest(TEXTAREA_MAX_LENGTH, 'a'), [more.id]: widest(TEXTAREA_MAX_LENGTH, 'b') };
    const saved = await t.invoke('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values });
    expect(saved).toMatchObject({ ok: true });
    // A few KB more and the save says so (nothing stored), rather than writing a record Forge may refuse.
    const tooBig = await t.invoke('admin', 'saveProjectFields', { projectKey: 'OPS', baseRevision: 0, values: { ...values, [extra.id]: widest(3_000, 'c') } });
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    await t.host.settle();
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(view.values[String(notes.id)]).toBe(values[notes.id]);
  });

  it('marking many large changes fanned out splits the writes by bytes, not only by 25', async () => {
    const value = widest(TEXTAREA_MAX_LENGTH, 'v');
    const changes: FieldChangeRecord[] = Array.from({ length: 8 }, (_, i) => ({
      schemaVersion: 1,
      changeId: `big-${i}`,
      projectId: 10_000,
      revision: i + 1,
      user: t.accountId('admin'),
      timestamp: 1_000 + i,
      project: { id: 10_000, key: 'DEMO', name: 'Demo' },
      // A change carries the value and the one before it: about 200 KB each, 1.6 MB together.
      fields: [{ id: 1, name: 'Notes', type: 'textarea', value: { current: value, previous: value.replace('v', 'w') } }],
      pushState: 'pushed',
    }));
    await asApp(async () => {
      for (const change of changes) await kvs.entity<FieldChangeRecord>(ENTITY.fieldChange).set(storageKeys.fieldChange(change.changeId), change);
    });
    await asApp(() => createKvsFieldChangeStore().markFannedOut(changes));
    const stored = await asApp(() => createKvsFieldChangeStore().loadMany(changes.map((c) => c.changeId)));
    expect(stored.map((c) => c.pushState)).toEqual(changes.map(() => 'fanned-out'));
  });
});
