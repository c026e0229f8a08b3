import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from '@forge/events';
import * as app from '../../src/index';
import { createForgeHost } from '../../local/host';
import { asApp, changeRecords } from '../support/host-fixture';
import { DEMO_USERS } from '../../local/platform/jira-site';
import type { ResolverResult } from '../../src/shared/resolver-contract';

async function changeStates(): Promise<string[]> {
  return (await changeRecords(13647)).map((c) => c.pushState);
}

function projectPageCall(host: ReturnType<typeof createForgeHost>, functionKey: string, payload: unknown) {
  const projectPage = host.manifest.uiModules.find((m) => m.moduleType === 'jira:projectPage');
  return host.runtime.invokeResolver({ moduleKey: projectPage?.key ?? '', functionKey, payload, accountId: DEMO_USERS.admin.accountId, extensionContext: {} }) as Promise<ResolverResult<{ revision: number; fields: { id: number; name: string }[] }>>;
}

describe('a saved change is never lost', () => {
  it('when the push fails (queue rate limit), the save still succeeds and the sweeper pushes the change later', async () => {
    const host = createForgeHost({ databaseFile: ':memory:', app, log: () => undefined });
    host.queues.start();
    try {
      await host.runtime.emitProductEvent('avi:forge:installed:app', {});
      // Use up the installation's queue rate (about 500 events a minute) with junk messages.
      const queue = new Queue({ key: 'field-changes' });
      await asApp(async () => {
        for (let i = 0; i < 10; i += 1) await queue.push(Array.from({ length: 50 }, () => ({ body: { schemaVersion: 1, changeId: 'junk' } })));
      });
      await expect(asApp(() => queue.push([{ body: { schemaVersion: 1, changeId: 'junk' } }]))).rejects.toThrow();

      const view = await projectPageCall(host, 'getProjectFields', { projectKey: 'DEMO' });
      if (!view.ok) throw new Error(view.error.message);
      const budget = view.value.fields.find((f) => f.name === 'Budget');
      const saved = await projectPageCall(host, 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [String(budget?.id)]: 42 } });
      expect(saved).toEqual({ ok: true, value: { revision: 1, changedFieldIds: [budget?.id] } });
      expect(await changeStates()).toEqual(['pending']);

      // Five minutes later the rate window has passed and the scheduled sweeper runs.
      await host.advanceClock(5 * 60_000 + 1000);
      await host.settle();
      expect(await changeStates()).toEqual(['fanned-out']);
    } finally {
      await host.stop();
    }
  });

  it('state, queued events and the virtual clock survive a restart of the host', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'forge-host-')), 'host.sqlite');
    const first = createForgeHost({ databaseFile: file, app, log: () => undefined });
    await first.runtime.emitProductEvent('avi:forge:installed:app', {});
    await first.clock.advance(3_600_000);
    const offset = first.clock.offsetMs();
    // The dispatcher never started: the pushed event is only in the database when the host stops.
    const view = await projectPageCall(first, 'getProjectFields', { projectKey: 'DEMO' });
    if (!view.ok) throw new Error(view.error.message);
    const budget = view.value.fields.find((f) => f.name === 'Budget');
    await projectPageCall(first, 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [String(budget?.id)]: 9 } });
    expect(first.queues.counts()).toMatchObject({ pending: 1, done: 0 });
    await first.stop();

    const second = createForgeHost({ databaseFile: file, app, log: () => undefined });
    try {
      expect(second.clock.offsetMs()).toBeGreaterThanOrEqual(offset);
      second.queues.start();
      await second.settle();
      expect(second.queues.counts()).toMatchObject({ pending: 0, done: 1 });
      const after = await projectPageCall(second, 'getProjectFields', { projectKey: 'DEMO' });
      expect(after.ok && after.value.revision).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
