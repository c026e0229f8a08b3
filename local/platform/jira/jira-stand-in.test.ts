import api, { asApp, asUser, route } from '@forge/api';
import { installForgeSeam, uninstallForgeSeam } from '../forge-seam';
import { runInInvocation } from '../invocation-context';
import { APP_USER, createJiraStandIn, DEMO_PROJECTS, DEMO_USERS, type DemoUserName, type ProjectEvent } from './index';

/**
 * The stand-in is exercised the way the app reaches it: through the real `@forge/api`
 * (`asUser().requestJira(route...)`, `asApp()`), inside an invocation whose principal is a demo
 * user, with the host's seam installed.
 */

const jira = createJiraStandIn();

beforeAll(() => installForgeSeam([jira.service]));
afterAll(() => uninstallForgeSeam());
beforeEach(() => jira.reset());

const as = <T>(who: DemoUserName | undefined, fn: () => Promise<T>): Promise<T> =>
  runInInvocation({ moduleKey: 'jira-test', moduleType: 'jira:projectPage', functionKey: 'resolver', timeoutMs: 25_000, ...(who ? { accountId: DEMO_USERS[who].accountId } : {}) }, fn);

async function getAs(who: DemoUserName, path: ReturnType<typeof route>) {
  return as(who, async () => {
    const response = await asUser().requestJira(path);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & unknown[] };
  });
}

async function myPermissions(who: DemoUserName, projectKey?: string) {
  const response = await as(who, () =>
    projectKey
      ? asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER,BROWSE_PROJECTS,ADMINISTER_PROJECTS&projectKey=${projectKey}`)
      : asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER,BROWSE_PROJECTS,ADMINISTER_PROJECTS`),
  );
  const body = (await response.json()) as { permissions: Record<string, { havePermission: boolean }> };
  return { status: response.status, body, granted: Object.fromEntries(Object.entries(body.permissions ?? {}).map(([k, v]) => [k, v.havePermission])) };
}

