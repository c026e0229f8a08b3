import { ForgeKvsAPIError, ForgeKvsError } from '@forge/kvs';
import { isConditionalCheckFailed, isInvalidCursor, isKeyNotFound, isStorageRateLimited, storageRetryAfterSeconds } from './storage-errors';

/** The error the unmodified SDK throws for a non-2xx answer: `{ code, message, context? }` with a status. */
const apiError = (status: number, code: string, message: string, context?: Record<string, unknown>) =>
  new ForgeKvsAPIError({ status, statusText: '' }, { code, message, ...(context ? { context } : {}) });

/** What the SDK throws when the body was not Forge's error shape. */
const unreadAnswer = (status: number, responseText: string) =>
  new ForgeKvsAPIError({ status, statusText: '' }, { code: 'UNKNOWN_ERROR', message: 'Unexpected error in Forge KVS API', context: { responseText } });

const unrelated: [string, unknown][] = [
  ['a plain error', new Error('boom')],
  ['a 400 of another code', apiError(400, 'INVALID_KEY', 'The provided key does not match the regex')],
  ['a 500', apiError(500, 'INTERNAL_SERVER_ERROR', 'Internal error')],
  ['the SDK builder error', new ForgeKvsError('Builder must have at least one condition set')],
  ['a string', 'CONDITIONAL_CHECK_FAILED'],
  ['undefined', undefined],
  ['null', null],
];

describe('isConditionalCheckFailed', () => {
  it.each<[string, unknown]>([
    ['the code our host and the SDK tests use', apiError(400, 'CONDITIONAL_CHECK_FAILED', 'Conditions were not met')],
    ['the code in another spelling', apiError(400, 'conditional-check-failed', 'x')],
    ['a near code', apiError(400, 'CONDITION_CHECK_FAILURE', 'x')],
    ['a 409 of any code', apiError(409, 'TRANSACTION_CONFLICT', 'x')],
    ['a 412 of any code', apiError(412, 'PRECONDITION', 'x')],
    ['the name of a DynamoDB-style error', Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' })],
    ['only the message of an answer the SDK could not read', unreadAnswer(400, 'Transaction cancelled: conditional check failed')],
  ])('recognises %s', (_what, error) => {
    expect(isConditionalCheckFailed(error)).toBe(true);
  });

  it.each(unrelated)('does not take %s for one', (_what, error) => {
    expect(isConditionalCheckFailed(error)).toBe(false);
  });
});

describe('isInvalidCursor', () => {
  it.each<[string, unknown]>([
    ['the code our host uses', apiError(400, 'INVALID_CURSOR', 'The provided cursor is invalid')],
    ['an expired-cursor code', apiError(400, 'CURSOR_EXPIRED', 'x')],
    ['a 400 of an unknown code whose message names the cursor', apiError(400, 'BAD_REQUEST', 'The cursor is malformed')],
    ['only the raw body', unreadAnswer(400, '{"error":"invalid cursor"}')],
  ])('recognises %s', (_what, error) => {
    expect(isInvalidCursor(error)).toBe(true);
  });

  it.each(unrelated)('does not take %s for one', (_what, error) => {
    expect(isInvalidCursor(error)).toBe(false);
  });

  it('does not take a 500 that mentions a cursor for the caller\'s mistake', () => {
    expect(isInvalidCursor(apiError(500, 'INTERNAL_SERVER_ERROR', 'cursor store invalid state'))).toBe(false);
  });
});

describe('isStorageRateLimited', () => {
  it.each<[string, unknown]>([
    ['the documented code and status', apiError(429, 'RATE_LIMIT_EXCEEDED', 'Rate limit exceeded')],
    ['the status with another code', apiError(429, 'TOO_MANY', 'x')],
    ['the code with another status', apiError(400, 'RATE_LIMIT_EXCEEDED', 'x')],
    ['a status field of its own', Object.assign(new Error('x'), { status: 429 })],
    ['a statusCode field', Object.assign(new Error('x'), { statusCode: 429 })],
    ['an error named for it', Object.assign(new Error('x'), { name: 'RateLimitError' })],
    ['only a message, no status', Object.assign(new Error('Rate limit exceeded for this installation'), { code: undefined })],
  ])('recognises %s', (_what, error) => {
    expect(isStorageRateLimited(error)).toBe(true);
  });

  it.each(unrelated)('does not take %s for one', (_what, error) => {
    expect(isStorageRateLimited(error)).toBe(false);
  });
});

describe('isKeyNotFound', () => {
  it.each<[string, unknown]>([
    ['the documented code', apiError(404, 'KEY_NOT_FOUND', 'Provided key does not exist')],
    ['the older table code', apiError(400, 'NOT_FOUND', 'x')],
    ['a 404 of another code', apiError(404, 'MISSING', 'x')],
    ['only the message of an unread answer', unreadAnswer(400, 'The specified key does not exist')],
  ])('recognises %s', (_what, error) => {
    expect(isKeyNotFound(error)).toBe(true);
  });

  it.each(unrelated)('does not take %s for one', (_what, error) => {
    expect(isKeyNotFound(error)).toBe(false);
  });
});

describe('storageRetryAfterSeconds', () => {
  it('reads the wait the answer names, within what a retry can ask for', () => {
    expect(storageRetryAfterSeconds(apiError(429, 'RATE_LIMIT_EXCEEDED', 'x', { retryAfterSeconds: 12 }))).toBe(12);
    expect(storageRetryAfterSeconds(apiError(429, 'RATE_LIMIT_EXCEEDED', 'x', { retryAfter: 3 }))).toBe(3);
    expect(storageRetryAfterSeconds(apiError(429, 'RATE_LIMIT_EXCEEDED', 'x', { retryAfterSeconds: 901 }))).toBeUndefined();
    expect(storageRetryAfterSeconds(apiError(429, 'RATE_LIMIT_EXCEEDED', 'x', { retryAfterSeconds: 'soon' }))).toBeUndefined();
    expect(storageRetryAfterSeconds(apiError(429, 'RATE_LIMIT_EXCEEDED', 'x'))).toBeUndefined();
    expect(storageRetryAfterSeconds(undefined)).toBeUndefined();
  });
});
