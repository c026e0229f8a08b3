import { badRequest } from './errors';

/** Forge hosted storage limits (KVS and Custom Entity Store) the host enforces. */
export const KVS_LIMITS = {
  keyMaxLength: 500,
  /** Serialized JSON of one value or entity, in bytes (240 KiB). */
  valueMaxBytes: 240 * 1024,
  /** Serialized JSON of one secret, in bytes (Forge: 128 KiB, less than a value). */
  secretMaxBytes: 128 * 1024,
  /** Nesting of objects and arrays in one value. */
  valueMaxDepth: 32,
  queryDefaultLimit: 10,
  queryMaxLimit: 100,
  batchMaxItems: 25,
  transactionMaxOperations: 25,
} as const;

/** Forge's key format: letters, digits, `:._-#` and white space, not only white space. */
const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;
const KEY_PATTERN_TEXT = '/^(?!\\s+$)[a-zA-Z0-9:._\\s-#]+$/';

export type KeyKind = 'value' | 'secret' | 'entity';

export function checkKey(key: unknown, kind: KeyKind): string {
  if (typeof key !== 'string') throw badRequest('BAD_REQUEST', 'Provided request body is invalid: key must be a string');
  if (key.length === 0) {
    throw kind === 'entity'
      ? badRequest('EMPTY_KEY', 'Key cannot be empty.')
      : badRequest('KEY_TOO_SHORT', 'The provided key needs to be at least one character.');
  }
  if (key.length > KVS_LIMITS.keyMaxLength) {
    throw badRequest('KEY_TOO_LONG', `The provided key has exceeded the maximum ${KVS_LIMITS.keyMaxLength} characters (it has ${key.length}).`, {
      limit: KVS_LIMITS.keyMaxLength,
    });
  }
  if (!KEY_PATTERN.test(key)) throw badRequest('INVALID_KEY', `The provided key does not match the regex: ${KEY_PATTERN_TEXT}`);
  return key;
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  if (Array.isArray(value)) {
    for (const child of value as unknown[]) {
      const depth = depthOf(child);
      if (depth > deepest) deepest = depth;
    }
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const depth = depthOf(record[key]);
      if (depth > deepest) deepest = depth;
    }
  }
  return deepest + 1;
}

/**
 * Checks a value to store (JSON string, number, boolean, array or object; not null) and returns
 * its serialized form, the bytes that count against the size limit.
 */
export function serializeValue(value: unknown, kind: 'value' | 'secret' = 'value'): string {
  if (value === undefined) throw badRequest('BAD_REQUEST', 'Provided request body is invalid: value is required');
  if (value === null) {
    throw badRequest('BAD_REQUEST', 'Provided request body is invalid: value must be a string, number, boolean, array or object (null is not stored; delete the key instead)');
  }
  const depth = depthOf(value);
  if (depth > KVS_LIMITS.valueMaxDepth) {
    throw badRequest('MAX_DEPTH', `The provided value has exceeded the maximum object depth (${KVS_LIMITS.valueMaxDepth}) limit (it has ${depth}).`, {
      limit: KVS_LIMITS.valueMaxDepth,
    });
  }
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json, 'utf8');
  const limit = kind === 'secret' ? KVS_LIMITS.secretMaxBytes : KVS_LIMITS.valueMaxBytes;
  if (bytes > limit) {
    throw badRequest(
      'MAX_SIZE',
      `The provided ${kind} has exceeded the maximum size limit of ${limit / 1024} KiB (${limit} bytes): it has ${bytes} bytes.`,
      { limit, size: bytes },
    );
  }
  return json;
}

const TTL_UNIT_MS = { SECONDS: 1_000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

/** The expiry (epoch ms) a `ttl` option asks for, or null without one. */
export function expiryFromTtl(ttl: unknown, now: number): number | null {
  if (ttl === undefined || ttl === null) return null;
  const { value, unit } = ttl as { value?: unknown; unit?: unknown };
  if (typeof unit !== 'string' || !(unit in TTL_UNIT_MS)) {
    throw badRequest('INVALID_TTL', `The ttl unit must be one of ${Object.keys(TTL_UNIT_MS).join(', ')}, got ${JSON.stringify(unit)}.`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw badRequest('INVALID_TTL', `The ttl value must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return now + value * TTL_UNIT_MS[unit as keyof typeof TTL_UNIT_MS];
}

export function checkQueryLimit(limit: unknown, code: 'LIST_QUERY_LIMIT_EXCEEDED' | 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE'): number {
  if (limit === undefined || limit === null) return KVS_LIMITS.queryDefaultLimit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > KVS_LIMITS.queryMaxLimit) {
    throw badRequest(code, `The query limit must be between 1 and ${KVS_LIMITS.queryMaxLimit} (maximum ${KVS_LIMITS.queryMaxLimit} per page), got ${JSON.stringify(limit)}.`, {
      limit: KVS_LIMITS.queryMaxLimit,
    });
  }
  return limit;
}
