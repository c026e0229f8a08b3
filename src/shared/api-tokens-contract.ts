import { z } from 'zod';
import type { ResolverResult } from './result';

/**
 * The resolver contract of API tokens (Projectrak Administration -> API tokens): payload schemas
 * and answers. Merged into `ResolverDefs`; every resolver here is for Jira admins only.
 */

export const API_TOKEN_NAME_MAX_LENGTH = 120;

export const apiTokenPayloadSchemas = {
  listApiTokens: z.unknown(),
  createApiToken: z.strictObject({
    name: z.string().trim().min(1, 'name is required').max(API_TOKEN_NAME_MAX_LENGTH, `name has at most ${API_TOKEN_NAME_MAX_LENGTH} characters`),
  }),
  revokeApiToken: z.strictObject({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'token ids are letters, digits, _ and -') }),
  getApiBaseUrl: z.unknown(),
} as const;

export type ApiTokenPayloads = { readonly [K in keyof typeof apiTokenPayloadSchemas]: z.input<(typeof apiTokenPayloadSchemas)[K]> };

export interface ApiTokenDto {
  readonly id: string;
  readonly name: string;
  readonly createdBy: { readonly accountId: string; readonly displayName: string };
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

type R<T> = ResolverResult<T>;

export type ApiTokenResolverDefs = {
  listApiTokens: () => R<{ tokens: ApiTokenDto[] }>;
  /** `token` is in this answer only: it is stored hashed and can never be shown again. */
  createApiToken: (input: ApiTokenPayloads['createApiToken']) => R<{ apiToken: ApiTokenDto; token: string }>;
  revokeApiToken: (input: ApiTokenPayloads['revokeApiToken']) => R<{ id: string }>;
  /** The management API's base URL (the web trigger's URL on this site). */
  getApiBaseUrl: () => R<{ url: string }>;
};