/** The exact check the app's `projectAccess` makes. */
async function checkAs(who: DemoUserName, projectIds: number[], extra: Record<string, unknown> = {}) {
  return as(who, async () => {
    const response = await asUser().requestJira(route`/rest/api/3/permissions/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ globalPermissions: ['ADMINISTER'], projectPermissions: [{ permissions: ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'], projects: projectIds }], ...extra }),
    });
    return { status: response.status, body: (await response.json()) as { globalPermissions: string[]; projectPermissions: { permission: string; projects: number[]; issues: number[] }[] } };
  });
}

const keys = (body: unknown) => (body as { values: { key: string }[] }).values.map((p) => p.key);

const DEMO = DEMO_PROJECTS.demo.id;
const OPS = DEMO_PROJECTS.ops.id;
const HR = DEMO_PROJECTS.hr.id;

describe('Jira stand-in: who is calling', () => {
  it('asUser() acts as the invocation principal; asUser(accountId) as that account', async () => {
    for (const who of ['admin', 'projectAdmin', 'viewer'] as const) {
      const { status, body } = await getAs(who, route`/rest/api/3/myself`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ accountId: DEMO_USERS[who].accountId, accountType: 'atlassian', displayName: DEMO_USERS[who].displayName, active: true });
      expect(Object.keys(body.avatarUrls as object).sort()).toEqual(['16x16', '24x24', '32x32', '48x48']);
    }
    const explicit = await as('admin', () => asUser(DEMO_USERS.teammate.accountId).requestJira(route`/rest/api/3/myself`));
    expect(((await explicit.json()) as { displayName: string }).displayName).toBe('Tom Teammate');
  });

  it('asUser() without a principal, with an unknown or a deactivated account answers 401', async () => {
    const without = await as(undefined, () => asUser().requestJira(route`/rest/api/3/myself`));
    expect(without.status).toBe(401);
    expect(await without.json()).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    const unknown = await as(undefined, () => asUser('712020:00000000-0000-0000-0000-000000000000').requestJira(route`/rest/api/3/myself`));
    expect(unknown.status).toBe(401);
    const former = await getAs('former', route`/rest/api/3/myself`);
    expect(former.status).toBe(401);
  });

  it('asApp() acts as the app account and sees every project', async () => {
    const me = await as(undefined, () => asApp().requestJira(route`/rest/api/3/myself`));
    expect(await me.json()).toMatchObject({ accountId: APP_USER.accountId, accountType: 'app' });
    const search = await as(undefined, () => asApp().requestJira(route`/rest/api/3/project/search`));
    expect(((await search.json()) as { values: { key: string }[] }).values.map((p) => p.key)).toEqual(['DEMO', 'HR', 'OPS']);
    expect(jira.calls().map((c) => [c.provider, c.actingAs])).toEqual([
      ['app', APP_USER.accountId],
      ['app', APP_USER.accountId],
    ]);
  });

  it('the bare requestJira is anonymous: browses nothing, has no permission', async () => {
    const search = await as('admin', () => api.requestJira(route`/rest/api/3/project/search`));
    expect(await search.json()).toMatchObject({ total: 0, values: [], isLast: true });
    const me = await as('admin', () => api.requestJira(route`/rest/api/3/myself`));
    expect(me.status).toBe(401);
  });

  it('ignores what is not a Jira request', async () => {
    const answer = await jira.service({ options: { type: 'kvs', provider: 'app', remote: 'kvs' }, path: '/api/v1/get', method: 'POST', headers: new Headers(), body: '{}', invocation: undefined });
    expect(answer).toBeUndefined();
  });
});

describe('Jira stand-in: permissions per user', () => {
  it('GET mypermissions answers Jira’s shape', async () => {
    const { status, body } = await myPermissions('admin');
    expect(status).toBe(200);
    expect(body.permissions.ADMINISTER).toEqual({ id: '0', key: 'ADMINISTER', name: 'Administer Jira', type: 'GLOBAL', description: expect.any(String), havePermission: true });
    expect(body.permissions.BROWSE_PROJECTS).toEqual({ id: '10', key: 'BROWSE_PROJECTS', name: 'Browse Projects', type: 'PROJECT', description: expect.any(String), havePermission: true });
    expect(body.permissions.ADMINISTER_PROJECTS).toMatchObject({ id: '23', type: 'PROJECT' });
  });

  it('the Jira admin has ADMINISTER and every project permission everywhere', async () => {
    expect((await myPermissions('admin')).granted).toEqual({ ADMINISTER: true, BROWSE_PROJECTS: true, ADMINISTER_PROJECTS: true });
    expect((await myPermissions('admin', 'HR')).granted).toEqual({ ADMINISTER: true, BROWSE_PROJECTS: true, ADMINISTER_PROJECTS: true });
  });

  it('the project admin administers DEMO only', async () => {
    expect((await myPermissions('projectAdmin', 'DEMO')).granted).toEqual({ ADMINISTER: false, BROWSE_PROJECTS: true, ADMINISTER_PROJECTS: true });
    expect((await myPermissions('projectAdmin', 'OPS')).granted).toEqual({ ADMINISTER: false, BROWSE_PROJECTS: true, ADMINISTER_PROJECTS: false });
    // Without a project, a project permission held in any project counts (as in Jira).
    expect((await myPermissions('projectAdmin')).granted).toEqual({ ADMINISTER: false, BROWSE_PROJECTS: true, ADMINISTER_PROJECTS: true });
  });

  it('the viewer browses DEMO and OPS but administers nothing, and cannot see HR', async () => {
    for (const key of ['DEMO', 'OPS']) expect((await myPermissions('viewer', key)).granted).toEqual({ ADMINISTER: false, BROWSE_PROJECTS: true, ADMINISTER_PROJECTS: false });
    expect((await myPermissions('viewer')).granted).toEqual({ ADMINISTER: false, BROWSE_PROJECTS: true, ADMINISTER_PROJECTS: false });
    const hr = await myPermissions('viewer', 'HR');
    expect(hr.status).toBe(404);
    expect(hr.body).toEqual({ errorMessages: ["No project could be found with key 'HR'."], errors: {} });
  });

  it('mypermissions wants known permission keys', async () => {
    const missing = await getAs('admin', route`/rest/api/3/mypermissions`);
    expect(missing.status).toBe(400);
    const unknown = await getAs('admin', route`/rest/api/3/mypermissions?permissions=${'ADMINISTER,FLY'}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ errorMessages: [expect.stringContaining('FLY')], errors: {} });
  });

  it('POST permissions/check grants per user as the app asks it', async () => {
    const all = [DEMO, OPS, HR];
    const grants = (r: Awaited<ReturnType<typeof checkAs>>) => ({
      global: r.body.globalPermissions,
      browse: r.body.projectPermissions.find((p) => p.permission === 'BROWSE_PROJECTS')?.projects,
      administer: r.body.projectPermissions.find((p) => p.permission === 'ADMINISTER_PROJECTS')?.projects,
    });
    expect(grants(await checkAs('admin', all))).toEqual({ global: ['ADMINISTER'], browse: all, administer: all });
    expect(grants(await checkAs('projectAdmin', all))).toEqual({ global: [], browse: [DEMO, OPS], administer: [DEMO] });
    expect(grants(await checkAs('viewer', all))).toEqual({ global: [], browse: [DEMO, OPS], administer: [] });
    expect(grants(await checkAs('opsLead', all))).toEqual({ global: [], browse: [OPS], administer: [OPS] });
    const shaped = await checkAs('viewer', [DEMO]);
    expect(shaped.status).toBe(200);
    expect(shaped.body).toEqual({
      globalPermissions: [],
      projectPermissions: [
        { permission: 'BROWSE_PROJECTS', issues: [], projects: [DEMO] },
        { permission: 'ADMINISTER_PROJECTS', issues: [], projects: [] },
      ],
    });
  });

  it('permissions/check ignores unknown project ids and accepts numeric strings', async () => {
    const { body } = await checkAs('viewer', [999999, Number.NaN, String(OPS) as unknown as number]);
    expect(body.projectPermissions[0]).toEqual({ permission: 'BROWSE_PROJECTS', issues: [], projects: [OPS] });
  });

  it('checking another user needs Administer Jira, or the app', async () => {
    const byAdmin = await checkAs('admin', [DEMO, HR], { accountId: DEMO_USERS.viewer.accountId });
    expect(byAdmin.body).toMatchObject({ globalPermissions: [], projectPermissions: [{ permission: 'BROWSE_PROJECTS', projects: [DEMO] }, { permission: 'ADMINISTER_PROJECTS', projects: [] }] });
    const byViewer = await checkAs('viewer', [DEMO], { accountId: DEMO_USERS.admin.accountId });
    expect(byViewer.status).toBe(403);
    expect(byViewer.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    const byApp = await as(undefined, () =>
      asApp().requestJira(route`/rest/api/3/permissions/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId: DEMO_USERS.projectAdmin.accountId, globalPermissions: ['ADMINISTER'], projectPermissions: [{ permissions: ['ADMINISTER_PROJECTS'], projects: [DEMO, OPS] }] }),
      }),
    );
    expect(await byApp.json()).toEqual({ globalPermissions: [], projectPermissions: [{ permission: 'ADMINISTER_PROJECTS', issues: [], projects: [DEMO] }] });
  });

  it('permissions/check rejects a body that is not JSON, or sent without a JSON content type', async () => {
    const noType = await as('admin', () => asUser().requestJira(route`/rest/api/3/permissions/check`, { method: 'POST', body: '{}' }));
    expect(noType.status).toBe(415);
    const broken = await as('admin', () => asUser().requestJira(route`/rest/api/3/permissions/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' }));
    expect(broken.status).toBe(400);
    const wrongKind = await checkAs('admin', [DEMO], { globalPermissions: ['BROWSE_PROJECTS'] });
    expect(wrongKind.status).toBe(400);
  });
});

describe('Jira stand-in: projects', () => {
  it('project search lists only what the acting user can browse', async () => {
    expect(keys((await getAs('admin', route`/rest/api/3/project/search`)).body)).toEqual(['DEMO', 'HR', 'OPS']);
    expect(keys((await getAs('projectAdmin', route`/rest/api/3/project/search`)).body)).toEqual(['DEMO', 'OPS']);
    const viewer = await getAs('viewer', route`/rest/api/3/project/search`);
    expect(viewer.body).toMatchObject({ startAt: 0, maxResults: 50, total: 2, isLast: true });
    expect(keys(viewer.body)).toEqual(['DEMO', 'OPS']);
    expect(keys((await getAs('teammate', route`/rest/api/3/project/search`)).body)).toEqual(['DEMO']);
  });

  it('project search pages, filters by query, keys and action', async () => {
    const first = await getAs('admin', route`/rest/api/3/project/search?maxResults=${1}`);
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 1, total: 3, isLast: false, nextPage: expect.stringContaining('startAt=1') });
    expect(keys(first.body)).toEqual(['DEMO']);
    const last = await getAs('admin', route`/rest/api/3/project/search?startAt=${2}&maxResults=${1}`);
    expect(last.body).toMatchObject({ startAt: 2, total: 3, isLast: true });
    expect(last.body).not.toHaveProperty('nextPage');
    expect(keys(last.body)).toEqual(['OPS']);
    expect(keys((await getAs('viewer', route`/rest/api/3/project/search?query=${'oper'}`)).body)).toEqual(['OPS']);
    expect(keys((await getAs('viewer', route`/rest/api/3/project/search?query=${'demo'}`)).body)).toEqual(['DEMO']);
    expect(keys((await getAs('viewer', route`/rest/api/3/project/search?keys=${'DEMO'}&keys=${'HR'}`)).body)).toEqual(['DEMO']);
    expect(keys((await getAs('projectAdmin', route`/rest/api/3/project/search?action=${'edit'}`)).body)).toEqual(['DEMO']);
    expect(keys((await getAs('admin', route`/rest/api/3/project/search?orderBy=${'-name'}`)).body)).toEqual(['HR', 'OPS', 'DEMO']);
  });

  it('project search values have Jira’s fields', async () => {
    const { body } = await getAs('viewer', route`/rest/api/3/project/search?keys=${'DEMO'}&expand=${'description,lead'}`);
    expect((body as unknown as { values: unknown[] }).values[0]).toMatchObject({
      self: expect.stringContaining('/rest/api/3/project/13647'),
      id: '13647',
      key: 'DEMO',
      name: 'Demo project',
      description: expect.any(String),
      lead: { accountId: DEMO_USERS.projectAdmin.accountId, displayName: 'Paul Project-Admin' },
      avatarUrls: { '48x48': expect.stringMatching(/^data:image\/svg\+xml,/) },
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
      isPrivate: false,
    });
  });

  it('GET project by key (any case) or id, as the user; hidden and unknown ones are 404', async () => {
    const byKey = await getAs('viewer', route`/rest/api/3/project/${'DEMO'}`);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ id: '13647', key: 'DEMO', name: 'Demo project', projectTypeKey: 'software', lead: { accountId: DEMO_USERS.projectAdmin.accountId } });
    expect((await getAs('viewer', route`/rest/api/3/project/${'demo'}`)).body).toMatchObject({ key: 'DEMO' });
    expect((await getAs('viewer', route`/rest/api/3/project/${13648}`)).body).toMatchObject({ key: 'OPS' });
    const hidden = await getAs('viewer', route`/rest/api/3/project/${'HR'}`);
    expect(hidden).toEqual({ status: 404, body: { errorMessages: ["No project could be found with key 'HR'."], errors: {} } });
    expect((await getAs('admin', route`/rest/api/3/project/${'HR'}`)).status).toBe(200);
    expect((await getAs('admin', route`/rest/api/3/project/${'NOPE'}`)).status).toBe(404);
    expect((await getAs('admin', route`/rest/api/3/project/${424242}`)).body).toEqual({ errorMessages: ["No project could be found with id '424242'."], errors: {} });
  });
});

