import fc from 'fast-check';
import { fromWebTriggerResponse } from '../../local/platform/web-triggers';
import { resolverPayloadSchemas } from '../../src/shared/resolver-schemas';
import type { ErrorCode, ResolverResult } from '../../src/shared/resolver-contract';
import { ROUTES } from '../../src/webtriggers/routes';
import { startTestHost, type TestHost } from '../support/host-fixture';
import { dumpStorage, type StoredRow } from '../support/storage-dump';

/**
 * Issue 11, fuzzing: generated payloads for every resolver of the contract and generated bodies
 * for every route of the management API. Whatever comes in, the answer is a documented error
 * (`ok: false` with a known code, or a 4xx JSON `{error: {code, message}}`) or a success; nothing
 * throws; and a refused call leaves storage exactly as it was (the whole KVS, compared row by row).
 * The queues are stopped after set-up so the only writes are the calls' own.
 */

const REST_RUNS = 1_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_111);

const ERROR_CODES: readonly ErrorCode[] = ['INVALID_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'STALE_REVISION', 'CONFLICT', 'LIMIT_EXCEEDED', 'UNAVAILABLE'];

/** Resolvers that only read: even their successes must leave storage as it was. */
const READ_ONLY = new Set([
  'getSession',
  'listFieldDefinitions',
  'countFieldUsage',
  'listFieldCleanups',
  'getProjectFields',
  'searchUsers',
  'searchBrowsableProjects',
  'getUsers',
  'listWebhooks',
  'getWebhook',
  'checkWebhookUrl',
  'listDeliveries',
  'getDelivery',
  'listProjects',
  'listApiTokens',
  'getApiBaseUrl',
]);

let t: TestHost;
let webhookId: string;
let budgetId: number;
let apiToken: string;

beforeAll(async () => {
  t = await startTestHost({ allowLoopbackTargets: false, log: () => undefined });
  webhookId = (await t.invokeOk('admin', 'createWebhook', { name: 'Fuzz target', url: 'https://hooks.example.com/fuzz' })).webhook.id;
  const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
  budgetId = view.fields.find((f) => f.name === 'Budget')?.id ?? 0;
  apiToken = 'prw_fuzz-token-0123456789abcdef0123';
  await t.host.seedApiToken(apiToken, t.accountId('admin'));
  await t.host.queues.stop();
});

afterAll(async () => {
  await t.stop();
});

beforeEach(() => {
  // Resolver summaries and expected refusals would flood the output; they are not what is judged.
  for (const level of ['info', 'log', 'warn'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** A payload near the valid one of each resolver (generated from the resolver list: a new resolver without one fails to compile). */
const validPayloads = (): Record<keyof typeof resolverPayloadSchemas, Record<string, unknown> | undefined> => ({
  getSession: undefined,
  listFieldDefinitions: undefined,
  createField: { name: 'Fuzzed', type: 'number', decimals: 2 },
  updateField: { id: budgetId, name: 'Budget' },
  countFieldUsage: { id: budgetId },
  deleteField: { id: 999_999 },
  listFieldCleanups: undefined,
  getProjectFields: { projectKey: 'DEMO' },
  saveProjectFields: { projectKey: 'DEMO', baseRevision: 0, values: { [String(budgetId)]: 1 } },
  searchUsers: { query: 'a' },
  searchBrowsableProjects: { query: 'D' },
  getUsers: { accountIds: [t.accountId('admin')] },
  listProjectRoles: undefined,
  searchGroups: { query: 'fin' },
  listWebhooks: undefined,
  getWebhook: { id: webhookId },
  createWebhook: { name: 'Fuzzed hook', url: 'https://hooks.example.com/new' },
  updateWebhook: { id: webhookId, active: true },
  deleteWebhook: { id: 'not-this-one' },
  rotateWebhookSecret: { id: 'not-this-one' },
  checkWebhookUrl: { url: 'https://hooks.example.com/x' },
  sendTestDelivery: { id: webhookId },
  listDeliveries: { webhookId, limit: 5, cursor: 'not-a-cursor' },
  getDelivery: { deliveryId: 'msg_0000' },
  redeliver: { deliveryId: 'msg_0000' },
  cancelDelivery: { deliveryId: 'msg_0000' },
  resendFailed: { webhookId, since: 0 },
  listProjects: { query: 'D' },
  listApiTokens: undefined,
  createApiToken: { name: 'Fuzzed token' },
  revokeApiToken: { id: 'not-a-token' },
  getApiBaseUrl: undefined,
});

/** Hostile leaves: wrong types, huge and odd strings, prototype keys, deep nesting. */
const hostile = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('', ' ', '../..', '%2e%2e', '__proto__', 'constructor', '\u0000', 'DROP TABLE', 'x'.repeat(5000), '<script>', 'whsec_', -1, 0, 1.5, 2 ** 53, Number.NaN, null, true, [], {}),
  fc.integer(),
  fc.double(),
);

/** A valid payload with one property replaced, removed, or a stray one added; or anything at all. */
function payloadFor(valid: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid ?? {});
  const base = valid ?? {};
  const variants: fc.Arbitrary<unknown>[] = [
    hostile,
    fc.record({ key: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'accountId')), value: hostile }).map(({ key, value }) => ({ ...base, [key]: value })),
  ];
  if (keys.length > 0) {
    // Same types, other values: these pass the schema and reach the use cases (unknown ids, conflicts, writes).
    variants.push(fc.record(Object.fromEntries(Object.entries(base).map(([key, value]) => [key, sameType(value)]))));
    variants.push(fc.record({ key: fc.constantFrom(...keys), value: hostile }).map(({ key, value }) => ({ ...base, [key]: value })));
    variants.push(fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key))));
  }
  return fc.oneof(...variants);
}

