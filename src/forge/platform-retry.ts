import { InvocationError, InvocationErrorCode } from '@forge/events';

export type { InvocationError };

/**
 * Asks the platform to deliver this event again after `seconds`. Returned (not thrown) by a
 * consumer; unlike a thrown error's fixed backoff, the caller picks the time, so consumers that
 * hit a rate limit together do not all come back in the same second.
 */
export function retryEventAfter(seconds: number, retryData?: Readonly<Record<string, string>>): InvocationError {
  return new InvocationError({
    retryAfter: Math.max(1, Math.min(900, Math.round(seconds))),
    retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    ...(retryData ? { retryData } : {}),
  });
}
