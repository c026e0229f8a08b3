import type { z } from 'zod';
import { LeaseLostError } from '../app/ports';
import { StoredRecordError } from '../domain/records';
import { describeIssues } from '../shared/describe-issues';

/** What Forge hands a queue consumer (the parts we read). */
export interface AsyncEvent {
  readonly body?: unknown;
  readonly eventId?: string;
  readonly retryContext?: { readonly retryCount?: number };
}

/**
 * Every queue consumer goes through here: the body is parsed (a malformed message never becomes
 * valid, so it is acknowledged with the reason logged), expected stops are acknowledged, and
 * anything unknown is rethrown so the platform records it and retries the event.
 */
export function consumer<S extends z.ZodType>(queue: string, schema: S, run: (message: z.output<S>, event: AsyncEvent) => Promise<string | undefined>) {
  return async (event: AsyncEvent): Promise<void> => {
    const message = schema.safeParse(event.body);
    if (!message.success) {
      console.error(`${queue}: dropped a malformed message: ${describeIssues(message.error, { root: 'body' })}`);
      return;
    }
    try {
      const summary = await run(message.data, event);
      if (summary) console.info(`${queue}: ${summary}`);
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
      throw error;
    }
  };
}
