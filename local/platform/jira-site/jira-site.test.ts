import { asApp, asUser, route } from '@forge/api';
import { installForgeSeam } from '../forge-seam';
import { runInInvocation } from '../invocation-context';
import { createJiraSite } from './jira-site';
import { DEMO_USERS } from './demo-site';

const site = createJiraSite();
installForgeSeam([site.service]);

type Who = keyof typeof DEMO_USERS;
const as = <T>(who: Who | 'nobody', fn: () => Promise<T>) =>
  runInInvocation({ moduleKey: 'test', moduleType: 'test', functionKey: 'test', timeoutMs: 10_000, ...(who === 'nobody' ? {} : { accountId: DEMO_USERS[who].accountId }) }, fn);

async function json(response: { status: number; json(): Promise<unknown> }) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Jira stand-in through the real @forge/api', () => {
  it.each([
    ['admin', true],
    ['projectAdmin', false],
    ['viewer', false],
  ] as const)('mypermissions ADMINISTER for %s is %s', async (who, expected) => {
    const { body } = await as(who, async () => json(await asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`)));
    expect((body.permissions as Record<string, { havePermission: boolean }>).ADMINISTER?.havePermission).toBe(expected);
  });

  it.each([
    ['admin', 'DEMO', ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS']],
    ['projectAdmin', 'DEMO', ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS']],
    ['projectAdmin', 'OPS', ['BROWSE_PROJECTS']],
    ['viewer', 'DEMO', ['BROWSE_PROJECTS']],
    ['viewer', 'HR', []],
    ['teammate', 'OPS', []],
  ] as const)('permissions/check: %s on %s is granted %j', async (who, key, granted) => {
    const project = site.projects().find((p) => p.key === key);
    const { status, body } = await as(who, async () =>
      json(
        await asUser().requestJira(route`/rest/api/3/permissions/check`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ projectPermissions: [{ permissions: ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'], projects: [project?.id] }] }),
        }),
      ),
    );
    expect(status).toBe(200);
    const got = (body.projectPermissions as { permission: string; projects: number[] }[]).filter((p) => p.projects.includes(project?.id ?? -1)).map((p) => p.permission);
    expect(got).toEqual(granted);
  });

  it('project search lists only what the user can browse', async () => {
    const keysFor = async (who: Who) => {
      const { body } = await as(who, async () => json(await asUser().requestJira(route`/rest/api/3/project/search`)));
      return (body.values as { key: string }[]).map((p) => p.key);
    };
    expect(await keysFor('admin')).toEqual(['DEMO', 'OPS', 'HR']);
    expect(await keysFor('viewer')).toEqual(['DEMO', 'OPS']);
    expect(await keysFor('teammate')).toEqual(['DEMO']);
  });

  it('a project the user cannot browse is 404 with Jira error shape; the app sees it', async () => {
    const asViewer = await as('viewer', async () => json(await asUser().requestJira(route`/rest/api/3/project/HR`)));
    expect(asViewer).toEqual({ status: 404, body: { errorMessages: [expect.stringContaining('HR')], errors: {} } });
    const app = await as('nobody', async () => json(await asApp().requestJira(route`/rest/api/3/project/HR`)));
    expect(app.body).toMatchObject({ id: '13649', key: 'HR', name: 'People team' });
  });

  it('user search and bulk return Jira user shapes, active users only in search', async () => {
    const search = await as('admin', async () => json(await asUser().requestJira(route`/rest/api/3/user/search?query=${'ve'}`)));
    expect((search.body as unknown as { displayName: string }[]).map((u) => u.displayName)).toEqual(['Vera Viewer']);
    const bulk = await as('admin', async () => json(await asUser().requestJira(route`/rest/api/3/user/bulk?accountId=${DEMO_USERS.teammate.accountId}`)));
    expect(bulk.body).toMatchObject({ values: [{ accountId: DEMO_USERS.teammate.accountId, displayName: 'Tom Teammate', accountType: 'atlassian' }] });
  });

  it('a user call with no principal is 401', async () => {
    const { status } = await as('nobody', async () => json(await asUser().requestJira(route`/rest/api/3/myself`)));
    expect(status).toBe(401);
  });

  it('route escapes odd characters, and unknown paths are 404 in Jira shape', async () => {
    expect(() => route`/rest/api/3/project/${'../myself'}`).toThrow(/path manipulation/);
    const odd = await as('admin', async () => json(await asUser().requestJira(route`/rest/api/3/project/${'DE MO'}`)));
    expect(odd).toEqual({ status: 404, body: { errorMessages: [expect.stringContaining('DE MO')], errors: {} } });
    const unknown = await as('admin', async () => json(await asUser().requestJira(route`/rest/api/3/issue/X-1`)));
    expect(unknown).toEqual({ status: 404, body: { errorMessages: [expect.any(String)], errors: {} } });
  });

  it('renames and deletions change what Jira answers', async () => {
    const local = createJiraSite();
    installForgeSeam([local.service]);
    local.updateProject(13648, { name: 'Ops (renamed)' });
    local.deleteProject(13649);
    const { body } = await as('admin', async () => json(await asUser().requestJira(route`/rest/api/3/project/search`)));
    expect((body.values as { name: string }[]).map((p) => p.name)).toEqual(['Demo project', 'Ops (renamed)']);
    installForgeSeam([site.service]);
  });
});

describe('Jira latency (setLatency)', () => {
  afterEach(() => site.setLatency(0));

  it('every request waits the latency before its answer, in the way the caller chose', async () => {
    const waited: { ms: number; path: string }[] = [];
    site.setLatency(300, async (ms, request) => void waited.push({ ms, path: request.path }));
    const { status } = await as('admin', async () => json(await asUser().requestJira(route`/rest/api/3/project/DEMO`)));
    expect(status).toBe(200);
    await as('admin', async () => json(await asApp().requestJira(route`/rest/api/3/project/search`)));
    expect(waited).toEqual([
      { ms: 300, path: '/rest/api/3/project/DEMO' },
      { ms: 300, path: '/rest/api/3/project/search' },
    ]);
  });

  it('0 turns it off; a negative latency is refused', async () => {
    const waited: number[] = [];
    site.setLatency(0, async (ms) => void waited.push(ms));
    await as('admin', async () => json(await asUser().requestJira(route`/rest/api/3/myself`)));
    expect(waited).toEqual([]);
    expect(() => site.setLatency(-1)).toThrow(RangeError);
  });
});