function sameType(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'string') return fc.oneof(fc.constant(value), fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/), fc.string({ maxLength: 40 }));
  if (typeof value === 'number') return fc.oneof(fc.constant(value), fc.integer({ min: 0, max: 2_000_000 }), fc.integer());
  if (typeof value === 'boolean') return fc.boolean();
  return fc.constant(value);
}

function expectDocumented(result: ResolverResult<unknown>): void {
  if (result.ok) return;
  expect(ERROR_CODES).toContain(result.error.code);
  expect(typeof result.error.message).toBe('string');
  expect(result.error.message.length).toBeGreaterThan(0);
  // Never a stack trace or an internal error's text.
  expect(result.error.message).not.toMatch(/\n\s+at |TypeError|ReferenceError|SQLITE/);
}

describe('resolver payloads', () => {
  const names = Object.keys(resolverPayloadSchemas) as (keyof typeof resolverPayloadSchemas)[];
  // Spread over every resolver: at least 1,000 payloads per run, however many resolvers there are.
  const runs = Math.ceil(1_000 / names.length) + 2;
  let total = 0;
  const outcomes = new Map<string, number>();
  afterAll(() => {
    expect(total).toBeGreaterThanOrEqual(1_000);
    // The generator reaches past the schema too: some calls succeed, some fail in the use case.
    expect(outcomes.get('ok')).toBeGreaterThan(50);
    expect(outcomes.get('NOT_FOUND')).toBeGreaterThan(10);
    expect(outcomes.get('INVALID_INPUT')).toBeGreaterThan(200);
  });

  it.each(names)('%s: documented answers only, refused calls write nothing', async (name) => {
    const valid = validPayloads()[name];
    await fc.assert(
      fc.asyncProperty(payloadFor(valid), async (payload) => {
        total += 1;
        const before = dumpStorage(t.host);
        const invoke = t.invoke as unknown as (user: 'admin', name: string, payload: unknown) => Promise<ResolverResult<unknown>>;
        const result = await invoke('admin', name, payload);
        expectDocumented(result);
        const outcome = result.ok ? 'ok' : result.error.code;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (!result.ok || READ_ONLY.has(name)) expect(dumpStorage(t.host)).toEqual(before);
      }),
      { numRuns: runs, seed: SEED, endOnFailure: true },
    );
  });
});

