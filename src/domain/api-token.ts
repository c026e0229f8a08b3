import { createHash, timingSafeEqual } from 'node:crypto';

/** Management API tokens: `prw_` + 43 base64url characters (32 random bytes). Only hashes are stored. */
export const API_TOKEN_PREFIX = 'prw_';
export const MIN_API_TOKEN_LENGTH = 20;

export function formatApiToken(randomBytes32: Uint8Array): string {
  if (randomBytes32.length !== 32) throw new RangeError(`an API token needs 32 random bytes, got ${randomBytes32.length}`);
  return API_TOKEN_PREFIX + Buffer.from(randomBytes32).toString('base64url');
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two token hashes (hex). */
export function sameTokenHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** `Authorization: Bearer <token>` -> the token, or why not. */
export function parseBearerToken(header: string | undefined): { ok: true; token: string } | { ok: false; reason: string } {
  if (!header) return { ok: false, reason: 'Missing Authorization header. Send "Authorization: Bearer <API token>".' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return { ok: false, reason: 'The Authorization header must be "Bearer <API token>".' };
  if (match[1].length < MIN_API_TOKEN_LENGTH) return { ok: false, reason: 'The API token is not valid.' };
  return { ok: true, token: match[1] };
}
