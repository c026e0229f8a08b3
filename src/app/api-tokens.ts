import { formatApiToken, hashApiToken, sameTokenHash } from '../domain/api-token';
import type { ApiTokenRecord } from '../domain/records';
import { notFound } from './app-error';
import type { ApiTokenStore, Clock, IdGenerator } from './ports';

export interface ApiTokenDeps {
  readonly tokens: ApiTokenStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly randomBytes: (size: number) => Uint8Array;
}

/** Creates a token for `accountId`; the token itself is in the answer only, never stored. */
export async function createApiToken(deps: ApiTokenDeps, name: string, accountId: string): Promise<{ record: ApiTokenRecord; token: string }> {
  const token = formatApiToken(deps.randomBytes(32));
  return { record: await storeToken(deps, name, accountId, token), token };
}

async function storeToken(deps: ApiTokenDeps, name: string, accountId: string, token: string): Promise<ApiTokenRecord> {
  const record: ApiTokenRecord = {
    schemaVersion: 1,
    id: deps.ids.newId(),
    name: name.trim() || 'API token',
    hash: hashApiToken(token),
    createdBy: accountId,
    createdAt: deps.clock.now(),
    lastUsedAt: null,
  };
  await deps.tokens.save(record);
  return record;
}

/** The token's record when the token is valid; undefined otherwise. */
export async function authenticateApiToken(deps: Pick<ApiTokenDeps, 'tokens'>, token: string): Promise<ApiTokenRecord | undefined> {
  const hash = hashApiToken(token);
  const record = await deps.tokens.findByHash(hash);
  return record && sameTokenHash(record.hash, hash) ? record : undefined;
}

/** `lastUsedAt` is written at most this often per token: a busy script costs no write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Records that the token was used now (coarsely, see LAST_USED_RESOLUTION_MS). */
export async function noteApiTokenUse(deps: Pick<ApiTokenDeps, 'tokens' | 'clock'>, record: ApiTokenRecord): Promise<void> {
  const now = deps.clock.now();
  if (record.lastUsedAt !== null && now - record.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
  await deps.tokens.save({ ...record, lastUsedAt: now });
}

/** Every token, newest first; never a token value (only hashes are stored). */
export async function listApiTokens(deps: Pick<ApiTokenDeps, 'tokens'>): Promise<ApiTokenRecord[]> {
  return (await deps.tokens.list()).sort((a, b) => b.createdAt - a.createdAt);
}

/** Revoking is deleting: the next request with the token is 401. */
export async function revokeApiToken(deps: Pick<ApiTokenDeps, 'tokens'>, id: string): Promise<{ id: string }> {
  const exists = (await deps.tokens.list()).some((t) => t.id === id);
  if (!exists) throw notFound(`There is no API token with id ${id}. It may have been revoked already; reload the page.`);
  await deps.tokens.delete(id);
  return { id };
}
