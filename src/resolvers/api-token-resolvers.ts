import { createApiToken, listApiTokens, revokeApiToken } from '../app/api-tokens';
import type { ApiTokenRecord } from '../domain/records';
import { apiTokenDeps, managementApiUrl } from '../forge/api-composition';
import type { ApiTokenDto } from '../shared/api-tokens-contract';
import { adminOnly, handle, type Deps } from './handle';

/** Creators' names for the list; someone Jira no longer knows shows as their account id. */
async function toDtos(deps: Deps, records: readonly ApiTokenRecord[]): Promise<ApiTokenDto[]> {
  const ids = [...new Set(records.map((r) => r.createdBy))];
  const users = ids.length > 0 ? await deps.jira.getUsers(ids) : [];
  const names = new Map(users.map((u) => [u.accountId, u.displayName]));
  return records.map((r) => ({
    id: r.id,
    name: r.name,
    createdBy: { accountId: r.createdBy, displayName: names.get(r.createdBy) ?? r.createdBy },
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
  }));
}

/** Projectrak Administration -> API tokens: Jira admins only, every one. */
export const apiTokenResolvers = {
  listApiTokens: handle('listApiTokens', async (deps) => ({ tokens: await toDtos(deps, await listApiTokens(apiTokenDeps())) }), adminOnly),
  createApiToken: handle(
    'createApiToken',
    async (deps, input) => {
      const created = await createApiToken(apiTokenDeps(), input.name, deps.accountId);
      const [apiToken] = await toDtos(deps, [created.record]);
      if (!apiToken) throw new Error('createApiToken: no token record to answer');
      return { apiToken, token: created.token };
    },
    adminOnly,
  ),
  revokeApiToken: handle('revokeApiToken', (_deps, input) => revokeApiToken(apiTokenDeps(), input.id), adminOnly),
  getApiBaseUrl: handle('getApiBaseUrl', async () => ({ url: await managementApiUrl() }), adminOnly),
};
