import { fromWebTriggerResponse } from '../../local/platform/web-triggers';
import { resolverPayloadSchemas } from '../../src/shared/resolver-schemas';
import type { ResolverResult } from '../../src/shared/resolver-contract';
import { ROUTES } from '../../src/webtriggers/routes';
import { DEMO_USERS } from '../../local/platform/jira-site';
import { startTestHost, type DemoUserName, type TestHost } from '../support/host-fixture';
import { dumpStorage, queuedEventCount, type StoredRow } from '../support/storage-dump';

/**
 * Issue 11, the authorization matrix, generated from the resolver list and the API's route table:
 * every resolver not known to be open to project users is refused to everyone but Jira admins
 * (a new resolver is admin-only here until someone says otherwise), project data is refused to
 * those without the project's permission, and every API route refuses no token, a revoked token and
 * the token of someone who is not a Jira admin. A refusal writes nothing.
 */

type ResolverName = keyof typeof resolverPayloadSchemas;

/** Open to any signed-in user; each checks the project's own permission where it has one. */
const OPEN_TO_USERS = new Set<ResolverName>(['getSession', 'listFieldDefinitions', 'getProjectFields', 'saveProjectFields', 'searchUsers', 'getUsers', 'searchBrowsableProjects']);
const NON_ADMINS: DemoUserName[] = ['projectAdmin', 'viewer', 'teammate', 'former'];

let t: TestHost;
let webhookId: string;
let budgetId: number;
let adminToken: string;
let revokedToken: string;
const tokens: Partial<Record<DemoUserName, string>> = {};

beforeAll(async () => {
  t = await startTestHost({ allowLoopbackTargets: false, log: () => undefined });
  webhookId = (await t.invokeOk('admin', 'createWebhook', { name: 'Guarded', url: 'https://hooks.example.com/guarded' })).webhook.id;
  budgetId = (await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).fields.find((f) => f.name === 'Budget')?.id ?? 0;
  // The token to revoke is seeded alone first, so it is the one the list shows.
  revokedToken = 'prw_authz-revoked-0123456789abcdef01';
  await t.host.seedApiToken(revokedToken, t.accountId('admin'));
  const [seeded] = (await t.invokeOk('admin', 'listApiTokens')).tokens;
  await t.invokeOk('admin', 'revokeApiToken', { id: seeded?.id ?? '' });
  adminToken = 'prw_authz-admin-0123456789abcdef0123';
  await t.host.seedApiToken(adminToken, t.accountId('admin'));
  for (const user of ['projectAdmin', 'viewer'] as const) {
    tokens[user] = `prw_authz-${user}-0123456789abcdef0123`;
    await t.host.seedApiToken(tokens[user], t.accountId(user));
  }
  await t.host.queues.stop();
});

afterAll(async () => {
  await t.stop();
});

