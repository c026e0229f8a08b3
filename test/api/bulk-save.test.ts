import { SAVES_AT_ONCE } from '../../src/app/bulk-save';
import type { PlatformRequest } from '../../local/platform/forge-seam';
import { startHostServer, type HostServer } from '../../local/server';
import { kvs } from '@forge/kvs';
import { asApp, changeRecords, startTestHost, type TestHost } from '../support/host-fixture';
import { fetchDocument, recordAnswer, useContractCheck } from './contract';

/**
 * PATCH /projects/fields with 100 projects when every Jira call takes 300 ms (the host's Jira
 * latency, passed on its virtual clock: the app's budget reads Date.now(), as on Forge): the
 * request checks every project, saves within its budget, hands the rest to the `bulk-saves`
 * consumer and answers 202 with where to see the outcome. A wake-up that cannot be pushed never
 * leaves projects nobody saves: they are answered as not saved.
 */
const TOKEN = 'prw_bulk-save-test-0123456789abcdef';
const WEB_TRIGGER_LIMIT_MS = 55_000;

useContractCheck();

let t: TestHost;
let server: HostServer;
/** What the next push of a bulk-saves wake-up does. */
let bulkPush: 'pass' | 'refuse' | 'lose-answer' = 'pass';
let beforeBulkPush: (() => void) | undefined;
/** While set, the bulk-saves consumer's platform calls wait for it. */
let holdConsumer: Promise<void> | undefined;
/** While set, every storage call of the bulk-saves consumer fails (a consumer that cannot run). */
let failConsumer = false;
/** Transactions of the bulk-saves consumer that save projects. */
let consumerSaveTransactions = 0;
/** How many of the consumer's project-saving transactions Forge's storage refuses (429) before it lets them pass. */
let refuseConsumerSaves = 0;
/** Each Jira call: the invocation that made it and the virtual time it started. */
let jiraCalls: { invocation: string; kind: string; at: number }[] = [];

const isBulkPush = (request: PlatformRequest) => request.path.startsWith('/webhook/queue/publish/') && (request.body ?? '').includes('"bulk-saves"');

beforeEach(async () => {
  bulkPush = 'pass';
  beforeBulkPush = undefined;
  holdConsumer = undefined;
  failConsumer = false;
  consumerSaveTransactions = 0;
  refuseConsumerSaves = 0;
  jiraCalls = [];
  let base = 'http://127.0.0.1';
  t = await startTestHost({
    baseUrl: () => base,
    interceptPlatform: async (request, next) => {
      if (request.invocation?.functionKey === 'bulk-saves-fn' && holdConsumer) await holdConsumer;
      if (request.invocation?.functionKey === 'bulk-saves-fn' && request.path === '/api/v1/transaction' && request.body?.includes('"project-fields"')) {
        consumerSaveTransactions += 1;
        if (refuseConsumerSaves > 0) {
          refuseConsumerSaves -= 1;
          return new Response(JSON.stringify({ code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '5' } });
        }
      }
      if (request.invocation?.functionKey === 'bulk-saves-fn' && failConsumer && request.options.type === 'kvs') {
        return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage is unavailable' }), { status: 500, headers: { 'content-type': 'application/json' } });
      }
      if (isBulkPush(request)) {
        beforeBulkPush?.();
        if (bulkPush === 'refuse') return new Response(JSON.stringify({ message: 'Service unavailable' }), { status: 503, headers: { 'content-type': 'application/json' } });
        if (bulkPush === 'lose-answer') {
          await next(); // the event is queued, but the app never learns it
          return new Response(JSON.stringify({ message: 'Bad gateway' }), { status: 502, headers: { 'content-type': 'application/json' } });
        }
      }
      return next();
    },
  });
  server = await startHostServer(t.host, { port: 0 });
  base = server.baseUrl;
  await t.host.seedApiToken(TOKEN, t.accountId('admin'));
  await fetchDocument(`${server.baseUrl}/x/management-api`);
  for (let i = 0; i < 97; i += 1) t.host.jira.addProject({ id: 20_000 + i, key: `P${i}`, name: `Project ${i}`, projectTypeKey: 'software', browsers: [], admins: [] });
});