describe('Jira stand-in: users', () => {
  it('GET user by account id', async () => {
    const vera = await getAs('teammate', route`/rest/api/3/user?accountId=${DEMO_USERS.viewer.accountId}`);
    expect(vera.status).toBe(200);
    expect(vera.body).toMatchObject({
      self: expect.stringContaining(`/rest/api/3/user?accountId=${DEMO_USERS.viewer.accountId}`),
      accountId: DEMO_USERS.viewer.accountId,
      accountType: 'atlassian',
      emailAddress: 'vera.viewer@example.com',
      displayName: 'Vera Viewer',
      active: true,
      timeZone: expect.any(String),
      groups: { size: expect.any(Number), items: [] },
    });
    const former = await getAs('teammate', route`/rest/api/3/user?accountId=${DEMO_USERS.former.accountId}`);
    expect(former.body).toMatchObject({ displayName: 'Fiona Former', active: false });
    const unknown = await getAs('teammate', route`/rest/api/3/user?accountId=${'712020:missing'}`);
    expect(unknown).toEqual({ status: 404, body: { errorMessages: [expect.any(String)], errors: {} } });
  });

  it('user search matches name-word and e-mail prefixes, active users only', async () => {
    const names = (body: unknown) => (body as { displayName: string }[]).map((u) => u.displayName);
    expect(names((await getAs('viewer', route`/rest/api/3/user/search?query=${'ver'}`)).body)).toEqual(['Vera Viewer']);
    expect(names((await getAs('viewer', route`/rest/api/3/user/search?query=${'ADMIN'}`)).body)).toEqual(['Alice Admin', 'Paul Project-Admin']);
    expect(names((await getAs('viewer', route`/rest/api/3/user/search?query=${'tom.team'}`)).body)).toEqual(['Tom Teammate']);
    expect(names((await getAs('viewer', route`/rest/api/3/user/search?query=${'fiona'}`)).body)).toEqual([]);
    expect(names((await getAs('viewer', route`/rest/api/3/user/search?query=${'projectrak'}`)).body)).toEqual(['Projectrak Webhooks']);
    expect(names((await getAs('viewer', route`/rest/api/3/user/search?query=${'a'}&maxResults=${1}`)).body)).toHaveLength(1);
    const missing = await getAs('viewer', route`/rest/api/3/user/search`);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
  });

  it('user bulk pages the known accounts in the order asked, skipping unknown ones', async () => {
    const params = new URLSearchParams([
      ['accountId', DEMO_USERS.viewer.accountId],
      ['accountId', '712020:missing'],
      ['accountId', DEMO_USERS.admin.accountId],
      ['accountId', DEMO_USERS.former.accountId],
    ]);
    const all = await getAs('teammate', route`/rest/api/3/user/bulk?${params}`);
    expect(all.body).toMatchObject({ startAt: 0, maxResults: 10, total: 3, isLast: true });
    expect((all.body as unknown as { values: { displayName: string; active: boolean }[] }).values.map((u) => [u.displayName, u.active])).toEqual([
      ['Vera Viewer', true],
      ['Alice Admin', true],
      ['Fiona Former', false],
    ]);
    params.set('maxResults', '2');
    const paged = await getAs('teammate', route`/rest/api/3/user/bulk?${params}`);
    expect(paged.body).toMatchObject({ maxResults: 2, total: 3, isLast: false, nextPage: expect.stringContaining('startAt=2') });
    expect((await getAs('teammate', route`/rest/api/3/user/bulk`)).status).toBe(400);
  });
});

