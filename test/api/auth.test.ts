import { kvs } from '@forge/kvs';
import { asApp } from '../support/host-fixture';
import { expectError, useApiFixture } from './api-fixture';

const api = useApiFixture();

describe('management API: tokens and who a request acts as', () => {
  it('answers 401 without a token, with a malformed header, or with an unknown token', async () => {
    const { call } = api();
    const missing = await call('GET', '/webhooks', { token: null });
    expectError(missing, 401, 'UNAUTHORIZED');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expectError(await call('GET', '/webhooks', { token: null, headers: { Authorization: 'Basic abc' } }), 401, 'UNAUTHORIZED');
    expectError(await call('GET', '/webhooks', { token: 'prw_not-a-token-that-exists-000000' }), 401, 'UNAUTHORIZED');
  });

  it('accepts the header name in any case', async () => {
    const { call, token } = api();
    expect((await call('GET', '/webhooks', { token: null, headers: { aUtHoRiZaTiOn: `Bearer ${token}` } })).status).toBe(200);
  });

  it('a revoked token is 401 at once', async () => {
    const { call, t, token } = api();
    expect((await call('GET', '/fields')).status).toBe(200);
    const list = await t.invokeOk('admin', 'listApiTokens');
    const seeded = list.tokens.find((x) => x.name.includes('--api-token'));
    await t.invokeOk('admin', 'revokeApiToken', { id: seeded?.id ?? '' });
    expectError(await call('GET', '/fields', { token }), 401, 'UNAUTHORIZED');
  });

  it("a demoted admin's token is 403, and works again once they are an admin again", async () => {
    const { call, t } = api();
    t.host.jira.setJiraAdmin(t.accountId('admin'), false);
    const refused = await call('GET', '/webhooks');
    expectError(refused, 403, 'FORBIDDEN');
    expect(refused.json.error.message).toMatch(/no longer a Jira admin/);
    t.host.jira.setJiraAdmin(t.accountId('admin'), true);
    expect((await call('GET', '/webhooks')).status).toBe(200);
  });

  it("a token of someone who is not a Jira admin is 403 (a project admin's too)", async () => {
    const { call, seedToken } = api();
    expectError(await call('GET', '/fields', { token: await seedToken('projectAdmin') }), 403, 'FORBIDDEN');
  });

  it('stores only the hash and records lastUsedAt', async () => {
    const { call, t, token } = api();
    const before = (await t.invokeOk('admin', 'listApiTokens')).tokens[0];
    expect(before?.lastUsedAt).toBeNull();
    await call('GET', '/fields');
    const after = (await t.invokeOk('admin', 'listApiTokens')).tokens[0];
    expect(after?.lastUsedAt).toEqual(expect.any(Number));
    const stored = await asApp(async () => (await kvs.query().limit(100).getMany()).results);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('rate limit: over a burst of 20 a token gets 429 with Retry-After; another token is not affected', async () => {
    const { call, seedToken } = api();
    const answers = await Promise.all(Array.from({ length: 50 }, () => call('GET', '/openapi-not-a-route')));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 404).length).toBeGreaterThanOrEqual(20);
    expectError(limited[0] ?? answers[0]!, 429, 'RATE_LIMITED');
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/fields', { token: await seedToken('admin') })).status).toBe(200);
  });

  it('the token never appears in what the function logs', async () => {
    const { call, token } = api();
    const lines: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error'] as const) jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    await call('GET', '/webhooks/nope');
    await call('POST', '/webhooks', { raw: '{bad' , headers: { 'Content-Type': 'application/json' } });
    await call('GET', '/fields', { token: `${token}x` });
    expect(lines.join('\n')).not.toContain(token);
  });
});
