import type { z } from 'zod';
import { LeaseLostError } from '../app/ports';
import { StoredRecordError } from '../domain/records';
import { describeIssues } from '../shared/describe-issues';
import { isStorageRateLimited, storageRetryAfterSeconds } from '../app/storage-errors';
import { retryEventAfter, type InvocationError } from '../forge/platform-retry';

/** What Forge hands a queue consumer (the parts we read). */
export interface AsyncEvent {
  readonly body?: unknown;
  readonly eventId?: string;
  readonly retryContext?: { readonly retryCount?: number; readonly retryData?: unknown };
}

/** What a consumer's run leaves for its own retry (sent back as `retryContext.retryData`, at most 4 KB). */
export interface RetryCarry {
  data?: Record<string, string>;
}

/**
 * Every queue consumer goes through here: the body is parsed (a malformed message never becomes
 * valid, so it is acknowledged with the reason logged), expected stops are acknowledged, and
 * anything unknown is rethrown so the platform records it and retries the event.
 */
export function consumer<S extends z.ZodType>(queue: string, schema: S, run: (message: z.output<S>, event: AsyncEvent, carry: RetryCarry) => Promise<string | undefined>) {
  return async (event: AsyncEvent): Promise<InvocationError | undefined> => {
    const message = schema.safeParse(event.body);
    if (!message.success) {
      console.error(`${queue}: dropped a malformed message: ${describeIssues(message.error, { root: 'body' })}`);
      return;
    }
    const carry: RetryCarry = {};
    try {
      const summary = await run(message.data, event, carry);
      if (summary) console.info(`${queue}: ${summary}`);
      return undefined;
    } catch (error) {
      // A record of an unexpected shape will not parse on a retry either: say so and acknowledge.
      if (error instanceof StoredRecordError) {
        console.error(`${queue}: ${error.message}`);
        return;
      }
      // Another drain took over this webhook; it finishes the work.
      if (error instanceof LeaseLostError) {
        console.warn(`${queue}: ${error.message}; the drain holding it now carries on`);
        return;
      }
      // Over the storage rate: the event comes back when the rate's window has room again (as the
      // answer says, else in 5 s), plus up to 10 s at random, so consumers refused together
      // spread out instead of meeting again (a thrown error's backoff has no jitter).
      if (isStorageRateLimited(error)) {
        const seconds = Math.max(1, Math.ceil(storageRetryAfterSeconds(error) ?? 5)) + Math.floor(Math.random() * 11);
        console.warn(`${queue}: Forge's storage rate limit was reached; this event runs again in ${seconds} s`);
        return retryEventAfter(seconds, carry.data);
      }
      throw error;
    }
  };
}
