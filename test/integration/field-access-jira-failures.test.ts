import type { PlatformRequest } from '../../local/platform/forge-seam';
import { startTestHost, type TestHost } from '../support/host-fixture';

/**
 * Jira failures are not answers: a 5xx, a 429 or a network failure while the app asks Jira about
 * a project or a user is UNAVAILABLE (the UI offers "Try again"), never "not found" or "no
 * access". Only a real 401/403/404 from Jira means no access. Faults are injected at the
 * platform seam (the real @forge/api calls the host's Jira stand-in).
 */

let t: TestHost | undefined;

afterEach(async () => {
  await t?.stop();
  t = undefined;
});

type Fault = (request: PlatformRequest) => Response | 'network' | undefined;

const jiraStatus = (status: number, body: unknown = { errorMessages: ['fault injected by the test'], errors: {} }) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const isJira = (request: PlatformRequest, method: string, path: string) => request.options.remote === 'jira' && request.method === method && request.path.split('?')[0] === path;

/** A host whose Jira answers with `fault` while `armed` (so setup calls are left alone). */
async function hostWithFault(fault: Fault): Promise<{ t: TestHost; arm(): () => void }> {
  let armed = false;
  const host = await startTestHost({
    interceptPlatform: async (request, next) => {
      const injected = armed ? fault(request) : undefined;
      if (injected === 'network') throw new TypeError('fetch failed: connect ECONNRESET (fault injected by the test)');
      return injected ?? next();
    },
  });
  t = host;
  /** Arms the fault; answers the function that disarms it. */
  const arm = () => {
    armed = true;
    return () => {
      armed = false;
    };
  };
  return { t: host, arm };
}

const permissionCheck = (request: PlatformRequest) => isJira(request, 'POST', '/rest/api/3/permissions/check');
const projectLookup = (request: PlatformRequest) => isJira(request, 'GET', '/rest/api/3/project/DEMO');
const adminCheck = (request: PlatformRequest) => isJira(request, 'GET', '/rest/api/3/mypermissions');

describe('the project page asks Jira who may see a project', () => {
  it.each<[string, Fault]>([
    ['the permission check answers 503', (r) => (permissionCheck(r) ? jiraStatus(503) : undefined)],
    ['the permission check answers 500', (r) => (permissionCheck(r) ? jiraStatus(500) : undefined)],
    ['the permission check is rate limited (429)', (r) => (permissionCheck(r) ? jiraStatus(429) : undefined)],
    ['the permission check fails on the network', (r) => (permissionCheck(r) ? 'network' : undefined)],
    ['the project lookup answers 502', (r) => (projectLookup(r) ? jiraStatus(502) : undefined)],
    ['the project lookup fails on the network', (r) => (projectLookup(r) ? 'network' : undefined)],
  ])('%s: UNAVAILABLE with a try-again message, not "not found"', async (_case, fault) => {
    const { t, arm } = await hostWithFault(fault);
    arm();
    const result = await t.invoke('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    expect(result).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/^Jira did not answer .*try again/) } });
  });

  it('a save is not refused as "not found" when Jira fails: UNAVAILABLE, and nothing is saved', async () => {
    const { t, arm } = await hostWithFault((r) => (permissionCheck(r) ? jiraStatus(503) : undefined));
    const view = await t.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = view.fields.find((f) => f.name === 'Budget')!;
    const disarm = arm();
    const result = await t.invoke('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 5 } });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    disarm();
    expect((await t.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' })).revision).toBe(0);
  });

  it('a real 403 of the permission check is no access: NOT_FOUND', async () => {
    const { t, arm } = await hostWithFault((r) => (permissionCheck(r) ? jiraStatus(403) : undefined));
    arm();
    expect(await t.invoke('viewer', 'getProjectFields', { projectKey: 'DEMO' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('a project the user may not browse is NOT_FOUND (Jira answers 404)', async () => {
    t = await startTestHost();
    expect(await t.invoke('viewer', 'getProjectFields', { projectKey: 'HR' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('an answer Jira should never give (a project without a key) is an error, not a guess', async () => {
    const { t, arm } = await hostWithFault((r) => (projectLookup(r) ? jiraStatus(200, { id: '13647', name: 'Demo project' }) : undefined));
    arm();
    await expect(t.invoke('viewer', 'getProjectFields', { projectKey: 'DEMO' })).rejects.toThrow(/Jira's answer to the project lookup of DEMO was not usable: key/);
  });
});

describe('the admin check', () => {
  it('a failed admin check (503) is UNAVAILABLE, not "only Jira admins"', async () => {
    const { t, arm } = await hostWithFault((r) => (adminCheck(r) ? jiraStatus(503) : undefined));
    arm();
    expect(await t.invoke('admin', 'createField', { name: 'Risk', type: 'text' })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  it('a real "no" is FORBIDDEN', async () => {
    t = await startTestHost();
    expect(await t.invoke('viewer', 'createField', { name: 'Risk', type: 'text' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('user lookups', () => {
  it('a user search that Jira rate limits is UNAVAILABLE', async () => {
    const { t, arm } = await hostWithFault((r) => (isJira(r, 'GET', '/rest/api/3/user/search') ? jiraStatus(429) : undefined));
    arm();
    expect(await t.invoke('viewer', 'searchUsers', { query: 'ali' })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  it('a user search without "Browse users" is FORBIDDEN, as before', async () => {
    t = await startTestHost();
    expect(await t.invoke('teammate', 'searchUsers', { query: 'ali' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it.each<[string, Fault]>([
    ['Jira fails the names (503)', (r) => (isJira(r, 'GET', '/rest/api/3/user/bulk') ? jiraStatus(503) : undefined)],
    ['Jira refuses the names (403)', (r) => (isJira(r, 'GET', '/rest/api/3/user/bulk') ? jiraStatus(403) : undefined)],
    ['the names fail on the network', (r) => (isJira(r, 'GET', '/rest/api/3/user/bulk') ? 'network' : undefined)],
  ])("%s: the project page's fields are still answered, without the names", async (_case, fault) => {
    const { t, arm } = await hostWithFault(fault);
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const owner = view.fields.find((f) => f.name === 'Owner')!;
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [owner.id]: t.accountId('teammate') } });
    expect((await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' })).users).not.toEqual([]);
    arm();
    const read = await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    expect(read.values[String(owner.id)]).toBe(t.accountId('teammate'));
    expect(read.users).toEqual([]);
  });
});
