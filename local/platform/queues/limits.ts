/**
 * The async events platform limits (https://developer.atlassian.com/platform/forge/limits-async-events
 * and the async events API page), enforced by the host on the server side, whatever the SDK
 * checked on the client side, so a push that Forge would refuse is refused here too.
 */
export interface QueueLimits {
  /** Events in one push request (Forge: 50). */
  readonly maxEventsPerPush: number;
  /** Combined size of the events of one push, in bytes of their JSON (Forge: 200 KB, as the SDK measures it). */
  readonly maxPushBytes: number;
  /** `delayInSeconds` upper bound (Forge: 900 s = 15 min); the lower bound is 0. */
  readonly maxDelaySeconds: number;
  /** Events pushed per installation in any sliding 60 s window (Forge: 500). */
  readonly eventsPerMinute: number;
  /** `InvocationError.retryAfter` is capped to this (Forge: 900 s). */
  readonly maxRetryAfterSeconds: number;
  /** Size of `retryData` as JSON (Forge: 4 KB); a retry asking for more is not honoured: dead letter. */
  readonly maxRetryDataBytes: number;
  /** Retry window counted from the push: no attempt is scheduled later than this (Forge: 24 h). */
  readonly retentionMs: number;
  /** `concurrency.limit` accepted range. */
  readonly minConcurrencyLimit: number;
  readonly maxConcurrencyLimit: number;
  /** `concurrency.key` maximum length. */
  readonly maxConcurrencyKeyLength: number;
  /** Push requests per invocation chain; the next one answers 405 (SDK: `InvocationLimitReachedError`). Forge: 1,000. */
  readonly pushRequestsPerChain: number;
  /** Whom a concurrency key belongs to: the installation (Forge) or each queue apart. */
  readonly concurrencyScope: 'installation' | 'queue';
  /** > 0: an event whose key is busy is held back a random time up to this (no fixed order); 0: it waits for the next free slot, FIFO. */
  readonly busyKeyMaxHoldMs: number;
  /** A push that would cross the rate limit: accept what fits and answer 202 with the rest failed (`PartialSuccessError`), or refuse it whole (429). */
  readonly partialPushOnRateLimit: boolean;
}

export const FORGE_QUEUE_LIMITS: QueueLimits = {
  maxEventsPerPush: 50,
  maxPushBytes: 200 * 1024,
  maxDelaySeconds: 900,
  eventsPerMinute: 500,
  maxRetryAfterSeconds: 900,
  maxRetryDataBytes: 4 * 1024,
  retentionMs: 24 * 60 * 60 * 1000,
  // Not confirmed from Atlassian's published pages available offline: the host accepts integers
  // 1..5 and keys up to 64 characters (strict on purpose; the app uses limit 1). Override through
  // `options.limits` if Forge turns out to allow more.
  minConcurrencyLimit: 1,
  maxConcurrencyLimit: 5,
  maxConcurrencyKeyLength: 64,
  // Forge's, applied in strict fidelity; the default host is kinder (see local/platform/fidelity.ts).
  pushRequestsPerChain: Number.POSITIVE_INFINITY,
  concurrencyScope: 'queue',
  busyKeyMaxHoldMs: 0,
  partialPushOnRateLimit: false,
};

/** The SDK's own texts (node_modules/@forge/events/out/text.js), so host answers read like Forge's. */
export const QUEUE_TEXT = {
  invalidQueueName: 'Queue names can only contain alphanumeric characters, dashes and underscores.',
  invalidEvent: 'Event must be an object.',
  invalidEventBody: 'Event body must be an object.',
  invalidDelay: (max: number) => `The delayInSeconds setting must be between 0 and ${max}.`,
  tooManyEvents: (max: number) => `This push contains more than the ${max} events allowed.`,
  payloadTooBig: (maxBytes: number) => `The maximum payload size is ${Math.round(maxBytes / 1024)}KB.`,
  noEvents: 'No events pushed.',
  rateLimited: 'Too many requests.',
  eventTooLarge: (index: number, bytes: number, maxBytes: number, queueName: string) =>
    `Event ${index} is ${Math.ceil(bytes / 1024)}KB; the consumer of queue ${queueName} has a timeout over 55 s, so its events may be at most ${Math.round(maxBytes / 1024)}KB.`,
  chainLimit: (limit: number) => `The invocation chain has made ${limit} push requests, the most one chain may make.`,
  jobIdEmpty: 'jobId cannot be empty.',
  jobNotFound: (jobId: string, queueName: string) => `The job ${jobId} was not found for the queue ${queueName}.`,
};

export const VALID_QUEUE_NAME = /^[a-zA-Z0-9-_]+$/;

/** Retry reasons Forge reports in `retryContext.retryReason` (`InvocationErrorCode` of @forge/events). */
export const RETRY_REASON = {
  timeOut: 'FUNCTION_TIME_OUT',
  platformUnknown: 'FUNCTION_PLATFORM_UNKNOWN_ERROR',
  retryRequest: 'FUNCTION_RETRY_REQUEST',
} as const;

/**
 * Backoff for attempts that failed without asking for a delay (a thrown error, a time-out, a
 * platform failure): 5 s doubled per retry already made, capped at `capSeconds` (900 s), no jitter
 * so runs stay reproducible: 5, 10, 20, 40, 80, 160, 320, 640, 900, 900, ... seconds.
 */
export function failureBackoffSeconds(retryCount: number, capSeconds: number): number {
  return Math.min(capSeconds, 5 * 2 ** Math.min(Math.max(0, retryCount), 20));
}
