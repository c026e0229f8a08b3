import { sizedResponse } from '../response-size';

/**
 * An error the KVS service answers with. It goes over the wire as Forge's error body
 * `{ code, message, context? }` with an HTTP status, so the unmodified `@forge/kvs` SDK turns it
 * into its own `ForgeKvsAPIError` (`error.code`, `error.message`, `error.responseDetails.status`).
 */
export class KvsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly context?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KvsRequestError';
  }
}

export const badRequest = (code: string, message: string, context?: Record<string, unknown>): KvsRequestError =>
  new KvsRequestError(400, code, message, context);

export const keyNotFound = (): KvsRequestError => new KvsRequestError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
};

export function errorResponse(error: KvsRequestError, traceId: string): Response {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.context) body.context = error.context;
  return sizedResponse(JSON.stringify(body), {
    status: error.status,
    statusText: STATUS_TEXT[error.status] ?? '',
    headers: { 'content-type': 'application/json', 'x-trace-id': traceId },
  });
}
