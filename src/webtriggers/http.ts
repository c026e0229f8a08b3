import { z } from 'zod';
import type { AppError } from '../app/app-error';
import { firstProblems } from '../shared/describe-issues';
import type { ErrorCode } from '../shared/resolver-contract';

/**
 * The HTTP side of the management API: Forge's web trigger request and response shapes
 * (DESIGN.md section 3), JSON answers and the one error shape `{ "error": { "code", "message" } }`.
 */

/** Forge's request, parsed: a shape the platform never sends is a bug on its side (rethrown, 500). */
export const webTriggerRequestSchema = z.object({
  method: z.string().min(1),
  path: z.string(),
  /** The caller's segments after the trigger id; route on this, never on `path`. */
  userPath: z.string().optional(),
  headers: z.record(z.string(), z.array(z.string())).optional(),
  queryParameters: z.record(z.string(), z.array(z.string())).optional(),
  body: z.string().optional(),
});
export type WebTriggerEvent = z.infer<typeof webTriggerRequestSchema>;

export interface WebTriggerAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string[]>;
  readonly body: string;
}

/** Header lookup in any case (Forge keeps the caller's spelling); the first value. */
export function header(request: WebTriggerEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(request.headers ?? {})) if (key.toLowerCase() === wanted) return values[0];
  return undefined;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string[]> = {}): WebTriggerAnswer {
  return { statusCode, headers: { 'Content-Type': ['application/json; charset=utf-8'], 'Cache-Control': ['no-store'], ...headers }, body: JSON.stringify(body) };
}

export function noContent(): WebTriggerAnswer {
  return { statusCode: 204, headers: { 'Cache-Control': ['no-store'] }, body: '' };
}

export type ApiErrorCode =
  | 'INVALID_PATH'
  | 'INVALID_JSON'
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'STALE_REVISION'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INVALID_INPUT'
  | 'LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

/** An expected refusal of a request, with its HTTP status; becomes the error answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string[]> = {},
    readonly fieldErrors?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An error answer stays small whatever the request named: the first problems and their count. */
export function errorAnswer(error: ApiError): WebTriggerAnswer {
  return json(error.status, { error: boundedError(error.code, error.message, error.fieldErrors) }, error.headers);
}

const MAX_MESSAGE_LENGTH = 2000;

/** `{code, message, fieldErrors?, fieldErrorCount?}`: at most 20 field problems; the count when there were more. */
export function boundedError(code: string, message: string, fieldErrors?: Readonly<Record<string, string>>) {
  const clipped = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
  if (!fieldErrors) return { code, message: clipped };
  const { listed, total } = firstProblems(fieldErrors);
  return { code, message: clipped, fieldErrors: listed, ...(total > Object.keys(listed).length ? { fieldErrorCount: total } : {}) };
}

/** Use-case errors as HTTP: 422 for values the rules refuse, 409 for conflicts and stale revisions. */
const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 422,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  STALE_REVISION: 409,
  CONFLICT: 409,
  LIMIT_EXCEEDED: 422,
  UNAVAILABLE: 503,
};

export function fromAppError(error: AppError): ApiError {
  // Jira or the platform did not answer: nothing happened, a retry in a moment may work.
  const headers: Record<string, string[]> = error.code === 'UNAVAILABLE' ? { 'Retry-After': ['5'] } : {};
  return new ApiError(STATUS_OF[error.code], error.code, error.message, headers, error.fieldErrors);
}