afterEach(async () => {
  t.host.jira.setLatency(0);
  await server.close();
  await t.stop();
});

function slowJira(ms: number): void {
  t.host.jira.setLatency(ms, async (wait, request) => {
    jiraCalls.push({ invocation: request.invocation?.invocationId ?? 'none', kind: request.invocation?.moduleType ?? 'none', at: t.host.clock.now() });
    await t.host.clock.advance(wait);
  });
}

const api = async (method: string, pathOrUrl: string, body?: unknown) => {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${server.baseUrl}/x/management-api${pathOrUrl}`;
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  recordAnswer(method, url.slice(`${server.baseUrl}/x/management-api`.length), response, text);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read by shape
  return { status: response.status, headers: response.headers, json: (text ? JSON.parse(text) : undefined) as any };
};

const KEYS = ['DEMO', 'OPS', 'HR', ...Array.from({ length: 97 }, (_, i) => `P${i}`)];
const hundredProjects = (value: (i: number) => unknown = (i) => String(i + 1)): Record<string, Record<string, unknown>> => Object.fromEntries(KEYS.map((key, i) => [key, { Budget: value(i) }]));

/** The span of the web trigger's Jira calls in virtual time, plus the last call's latency. */
function webTriggerJiraSpan(latency: number): number {
  const calls = jiraCalls.filter((c) => c.kind === 'webtrigger');
  const first = calls[0]?.at ?? 0;
  const last = calls[calls.length - 1]?.at ?? 0;
  return last - first + latency;
}

async function revisionOf(key: string): Promise<number> {
  return (await api('GET', `/projects/${key}/fields`)).json.revision as number;
}

describe('PATCH /projects/fields over its time budget', () => {
  it('100 projects at 300 ms per Jira call: 202 well inside 55 s, the consumer saves the rest, GET /bulk-saves/{id} shows every result', async () => {
    slowJira(300);
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect(answer.status).toBe(202);
    const span = webTriggerJiraSpan(300);
    expect(span).toBeLessThan(WEB_TRIGGER_LIMIT_MS);
    // The admin check, the budget (30 s), and the saves started just before it ran out: SAVES_AT_ONCE
    // projects' two calls each, which the host's latency adds to the virtual clock one after the
    // other although they run side by side (the clock also moves with real time: 2 s of slack for a
    // loaded machine).
    expect(span).toBeLessThanOrEqual(300 + 30_000 + SAVES_AT_ONCE * 2 * 300 + 2_000);
    const { id, location, pending, results, changed, failed, status } = answer.json;
    expect(status).toBe('running');
    expect(location).toBe(`${server.baseUrl}/x/management-api/bulk-saves/${id}`);
    expect(answer.headers.get('location')).toBe(location);
    expect(answer.headers.get('retry-after')).toBe('10');
    const saved = Object.keys(results);
    expect(saved.length).toBeGreaterThan(20);
    expect(saved.length + pending.length).toBe(100);
    expect([...saved, ...pending]).toEqual(KEYS);
    expect({ changed, failed }).toEqual({ changed: saved.length, failed: 0 });

    await t.host.settle(120_000);
    const outcome = await api('GET', location);
    expect(outcome.status).toBe(200);
    expect(outcome.json).toMatchObject({ id, status: 'finished', changed: 100, failed: 0, pending: [] });
    expect(Object.keys(outcome.json.results)).toEqual(KEYS);
    expect(outcome.json.results.P96).toMatchObject({ ok: true, project: { key: 'P96' }, revision: 1, changes: [{ name: 'Budget', value: { current: '100.000', previous: null } }] });
    for (const key of ['DEMO', 'P50', 'P96']) expect(await revisionOf(key)).toBe(1);
    // One change each, fanned out by the wake-ups the request and the consumer pushed (none left for the sweeper).
    for (const projectId of [13647, 20_000, 20_050, 20_096]) expect((await changeRecords(projectId)).map((c) => c.pushState)).toEqual(['fanned-out']);
    // The consumer saves SAVES_AT_ONCE side by side too: their writes share transactions (one each would be pending.length).
    expect(consumerSaveTransactions).toBeGreaterThan(0);
    expect(consumerSaveTransactions).toBeLessThanOrEqual(Math.ceil(pending.length / SAVES_AT_ONCE) + 1);
  });

  it('more than one consumer run when the rest does not fit one: the consumer wakes itself and goes on', async () => {
    slowJira(1_500);
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect(answer.status).toBe(202);
    expect(webTriggerJiraSpan(1_500)).toBeLessThan(WEB_TRIGGER_LIMIT_MS);
    await t.host.settle(120_000);
    const consumerRuns = new Set(jiraCalls.filter((c) => c.kind === 'consumer').map((c) => c.invocation));
    expect(consumerRuns.size).toBeGreaterThan(1);
    const outcome = await api('GET', answer.json.location);
    expect(outcome.json).toMatchObject({ status: 'finished', changed: 100, failed: 0, pending: [] });
    // Each run that handed the rest on noted when: the next wake-up's 24 hours count from there.
    const job = await asApp(() => kvs.get<{ createdAt: number; lastRunAt?: number }>(`bulk-save:${String(answer.json.id)}`));
    expect(job?.lastRunAt).toBeGreaterThan(job?.createdAt ?? Number.POSITIVE_INFINITY);
  });

  it("the consumer meets Forge's storage rate limit: its run stops, the event comes back and goes on, every project saved once", async () => {
    slowJira(300);
    refuseConsumerSaves = 1;
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect(answer.status).toBe(202);
    await t.host.settle(120_000);
    expect(refuseConsumerSaves).toBe(0);
    await t.host.advanceClock(60_000);
    await t.host.settle(120_000);
    const outcome = await api('GET', answer.json.location);
    expect(outcome.json).toMatchObject({ status: 'finished', changed: 100, failed: 0, pending: [] });
    for (const key of answer.json.pending.slice(0, 3) as string[]) expect(await revisionOf(key)).toBe(1);
  });

  it('checks every project before saving any: a bad value late in the request is answered at once, never handed over', async () => {
    slowJira(300);
    const projects = hundredProjects();
    projects.P90 = { Budget: 'lots' };
    projects.P91 = { 'No such field': 1 };
    const answer = await api('PATCH', '/projects/fields', { projects });
    expect(answer.status).toBe(202);
    expect(answer.json.results.P90).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(answer.json.results.P91).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fieldErrors: { 'No such field': expect.any(String) } } });
    expect(answer.json.pending).not.toContain('P90');
    await t.host.settle(120_000);
    const outcome = await api('GET', answer.json.location);
    expect(outcome.json).toMatchObject({ status: 'finished', changed: 98, failed: 2 });
    expect(await revisionOf('P90')).toBe(0);
  });

  it('a project that fits the budget answers as before: 200, no job', async () => {
    slowJira(300);
    const answer = await api('PATCH', '/projects/fields', { projects: { DEMO: { Budget: 1 }, OPS: { Budget: 2 } } });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json).sort()).toEqual(['changed', 'failed', 'results']);
    expect(answer.json).toMatchObject({ changed: 2, failed: 0 });
    expect(answer.headers.get('location')).toBeNull();
  });

  it('the wake-up refused: the projects left are answered as not saved (200), and nobody saves them later', async () => {
    slowJira(300);
    bulkPush = 'refuse';
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect(answer.status).toBe(200);
    const results = answer.json.results as Record<string, { ok: boolean; error?: { code: string; message: string } }>;
    const notSaved = KEYS.filter((k) => !results[k]?.ok);
    expect(notSaved.length).toBeGreaterThan(0);
    expect(results[notSaved[0] ?? '']?.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('Not attempted') });
    expect(answer.json.failed).toBe(notSaved.length);
    await t.host.settle(120_000);
    for (const key of KEYS) expect({ key, revision: await revisionOf(key) }).toEqual({ key, revision: results[key]?.ok ? 1 : 0 });
  });

  it("the wake-up's answer lost: either the consumer has it or the request answers the rest as not saved, never both, never neither", async () => {
    slowJira(300);
    bulkPush = 'lose-answer';
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect([200, 202]).toContain(answer.status);
    await t.host.settle(120_000);
    const results = (answer.status === 202 ? (await api('GET', answer.json.location)).json.results : answer.json.results) as Record<string, { ok: boolean }>;
    expect(Object.keys(results)).toEqual(KEYS);
    for (const key of KEYS) expect({ key, revision: await revisionOf(key) }).toEqual({ key, revision: results[key]?.ok ? 1 : 0 });
  });

  it("the consumer acts as the token's creator only while they are a Jira admin (checked first)", async () => {
    slowJira(300);
    beforeBulkPush = () => t.host.jira.setJiraAdmin(t.accountId('admin'), false);
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect(answer.status).toBe(202);
    const pending = answer.json.pending as string[];
    await t.host.settle(120_000);
    t.host.jira.setJiraAdmin(t.accountId('admin'), true);
    const outcome = await api('GET', answer.json.location);
    expect(outcome.json).toMatchObject({ status: 'finished', failed: pending.length });
    expect(outcome.json.results[pending[0] ?? '']).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await revisionOf(pending[0] ?? '')).toBe(0);
  });

  it('GET /bulk-saves/{id} while the consumer has not finished: running, the pending projects, Retry-After', async () => {
    slowJira(300);
    let release = () => undefined as void;
    holdConsumer = new Promise<void>((resolve) => (release = resolve));
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect(answer.status).toBe(202);
    const running = await api('GET', answer.json.location);
    expect(running.status).toBe(200);
    expect(running.json).toMatchObject({ status: 'running', finishedAt: null, pending: answer.json.pending });
    expect(Object.keys(running.json.results)).toEqual(Object.keys(answer.json.results));
    expect(running.headers.get('retry-after')).toBe('10');
    release();
    holdConsumer = undefined;
    await t.host.settle(120_000);
    const finished = await api('GET', answer.json.location);
    expect(finished.json).toMatchObject({ status: 'finished', pending: [], changed: 100 });
    expect(finished.headers.get('retry-after')).toBeNull();
  });

  it('GET /bulk-saves/{id} of a job whose consumer never ran through (the platform gave up after 24 hours): stopped, the projects not saved', async () => {
    slowJira(300);
    failConsumer = true;
    const answer = await api('PATCH', '/projects/fields', { projects: hundredProjects() });
    expect(answer.status).toBe(202);
    await t.host.settle();
    // The platform retries the failing event for 24 hours after its push: until then it may still run.
    await t.host.advanceClock(23 * 3_600_000);
    await t.host.settle();
    const waiting = await api('GET', answer.json.location);
    expect(waiting.json).toMatchObject({ status: 'running', pending: answer.json.pending });
    await t.host.advanceClock(2 * 3_600_000);
    await t.host.settle();
    const stopped = await api('GET', answer.json.location);
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ status: 'stopped', finishedAt: null, pending: answer.json.pending, changed: answer.json.changed });
    expect(stopped.headers.get('retry-after')).toBeNull();
    expect(await revisionOf(String(answer.json.pending[0]))).toBe(0);
  });

  it('GET /bulk-saves/{id} of an unknown id is 404', async () => {
    const answer = await api('GET', '/bulk-saves/no-such-job');
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe('NOT_FOUND');
  });
});
