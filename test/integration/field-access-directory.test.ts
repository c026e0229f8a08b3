import { DEMO_GROUPS, DEMO_ROLES } from '../../local/platform/jira-site';
import { startTestHost, type TestHost } from '../support/host-fixture';

/**
 * What the field form offers to choose who sees and edits a field: the site's project roles and
 * its groups, asked of the Jira stand-in as the admin through the real SDKs. Expectations come
 * from the demo site's lists.
 */

let t: TestHost;

beforeAll(async () => {
  t = await startTestHost({ log: () => undefined });
});

afterAll(async () => {
  await t.stop();
});

beforeEach(() => {
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('listProjectRoles', () => {
  it("answers every role of the site by name, with Jira's ids", async () => {
    const { roles } = await t.invokeOk('admin', 'listProjectRoles');
    const expected = [...DEMO_ROLES].sort((a, b) => a.name.localeCompare(b.name)).map((r) => ({ id: r.id, name: r.name, description: r.description }));
    expect(roles).toEqual(expected);
    expect(roles.map((r) => r.name)).toEqual(['Administrators', 'Developers', 'Viewers']);
  });

  it('is refused to people who are no Jira admins, before Jira is asked', async () => {
    const jiraCalls: string[] = [];
    const seen = await startTestHost({
      log: () => undefined,
      interceptPlatform: async (request, next) => {
        if (request.options.remote === 'jira' && request.path.startsWith('/rest/api/3/role')) jiraCalls.push(request.path);
        return next();
      },
    });
    try {
      for (const user of ['projectAdmin', 'viewer', 'teammate'] as const) {
        const result = await seen.invoke(user, 'listProjectRoles');
        expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
      }
      expect(jiraCalls).toEqual([]);
      // The admin's call does reach Jira's list of roles.
      await seen.invokeOk('admin', 'listProjectRoles');
      expect(jiraCalls).toEqual(['/rest/api/3/role']);
    } finally {
      await seen.stop();
    }
  });

  it('a Jira that does not answer is UNAVAILABLE (try again), not an empty list', async () => {
    const failing = await startTestHost({
      log: () => undefined,
      interceptPlatform: async (request, next) =>
        request.options.remote === 'jira' && request.path === '/rest/api/3/role' ? new Response('{}', { status: 503, headers: { 'content-type': 'application/json' } }) : next(),
    });
    try {
      const result = await failing.invoke('admin', 'listProjectRoles');
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNAVAILABLE' }) });
    } finally {
      await failing.stop();
    }
  });
});

describe('searchGroups', () => {
  const finance = DEMO_GROUPS.find((g) => g.name === 'finance');

  it('answers the groups whose name contains the query, by id and name', async () => {
    expect(finance).toBeDefined();
    expect((await t.invokeOk('admin', 'searchGroups', { query: 'FIN' })).groups).toEqual([{ id: finance?.groupId, name: 'finance' }]);
    expect((await t.invokeOk('admin', 'searchGroups', { query: '  users ' })).groups.map((g) => g.name)).toEqual(['jira-users']);
    expect((await t.invokeOk('admin', 'searchGroups', { query: 'nothing-like-this' })).groups).toEqual([]);
  });

  it('an empty query offers the first groups, sorted by name', async () => {
    expect((await t.invokeOk('admin', 'searchGroups', { query: '' })).groups.map((g) => g.name)).toEqual([...DEMO_GROUPS].map((g) => g.name).sort());
  });

  it('is refused to people who are no Jira admins', async () => {
    for (const user of ['projectAdmin', 'viewer'] as const) {
      expect(await t.invoke(user, 'searchGroups', { query: 'fin' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    }
  });

  it('a query that is not a string, or too long, is refused naming it', async () => {
    const wrong = await t.invoke('admin', 'searchGroups', { query: 7 } as never);
    expect(wrong).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('query') }) });
    const long = await t.invoke('admin', 'searchGroups', { query: 'x'.repeat(101) });
    expect(long).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('query') }) });
  });
});
