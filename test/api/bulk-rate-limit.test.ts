import { startHostServer, type HostServer } from '../../local/server';
import { SAVES_AT_ONCE } from '../../src/app/bulk-save';
import { changeRecords, startTestHost, type TestHost } from '../support/host-fixture';

let t: TestHost;
let server: HostServer;
/** Save transactions that pass before the limit hits, then how many are refused. */
let passSaves = 0;
let failSaves = 0;
/** Queue pushes refused as over the event rate. */
let refusePushes = 0;
/** Save transactions sent (passed, refused or not). */
let saveTransactions = 0;
/** Reads of project records (one key or a batch). */
let projectReads = 0;
const token = 'prw_bulk-rate-limit-0123456789abcdef';

beforeEach(async () => {
  passSaves = 0;
  failSaves = 0;
  refusePushes = 0;
  saveTransactions = 0;
  projectReads = 0;
  let base = 'http://127.0.0.1';
  t = await startTestHost({
    baseUrl: () => base,
    interceptPlatform: async (request, next) => {
      if (request.path.startsWith('/webhook/queue/publish/') && refusePushes > 0) {
        refusePushes -= 1;
        return new Response(JSON.stringify({ errorMessage: 'Too many events' }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '60' } });
      }
      // Forge's storage answers 429 to the save transactions while `failSaves` says so.
      if (request.path === '/api/v1/transaction' && request.body?.includes('"project-fields"')) saveTransactions += 1;
      if ((request.path === '/api/v1/entity/get' || request.path === '/api/v1/batch/get') && request.body?.includes('"project-fields"')) projectReads += 1;
      if (request.path === '/api/v1/transaction' && request.body?.includes('"project-fields"') && failSaves > 0) {
        if (passSaves > 0) {
          passSaves -= 1;
          return next();
        }
        failSaves -= 1;
        return new Response(JSON.stringify({ code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' } });
      }
      return next();
    },
  });
  server = await startHostServer(t.host, { port: 0 });
  base = server.baseUrl;
  await t.host.seedApiToken(token, t.accountId('admin'));
});

afterEach(async () => {
  await server.close();
  await t.stop();
});

const patch = (path: string, body: unknown) =>
  fetch(`${server.baseUrl}/x/management-api${path}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the platform’s storage rate limit on the management API', () => {
  it('bulk: the projects whose shared write hit it and those after are answered as not saved; the ones saved before get their fan-out wake-up at once', async () => {
    // Projects are saved SAVES_AT_ONCE side by side, their writes in one transaction: the first
    // transaction passes (DEMO and 11 more), the second is refused (12 projects), the last is not tried.
    const keys = ['DEMO', ...Array.from({ length: 2 * SAVES_AT_ONCE }, (_, i) => `RL${i}`)];
    keys.slice(1).forEach((key, i) => t.host.jira.addProject({ id: 30_000 + i, key, name: `Rate ${i}`, projectTypeKey: 'business', browsers: [], admins: [] }));
    passSaves = 1;
    failSaves = 1;
    const answer = await patch('/projects/fields', { projects: Object.fromEntries(keys.map((key, i) => [key, { Budget: i + 1 }])) });
    expect(answer.status).toBe(200);
    const json = (await answer.json()) as { changed: number; failed: number; results: Record<string, { ok: boolean; error?: { code: string; message: string } }> };
    expect(json).toMatchObject({ changed: SAVES_AT_ONCE, failed: SAVES_AT_ONCE + 1 });
    const results = keys.map((key) => json.results[key]);
    expect(results.slice(0, SAVES_AT_ONCE).every((r) => r?.ok === true)).toBe(true);
    for (const refused of results.slice(SAVES_AT_ONCE, 2 * SAVES_AT_ONCE)) expect(refused?.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/^Forge's storage rate limit was reached/) });
    expect(results[2 * SAVES_AT_ONCE]?.error?.message).toMatch(/^Not attempted/);
    await t.host.settle();
    const [demo] = await changeRecords(13647);
    // Fanned out by the request's own wake-up, not minutes later by the sweeper.
    expect(demo?.pushState).toBe('fanned-out');
    expect(await changeRecords(30_000 + 2 * SAVES_AT_ONCE - 1)).toEqual([]);
  });

  it('bulk: projects saved side by side share their read and their write, SAVES_AT_ONCE per batch and per transaction', async () => {
    const keys = ['DEMO', ...Array.from({ length: 2 * SAVES_AT_ONCE }, (_, i) => `SW${i}`)];
    keys.slice(1).forEach((key, i) => t.host.jira.addProject({ id: 31_000 + i, key, name: `Shared ${i}`, projectTypeKey: 'business', browsers: [], admins: [] }));
    const answer = await patch('/projects/fields', { projects: Object.fromEntries(keys.map((key, i) => [key, { Budget: i + 1 }])) });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ changed: keys.length, failed: 0 });
    expect(saveTransactions).toBe(3);
    expect(projectReads).toBe(3);
    await t.host.settle();
    for (const id of [13647, 31_000, 31_000 + 2 * SAVES_AT_ONCE - 1]) expect(await changeRecords(id)).toHaveLength(1);
  });

  it('bulk: changes are stored as pushed (no write per change to say so); a wake-up the event rate refuses is made up by the sweeper', async () => {
    refusePushes = 1;
    const answer = await patch('/projects/fields', { projects: { DEMO: { Budget: 1 }, OPS: { Budget: 2 } } });
    expect(answer.status).toBe(200);
    await t.host.settle();
    const stored = [...(await changeRecords(13647)), ...(await changeRecords(13648))];
    expect(stored.map((c) => c.pushState)).toEqual(['pushed', 'pushed']);
    // The sweeper runs every 5 minutes and wakes the fan-out for changes pushed 5 minutes ago and not fanned out.
    for (let round = 0; round < 3; round += 1) {
      await t.host.advanceClock(5 * 60_000);
      await t.host.settle();
    }
    const after = [...(await changeRecords(13647)), ...(await changeRecords(13648))];
    expect(after.map((c) => c.pushState)).toEqual(['fanned-out', 'fanned-out']);
  });

  it('one project: 429 with Retry-After, not a 500', async () => {
    failSaves = 10;
    const answer = await patch('/projects/DEMO/fields', { fields: { Budget: 1 } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(await answer.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('rate limit') } });
  });
});