beforeEach(() => {
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** A payload each resolver accepts from an admin, so a refusal below is about who asks. */
const validPayloads = (): Record<ResolverName, unknown> => ({
  getSession: undefined,
  listFieldDefinitions: undefined,
  createField: { name: 'Authz field', type: 'text' },
  updateField: { id: budgetId, description: 'changed' },
  countFieldUsage: { id: budgetId },
  deleteField: { id: budgetId },
  listFieldCleanups: undefined,
  getProjectFields: { projectKey: 'DEMO' },
  saveProjectFields: { projectKey: 'DEMO', baseRevision: 0, values: { [String(budgetId)]: 7 } },
  searchUsers: { query: 'a' },
  searchBrowsableProjects: { query: 'D' },
  getUsers: { accountIds: [t.accountId('admin')] },
  listProjectRoles: undefined,
  searchGroups: { query: 'fin' },
  listWebhooks: undefined,
  getWebhook: { id: webhookId },
  createWebhook: { name: 'Sneaky', url: 'https://hooks.example.com/sneaky' },
  updateWebhook: { id: webhookId, url: 'https://attacker.example.com/x' },
  deleteWebhook: { id: webhookId },
  rotateWebhookSecret: { id: webhookId },
  checkWebhookUrl: { url: 'https://hooks.example.com/x' },
  sendTestDelivery: { id: webhookId },
  listDeliveries: { webhookId },
  getDelivery: { deliveryId: 'msg_0000' },
  redeliver: { deliveryId: 'msg_0000' },
  cancelDelivery: { deliveryId: 'msg_0000' },
  resendFailed: { webhookId, since: 0 },
  listProjects: {},
  listApiTokens: undefined,
  createApiToken: { name: 'Sneaky token' },
  revokeApiToken: { id: 'whatever' },
  getApiBaseUrl: undefined,
});

async function call(user: DemoUserName | null, name: string, payload: unknown): Promise<ResolverResult<unknown>> {
  const projectPage = t.host.manifest.uiModules.find((m) => m.moduleType === 'jira:projectPage');
  return (await t.host.runtime.invokeResolver({
    moduleKey: projectPage?.key ?? '',
    functionKey: name,
    payload: payload ?? {},
    // No principal: what an anonymous page (or a forged call) would bring.
    accountId: user === null ? '' : DEMO_USERS[user].accountId,
    extensionContext: {},
  })) as ResolverResult<unknown>;
}

async function expectRefused(user: DemoUserName | null, name: string, payload: unknown, codes: readonly string[] = ['FORBIDDEN']): Promise<void> {
  const before = dumpStorage(t.host);
  const events = queuedEventCount(t.host);
  const result = await call(user, name, payload);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(codes).toContain(result.error.code);
  expect(dumpStorage(t.host)).toEqual(before);
  expect(queuedEventCount(t.host)).toBe(events);
}

describe('resolvers: admin-only unless known to be open', () => {
  const adminOnly = (Object.keys(resolverPayloadSchemas) as ResolverName[]).filter((name) => !OPEN_TO_USERS.has(name));
  const matrix = adminOnly.flatMap((name) => NON_ADMINS.map((user) => ({ name, user })));

  it('the matrix covers every admin resolver (webhooks, tokens, field catalog)', () => {
    expect(adminOnly).toEqual(expect.arrayContaining(['createWebhook', 'deleteWebhook', 'rotateWebhookSecret', 'listDeliveries', 'createApiToken', 'revokeApiToken', 'createField', 'deleteField']));
    expect(matrix.length).toBe(adminOnly.length * NON_ADMINS.length);
  });

  it.each(matrix)('$name as $user: FORBIDDEN, nothing written', async ({ name, user }) => {
    await expectRefused(user, name, validPayloads()[name]);
  });

  it.each(Object.keys(resolverPayloadSchemas) as ResolverName[])('%s without a principal: FORBIDDEN', async (name) => {
    await expectRefused(null, name, validPayloads()[name]);
  });
});

describe('resolvers open to project users still check the project', () => {
  it.each([
    { user: 'viewer', projectKey: 'DEMO', why: 'a viewer' },
    { user: 'teammate', projectKey: 'DEMO', why: 'a member who is not its admin' },
    { user: 'projectAdmin', projectKey: 'OPS', why: 'the project admin of another project (DEMO)' },
    { user: 'projectAdmin', projectKey: 'HR', why: 'someone who cannot even browse it' },
  ] as const)('saveProjectFields of $projectKey by $why: refused, nothing written', async ({ user, projectKey }) => {
    await expectRefused(user, 'saveProjectFields', { projectKey, baseRevision: 0, values: { [String(budgetId)]: 99 } }, ['FORBIDDEN', 'NOT_FOUND']);
  });

  it.each(['projectAdmin', 'viewer', 'teammate'] as const)('getProjectFields of HR by %s (cannot browse it): refused', async (user) => {
    await expectRefused(user, 'getProjectFields', { projectKey: 'HR' }, ['FORBIDDEN', 'NOT_FOUND']);
  });

  it('the project admin of DEMO may save DEMO (the matrix is not refusing everyone)', async () => {
    const result = await call('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [String(budgetId)]: 5 } });
    expect(result.ok).toBe(true);
  });
});

describe('management API routes: no token, revoked token, a non-admin’s token', () => {
  /** Token use is noted (lastUsedAt) on accepted tokens only; ignore it anyway. */
  const ignore = (row: StoredRow) => row.key.startsWith('api-token:');
  const concrete = (path: string) => path.replace('{key}', 'DEMO').replace('{id}', webhookId);
  const bodyOf = (method: string) => (method === 'POST' || method === 'PATCH' ? JSON.stringify({ name: 'x', url: 'https://hooks.example.com/y', fields: { Budget: 1 } }) : '');
  const who = [
    { label: 'no token', auth: () => undefined, status: 401 },
    { label: 'a malformed header', auth: () => 'Token abc', status: 401 },
    { label: 'a revoked token', auth: () => `Bearer ${revokedToken}`, status: 401 },
    { label: 'the project admin’s token', auth: () => `Bearer ${tokens.projectAdmin ?? ''}`, status: 403 },
    { label: 'a viewer’s token', auth: () => `Bearer ${tokens.viewer ?? ''}`, status: 403 },
  ];
  const matrix = ROUTES.flatMap((route) => who.map((w) => ({ ...w, method: route.method, path: route.path })));

  it.each(matrix)('$method $path with $label: $status', async ({ method, path, auth, status }) => {
    const before = dumpStorage(t.host, { ignore });
    const authorization = auth();
    const answer = fromWebTriggerResponse(
      await t.host.runtime.invokeWebTrigger('management-api', {
        method,
        path: `/x1/authz${concrete(path)}`,
        userPath: concrete(path),
        headers: { 'Content-Type': ['application/json'], ...(authorization ? { Authorization: [authorization] } : {}) },
        queryParameters: {},
        body: bodyOf(method),
      }),
    );
    expect(answer.status).toBe(status);
    expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    expect(dumpStorage(t.host, { ignore })).toEqual(before);
  });

  it('the admin’s own token passes the same routes (GET /webhooks answers 200)', async () => {
    const answer = fromWebTriggerResponse(
      await t.host.runtime.invokeWebTrigger('management-api', { method: 'GET', path: '/x1/authz/webhooks', userPath: '/webhooks', headers: { Authorization: [`Bearer ${adminToken}`] }, queryParameters: {}, body: '' }),
    );
    expect(answer.status).toBe(200);
  });
});
