/**
 * The storage errors the app acts on, recognised in one place. Forge documents `RATE_LIMIT_EXCEEDED`
 * (429) and the 400 codes of its tables, but not what a failed transaction condition or a bad query
 * cursor answers: `CONDITIONAL_CHECK_FAILED` and `INVALID_CURSOR` are what the SDK's own tests and
 * our host use. So each check reads every part of the error that could carry the meaning (the
 * code, the error's name, the HTTP status the SDK keeps in `responseDetails`, and the message or
 * the raw body of an answer the SDK could not parse) and takes the first that speaks.
 *
 * Pure: no `@forge/*` import, so use cases, entry points and adapters can all share it.
 */

interface ErrorParts {
  /** Upper case, any separator turned into `_` (`conditional-check-failed` -> `CONDITIONAL_CHECK_FAILED`). */
  readonly code: string;
  readonly name: string;
  readonly status: number | undefined;
  /** The message and, for an answer the SDK could not parse, its raw text. */
  readonly text: string;
}

function partsOf(error: unknown): ErrorParts | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as {
    code?: unknown;
    name?: unknown;
    status?: unknown;
    statusCode?: unknown;
    message?: unknown;
    responseDetails?: { status?: unknown };
    context?: { responseText?: unknown };
  };
  const status = [e.responseDetails?.status, e.status, e.statusCode].find((s): s is number => typeof s === 'number' && Number.isInteger(s));
  const text = [e.message, e.context?.responseText].filter((t): t is string => typeof t === 'string').join(' ');
  return {
    code: typeof e.code === 'string' ? e.code.toUpperCase().replace(/[^A-Z0-9]+/g, '_') : '',
    name: typeof e.name === 'string' ? e.name : '',
    status,
    text,
  };
}

/** The SDK's code for an answer it could not read: then only the status and the text can tell. */
const UNREAD = new Set(['', 'UNKNOWN_ERROR', 'INTERNAL_SERVER_ERROR']);

/**
 * A conditional write (a transaction's `conditions`) did not hold: someone changed the record
 * meanwhile. Callers read the record again before deciding anything, so a 409 or 412 of any code
 * counts too (a conflicting concurrent transaction means the same to them).
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  const p = partsOf(error);
  if (!p) return false;
  if (/CONDITION(AL)?_?(CHECK_?)?(FAILED|FAILURE|NOT_MET|UNMET)/.test(p.code)) return true;
  if (/ConditionalCheckFailed|ConditionFailed/i.test(p.name)) return true;
  if (p.status === 409 || p.status === 412) return true;
  return UNREAD.has(p.code) && /condition(al)?s?( check)? (failed|were not met|was not met|not satisfied)/i.test(p.text);
}

/** A query cursor the service does not accept (edited, from another query, or expired). */
export function isInvalidCursor(error: unknown): boolean {
  const p = partsOf(error);
  if (!p) return false;
  if (/CURSOR/.test(p.code)) return true;
  return (p.status === 400 || (p.status === undefined && UNREAD.has(p.code))) && /\bcursor\b/i.test(p.text) && /invalid|expired|malformed|not valid/i.test(p.text);
}

/**
 * Forge's storage answered 429 (`RATE_LIMIT_EXCEEDED`): the installation's KVS rate, not a bug;
 * the same work may be tried again shortly.
 */
export function isStorageRateLimited(error: unknown): boolean {
  const p = partsOf(error);
  if (!p) return false;
  if (p.status === 429) return true;
  if (/RATE_?LIMIT|TOO_MANY_REQUESTS|THROTTL/.test(p.code)) return true;
  if (/RateLimit|TooManyRequests|Throttl/i.test(p.name)) return true;
  return p.status === undefined && UNREAD.has(p.code) && /rate limit (was )?(exceeded|reached)|too many requests/i.test(p.text);
}

/** The key named does not exist (a delete of something already gone). */
export function isKeyNotFound(error: unknown): boolean {
  const p = partsOf(error);
  if (!p) return false;
  if (p.code === 'KEY_NOT_FOUND' || p.code === 'NOT_FOUND') return true;
  if (p.status === 404) return true;
  return UNREAD.has(p.code) && /does not exist|not found/i.test(p.text);
}

/** The wait a storage 429 suggests (`context.retryAfterSeconds`, as the offline host sends it), if any. */
export function storageRetryAfterSeconds(error: unknown): number | undefined {
  const context = ((error ?? {}) as { context?: { retryAfterSeconds?: unknown; retryAfter?: unknown } }).context;
  const value = context?.retryAfterSeconds ?? context?.retryAfter;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 900 ? value : undefined;
}
