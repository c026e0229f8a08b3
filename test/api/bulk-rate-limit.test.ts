import { startHostServer, type HostServer } from '../../local/server';
import { changeRecords, startTestHost, type TestHost } from '../support/host-fixture';

let t: TestHost;
let server: HostServer;
/** Save transactions that pass before the limit hits, then how many are refused. */
let passSaves = 0;
let failSaves = 0;
/** Queue pushes refused as over the event rate. */
let refusePushes = 0;
const token = 'prw_bulk-rate-limit-0123456789abcdef';

beforeEach(async () => {
  passSaves = 0;
  failSaves = 0;
  refusePushes = 0;
  let base = 'http://127.0.0.1';
  t = await startTestHost({
    baseUrl: () => base,
    interceptPlatform: async (request, next) => {
      if (request.path.startsWith('/webhook/queue/publish/') && refusePushes > 0) {
        refusePushes -= 1;
        return new Response(JSON.stringify({ errorMessage: 'Too many events' }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '60' } });
      }
      // Forge's storage answers 429 to the save transactions while `failSaves` says so.
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
  it('bulk: the project that hit it and those after are answered as not saved; the ones saved before get their fan-out wake-up at once', async () => {
    // DEMO saves; OPS hits the limit (the first save's transaction passes); HR is not tried.
    passSaves = 1;
    failSaves = 1;
    const answer = await patch('/projects/fields', { projects: { DEMO: { Budget: 1 }, OPS: { Budget: 2 }, HR: { Budget: 3 } } });
    expect(answer.status).toBe(200);
    const json = (await answer.json()) as { changed: number; failed: number; results: Record<string, { ok: boolean; error?: { code: string; message: string } }> };
    expect(json).toMatchObject({ changed: 1, failed: 2 });
    expect(json.results.DEMO?.ok).toBe(true);
    expect(json.results.OPS?.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('rate limit') });
    expect(json.results.HR?.error?.message).toMatch(/^Not attempted/);
    await t.host.settle();
    const [demo] = await changeRecords(13647);
    // Fanned out by the request's own wake-up, not minutes later by the sweeper.
    expect(demo?.pushState).toBe('fanned-out');
    expect(await changeRecords(13648)).toEqual([]);
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
