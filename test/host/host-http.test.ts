import { kvs } from '@forge/kvs';
import { webTrigger } from '@forge/api';
import { startHostServer, type HostServer } from '../../local/server';
import { asApp, startTestHost, type TestHost, queriesCaughtUp } from '../support/host-fixture';

let t: TestHost;
let server: HostServer;

beforeEach(async () => {
  let base = 'http://127.0.0.1';
  t = await startTestHost({ baseUrl: () => base });
  server = await startHostServer(t.host, { port: 0 });
  base = server.baseUrl;
});

afterEach(async () => {
  await server.close();
  await t.stop();
});

describe('offline host over HTTP', () => {
  it('serves web triggers at /x/<module-key>/...: the management API answers 401 without a token', async () => {
    const response = await fetch(`${server.baseUrl}/x/management-api/webhooks`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/Authorization/) } });
  });

  it('a token seeded with --api-token authenticates; the request reaches the management API', async () => {
    const token = 'prw_test-token-0123456789abcdef';
    expect(await t.host.seedApiToken(token, t.accountId('admin'))).toEqual({ created: true });
    expect(await t.host.seedApiToken(token, t.accountId('admin'))).toEqual({ created: false });
    const response = await fetch(`${server.baseUrl}/x/management-api/webhooks`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ webhooks: [] });
  });

  it('an undeclared web trigger is 404', async () => {
    const response = await fetch(`${server.baseUrl}/x/nope`);
    expect(response.status).toBe(404);
  });

  it('webTrigger.getUrl answers the host URL of a declared web trigger', async () => {
    await expect(asApp(() => webTrigger.getUrl('management-api'))).resolves.toBe(`${server.baseUrl}/x/management-api`);
    await expect(asApp(() => webTrigger.getUrl('undeclared'))).rejects.toThrow(/web trigger URL/);
  });

  it('the virtual clock moves Date for the app and fires scheduled triggers that became due', async () => {
    const before = Date.now();
    const nextDue = t.host.scheduler.nextDue('delivery-sweeper');
    expect(nextDue).toBeGreaterThan(before);
    const response = await fetch(`${server.baseUrl}/_host/clock/advance`, { method: 'POST', body: JSON.stringify({ minutes: 6 }) });
    expect(await response.json()).toEqual({ now: expect.any(Number), iso: expect.any(String) });
    expect(Date.now() - before).toBeGreaterThanOrEqual(6 * 60_000);
    expect(t.host.scheduler.nextDue('delivery-sweeper')).toBeGreaterThan(nextDue ?? 0);
  });

  it('the sweeper pushes a change event left pending (a saved change is never lost)', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = view.fields.find((f) => f.name === 'Budget');
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [String(budget?.id)]: 7 } });
    await t.host.settle();
    await queriesCaughtUp();
    // Simulate a push that failed after the save: mark the record pending again.
    const key = await asApp(async () => {
      const page = await kvs.entity<{ pushState: string }>('field-change').query().index('by-project', { partition: [13647] }).getMany();
      const first = page.results[0];
      if (!first) throw new Error('no change record');
      await kvs.entity<{ pushState: string }>('field-change').set(first.key, { ...first.value, pushState: 'pending' });
      return first.key;
    });
    const doneBefore = t.host.queues.counts().done;
    // A young pending record is left to its own save (which may still be pushing it).
    await fetch(`${server.baseUrl}/_host/scheduled/delivery-sweeper/run`, { method: 'POST' });
    expect(t.host.queues.counts().done).toBe(doneBefore);
    await t.host.clock.advance(2 * 60_000);
    const run = await fetch(`${server.baseUrl}/_host/scheduled/delivery-sweeper/run`, { method: 'POST' });
    expect(run.status).toBe(200);
    expect(t.host.queues.counts().done).toBe(doneBefore + 1);
    const after = await asApp(() => kvs.entity<{ pushState: string }>('field-change').get(key));
    expect(after?.pushState).toBe('fanned-out');
  });

  it('product events on demand: a renamed project keeps payload names fresh; a deleted one loses its values', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = view.fields.find((f) => f.name === 'Budget');
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [String(budget?.id)]: 7 } });

    const renamed = t.host.jira.updateProject(13647, { name: 'Demo project (renamed)' });
    const emitted = await fetch(`${server.baseUrl}/_host/events/avi:jira:updated:project`, { method: 'POST', body: JSON.stringify({ project: { id: String(renamed.id), key: renamed.key, name: renamed.name } }) });
    expect(await emitted.json()).toEqual({ eventType: 'avi:jira:updated:project', triggersRun: 1 });
    const stored = await asApp(() => kvs.entity<{ projectName: string }>('project-fields').get('project:13647'));
    expect(stored?.projectName).toBe('Demo project (renamed)');

    await fetch(`${server.baseUrl}/_host/events/avi:jira:deleted:project`, { method: 'POST', body: JSON.stringify({ project: { id: '13647', key: 'DEMO', name: 'x' } }) });
    expect(await asApp(() => kvs.entity('project-fields').get('project:13647'))).toBeUndefined();
  });

  it('the control surface rejects what it does not know', async () => {
    expect((await fetch(`${server.baseUrl}/_host/nothing`)).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/_host/clock/advance`, { method: 'POST', body: '{"ms": -5}' })).status).toBe(400);
  });
});