describe('Jira stand-in: errors and route escaping', () => {
  it('unknown paths answer 404 in Jira’s error shape; a wrong method 405', async () => {
    const unknown = await getAs('admin', route`/rest/api/3/issue/${'DEMO-1'}/nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errorMessages: [expect.stringContaining('/rest/api/3/issue/DEMO-1/nothing')], errors: {} });
    expect((await getAs('admin', route`/rest/agile/1.0/board`)).status).toBe(404);
    const wrongMethod = await as('admin', () => asUser().requestJira(route`/rest/api/3/myself`, { method: 'DELETE' }));
    expect(wrongMethod.status).toBe(405);
  });

  it('route refuses path manipulation before anything reaches Jira', async () => {
    for (const key of ['DEMO/../HR', '../myself', 'DEMO?expand=x', 'DEMO#x', '%2e%2e']) {
      await expect(as('viewer', async () => asUser().requestJira(route`/rest/api/3/project/${key}`))).rejects.toThrow(/path manipulation/);
    }
    expect(jira.calls()).toEqual([]);
  });

  it('odd characters in a path parameter stay one segment; in a query they stay one value', async () => {
    const spaced = await getAs('admin', route`/rest/api/3/project/${'DE MO'}`);
    expect(spaced).toEqual({ status: 404, body: { errorMessages: ["No project could be found with key 'DE MO'."], errors: {} } });
    const encoded = await getAs('admin', route`/rest/api/3/project/${'%44EMO'}`);
    expect(encoded.body).toMatchObject({ key: 'DEMO' });
    // `&accountId=` inside the value is encoded, so it cannot add a parameter.
    const injected = await getAs('admin', route`/rest/api/3/user/search?query=${`vera&accountId=${DEMO_USERS.admin.accountId}`}`);
    expect(injected).toEqual({ status: 200, body: [] });
    const spacedQuery = await getAs('admin', route`/rest/api/3/user/search?query=${'Paul Proj'}`);
    expect((spacedQuery.body as unknown as { displayName: string }[]).map((u) => u.displayName)).toEqual(['Paul Project-Admin']);
    expect(jira.calls().map((c) => c.path)).toContain('/rest/api/3/project/DE MO');
  });
});

describe('Jira stand-in: changing the site', () => {
  it('renames and re-keys a project (the old key keeps resolving) and emits the product event', async () => {
    const events: ProjectEvent[] = [];
    const off = jira.onProjectEvent((e) => events.push(e));
    const renamed = jira.renameProject('DEMO', 'Demo project (renamed)', DEMO_USERS.admin.accountId);
    expect(renamed).toMatchObject({ id: 13647, key: 'DEMO', name: 'Demo project (renamed)' });
    expect((await getAs('viewer', route`/rest/api/3/project/${'DEMO'}`)).body).toMatchObject({ name: 'Demo project (renamed)' });
    jira.updateProject(13647, { key: 'DMO' });
    expect((await getAs('viewer', route`/rest/api/3/project/${'DEMO'}`)).body).toMatchObject({ id: '13647', key: 'DMO' });
    expect((await getAs('viewer', route`/rest/api/3/project/${'DMO'}?expand=${'projectKeys'}`)).body).toMatchObject({ projectKeys: ['DMO', 'DEMO'] });
    expect(events).toEqual([
      {
        eventType: 'avi:jira:updated:project',
        payload: {
          project: { id: '13647', key: 'DEMO', name: 'Demo project (renamed)', projectTypeKey: 'software', simplified: false, projectLead: { accountId: DEMO_USERS.projectAdmin.accountId } },
          atlassianId: DEMO_USERS.admin.accountId,
        },
      },
      expect.objectContaining({ eventType: 'avi:jira:updated:project', payload: expect.objectContaining({ project: expect.objectContaining({ key: 'DMO' }) }) }),
    ]);
    off();
    expect(() => jira.updateProject('OPS', { key: 'HR' })).toThrow(/already used/);
    expect(() => jira.updateProject('OPS', { key: 'bad key' })).toThrow(/invalid project key/);
  });

  it('deletes a project: gone from search and GET, event emitted, id never reused', async () => {
    const events: ProjectEvent[] = [];
    const off = jira.onProjectEvent((e) => events.push(e));
    const deleted = jira.deleteProject(13648);
    expect(deleted.key).toBe('OPS');
    expect(events.map((e) => [e.eventType, e.payload.project.id])).toEqual([['avi:jira:deleted:project', '13648']]);
    expect((await getAs('viewer', route`/rest/api/3/project/${'OPS'}`)).status).toBe(404);
    expect(keys((await getAs('viewer', route`/rest/api/3/project/search`)).body)).toEqual(['DEMO']);
    const added = jira.addProject({ key: 'NEW', name: 'New one', leadAccountId: DEMO_USERS.teammate.accountId });
    expect(added.id).toBeGreaterThan(HR);
    expect(events.at(-1)?.eventType).toBe('avi:jira:created:project');
    off();
  });

  it('adds users and projects and grants roles', async () => {
    const nina = jira.addUser({ displayName: 'Nina New', emailAddress: 'nina@example.com' });
    expect(nina.accountId).toMatch(/^712020:[0-9a-f-]{36}$/);
    const project = jira.addProject({ key: 'lab', name: 'Lab', leadAccountId: DEMO_USERS.admin.accountId, projectTypeKey: 'business' });
    expect(project.key).toBe('LAB');
    const asNina = () => runInInvocation({ moduleKey: 'm', moduleType: 't', functionKey: 'f', timeoutMs: 1000, accountId: nina.accountId }, () => asUser().requestJira(route`/rest/api/3/project/search`));
    expect(((await (await asNina()).json()) as { total: number }).total).toBe(0);
    jira.setProjectRole('LAB', nina.accountId, 'administrator');
    expect(((await (await asNina()).json()) as { values: { key: string }[] }).values.map((p) => p.key)).toEqual(['LAB']);
    expect(jira.hasPermission(nina.accountId, 'ADMINISTER_PROJECTS', 'LAB')).toBe(true);
    expect(jira.hasPermission(nina.accountId, 'ADMINISTER')).toBe(false);
    jira.setJiraAdmin(nina.accountId, true);
    expect(jira.hasPermission(nina.accountId, 'BROWSE_PROJECTS', 'HR')).toBe(true);
    jira.setUserActive(nina.accountId, false);
    expect((await asNina()).status).toBe(401);
    expect(jira.shellUsers().map((u) => u.displayName)).not.toContain('Nina New');
  });

  it('reset() brings back the seed', async () => {
    jira.deleteProject('DEMO');
    jira.reset();
    expect(jira.projects().map((p) => p.key)).toEqual(['DEMO', 'OPS', 'HR']);
    expect(jira.shellUsers().map((u) => u.label)).toEqual(['Jira admin', 'Project admin of DEMO', 'Viewer of DEMO and OPS', 'Member of DEMO', 'Project admin of OPS']);
  });
});