describe('management API bodies, paths and queries', () => {
  /** Token use is recorded (lastUsedAt) on every call: not a write of the request's own. */
  const ignore = (row: StoredRow) => row.key.startsWith('api-token:');
  type ApiCall = { method: string; path: string; contentType: string | undefined; body: string; query: Record<string, string[]> };

  const segment = fc.oneof(fc.constantFrom('DEMO', 'OPS', 'NOPE', 'msg_0000', '..', '%2e', '%2F', 'a b'), fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent));
  const jsonBody = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '{', '{"fields":{}}', '{"projects":{"DEMO":{"Budget":"x"}}}', '{"name":"","url":"http://x"}', '{"__proto__":{"admin":true}}', 'null', '[]'),
    fc.record({ name: hostile, url: hostile, projects: hostile, fields: hostile, active: hostile }, { requiredKeys: [] }).map((v) => JSON.stringify(v) ?? ''),
    fc.record({ fields: fc.dictionary(fc.oneof(fc.constantFrom('Budget', 'Status', String(budgetId)), fc.string({ maxLength: 10 })), hostile) }, { requiredKeys: [] }).map((v) => JSON.stringify(v) ?? ''),
  );
  const apiCall: fc.Arbitrary<ApiCall> = fc
    .record({
      route: fc.constantFrom(...ROUTES),
      params: fc.array(segment, { minLength: 3, maxLength: 3 }),
      useWebhook: fc.boolean(),
      body: jsonBody,
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', undefined),
      query: fc.dictionary(fc.constantFrom('status', 'cursor', 'limit', 'x', 'since'), fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 2 }), { maxKeys: 2 }),
    })
    .map(({ route, params, useWebhook, body, contentType, query }) => {
      let i = 0;
      const path = route.path.replace(/\{(\w+)\}/g, (_all, name: string) => (name === 'id' && useWebhook ? webhookId : (params[i++] ?? 'x')));
      // A write of a valid body is a real change: only route methods that take bodies get them.
      return { method: route.method, path, contentType, body: route.method === 'GET' || route.method === 'DELETE' ? '' : body, query };
    });

  const statuses = new Map<number, number>();
  afterAll(() => {
    // Every layer was reached: successes, schema refusals, unknown ids, wrong media types, wrong paths.
    for (const status of [200, 400, 404, 415]) expect(statuses.get(status)).toBeGreaterThan(5);
  });

  it(`${REST_RUNS} generated requests: 2xx or a 4xx JSON error, never 5xx; refused ones write nothing`, async () => {
    await fc.assert(
      fc.asyncProperty(apiCall, async (call) => {
        // The per-token bucket refills at 10/s of the virtual clock: keep it from answering 429 to everything.
        await t.host.clock.advance(150);
        const before = dumpStorage(t.host, { ignore });
        const raw = await t.host.runtime.invokeWebTrigger('management-api', {
          method: call.method,
          path: `/x1/fuzz${call.path}`,
          userPath: call.path,
          headers: { Authorization: [`Bearer ${apiToken}`], ...(call.contentType ? { 'Content-Type': [call.contentType] } : {}) },
          queryParameters: call.query,
          body: call.body,
        });
        const answer = fromWebTriggerResponse(raw);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) {
          const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.code).toBe('string');
          expect(typeof parsed.error?.message).toBe('string');
          expect(String(parsed.error?.message)).not.toMatch(/\n\s+at |TypeError|ReferenceError|SQLITE/);
          expect(dumpStorage(t.host, { ignore })).toEqual(before);
        }
      }),
      { numRuns: REST_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 120_000);
});

describe('input hygiene, generated', () => {
  const ignore = (row: StoredRow) => row.key.startsWith('api-token:');
  const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,10}[A-Za-z0-9]$/);
  /** A code unit no name or one-line text may hold: C0 and C1 controls, DEL, half a surrogate pair. */
  const badUnit = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }), fc.integer({ min: 0xd800, max: 0xdfff })).map((code) => String.fromCharCode(code));
  /** The bad unit inside the text (edges are trimmed), never completing a surrogate pair with its neighbours. */
  const dirty = fc.tuple(word, badUnit, word).map(([a, bad, b]) => `${a}${bad}${b}`);

  const send = async (method: string, path: string, body: unknown) => {
    await t.host.clock.advance(150);
    const raw = await t.host.runtime.invokeWebTrigger('management-api', {
      method,
      path: `/x1/fuzz${path}`,
      userPath: path,
      headers: { Authorization: [`Bearer ${apiToken}`], 'Content-Type': ['application/json'] },
      queryParameters: {},
      body: JSON.stringify(body),
    });
    return fromWebTriggerResponse(raw);
  };

  it('a field, option or webhook name with a control character or half a surrogate pair is refused, and nothing is stored', async () => {
    await fc.assert(
      fc.asyncProperty(dirty, fc.constantFrom('field', 'option', 'webhook'), async (name, where) => {
        const before = dumpStorage(t.host, { ignore });
        const answer =
          where === 'webhook'
            ? await send('POST', '/webhooks', { name, url: 'https://hooks.example.com/x' })
            : await send('POST', '/fields', where === 'field' ? { name, type: 'text' } : { name: 'Phase', type: 'list', options: [{ name, colour: 'blue', enabled: true }] });
        expect(answer.status).toBe(400);
        expect(dumpStorage(t.host, { ignore })).toEqual(before);
      }),
      { numRuns: 150, seed: SEED, endOnFailure: true },
    );
  }, 60_000);

  it('a text value with a control character or half a surrogate pair is refused (422), and nothing is stored', async () => {
    await fc.assert(
      fc.asyncProperty(dirty, async (value) => {
        const before = dumpStorage(t.host, { ignore });
        const answer = await send('PATCH', '/projects/DEMO/fields', { fields: { Summary: value.replace(/[\n\r\t]/g, '\u0000') } });
        expect(answer.status).toBe(422);
        expect(dumpStorage(t.host, { ignore })).toEqual(before);
      }),
      { numRuns: 100, seed: SEED, endOnFailure: true },
    );
  }, 60_000);
});
