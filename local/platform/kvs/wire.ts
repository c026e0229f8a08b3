import type { StoredItem } from './store';
import { badRequest } from './errors';
import { sizedResponse } from '../response-size';

/** The JSON shapes of the KVS wire protocol, shared by every operation. */
export type Loose = Record<string, unknown>;

export const METADATA_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];

// ---------------------------------------------------------------- request parsing

export function asObject(value: unknown, what: string): Loose {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('BAD_REQUEST', `Provided request body is invalid: ${what} must be an object`);
  return value as Loose;
}

export function optionalObject(value: unknown, what: string): Loose {
  return value === undefined || value === null ? {} : asObject(value, what);
}

export function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === '') throw badRequest('BAD_REQUEST', 'Provided request body is invalid: the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('BAD_REQUEST', 'Provided request body is invalid: not JSON');
  }
}

const isMetadataField = (field: unknown): boolean => (METADATA_FIELDS as readonly unknown[]).includes(field);

export function metadataFields(value: unknown): readonly MetadataField[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isMetadataField)) {
    throw badRequest('BAD_REQUEST', `Provided request body is invalid: metadataFields must be a list of ${METADATA_FIELDS.join(', ')}`);
  }
  return value as MetadataField[];
}

// ---------------------------------------------------------------- responses

export function json(body: unknown): Response {
  return sizedResponse(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

export const noContent = (): Response => sizedResponse(null, { status: 204 });

/** Forge gives times as epoch seconds and the expiry as an ISO-8601 instant. */
const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
const isoInstant = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function withMetadata(result: Loose, item: StoredItem, fields: readonly MetadataField[] | 'all'): Loose {
  if (fields !== 'all' && fields.length === 0) return result;
  const all = fields === 'all';
  if (all || fields.includes('CREATED_AT')) result.createdAt = epochSeconds(item.createdAt);
  if (all || fields.includes('UPDATED_AT')) result.updatedAt = epochSeconds(item.updatedAt);
  if ((all || fields.includes('EXPIRE_TIME')) && item.expiresAt !== null) result.expireTime = isoInstant(item.expiresAt);
  return result;
}

export const itemBody = (item: StoredItem, fields: readonly MetadataField[] | 'all'): Loose => withMetadata({ key: item.key, value: JSON.parse(item.value) as unknown }, item, fields);

// ---------------------------------------------------------------- cursors

/** A cursor: the position to go on from, and when it was issued (cursors expire). */
export function encodeCursor(position: Loose, now: number): string {
  return Buffer.from(JSON.stringify({ ...position, t: now }), 'utf8').toString('base64url');
}

/** The position of a cursor this host issued at most `ttlMs` ago, without its issue time. */
export function decodeCursor(cursor: unknown, now: number, ttlMs: number): Loose | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  let position: unknown;
  if (typeof cursor === 'string') {
    try {
      position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    } catch {
      // not ours: refused below
    }
  }
  if (position === null || typeof position !== 'object' || Array.isArray(position) || typeof (position as Loose).t !== 'number') {
    throw badRequest('INVALID_CURSOR', 'The provided cursor is invalid: pass back a cursor this query returned.');
  }
  const { t, ...rest } = position as Loose;
  if (now - (t as number) > ttlMs) throw badRequest('INVALID_CURSOR', 'The provided cursor has expired: run the query again from the start.');
  return rest;
}
