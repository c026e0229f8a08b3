/**
 * When to try a failed delivery again (DESIGN.md section 6), and how the retry travels.
 * Pure: the jitter and the current time are passed in.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay before attempt n + 1, for n = 1..7: the Standard Webhooks example schedule, cut at 10 h. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];
/** The first attempt plus one per scheduled retry: after attempt 8 fails, the delivery is `failed`. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Each delay is spread over +/-20% so retries of many deliveries do not arrive together. */
export const JITTER_FRACTION = 0.2;
/** No retry waits longer than this, whatever a receiver's `Retry-After` asks. */
export const MAX_RETRY_DELAY_MS = 24 * HOUR;
/** The longest delay a Forge queue message can carry; longer retries go through the sweeper. */
export const QUEUE_MAX_DELAY_SECONDS = 900;

export type RetryDecision = { readonly kind: 'retry'; readonly delayMs: number } | { readonly kind: 'give-up' };

export type NextRetryInput = {
  /** 1-based number of the attempt that just failed. */
  readonly attempt: number;
  /** Uniform in [0, 1): 0 is -20%, 0.5 the scheduled delay, towards 1 is +20%. */
  readonly jitter: number;
  /** The receiver's `Retry-After`, from `parseRetryAfter`: retry no sooner than that. */
  readonly retryAfterMs?: number;
};

export function nextRetryDelayMs({ attempt, jitter, retryAfterMs }: NextRetryInput): RetryDecision {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new RangeError(`The failed attempt is 1-based, got ${attempt}.`);
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`Jitter is a number in [0, 1), got ${jitter}.`);
  if (retryAfterMs !== undefined && !(retryAfterMs >= 0)) throw new RangeError(`Retry-After is a delay of 0 ms or more, got ${retryAfterMs}.`);

  const base = RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return { kind: 'give-up' };
  const scheduled = Math.round(base * (1 + (2 * jitter - 1) * JITTER_FRACTION));
  return { kind: 'retry', delayMs: Math.min(Math.max(scheduled, retryAfterMs ?? 0), MAX_RETRY_DELAY_MS) };
}

export type RetryTransport =
  | { readonly via: 'queue'; readonly delaySeconds: number; readonly dueAtMs: number }
  | { readonly via: 'sweeper'; readonly dueAtMs: number };

/**
 * Up to 900 s the retry rides on the queue as a delayed message (rounded up to whole seconds,
 * never sooner than asked). Longer, the delivery is stored as due at `dueAtMs` and the 5-minute
 * sweeper enqueues it then, so no retry depends on the queue's own retention window.
 */
export function planRetryTransport({ delayMs, nowMs }: { readonly delayMs: number; readonly nowMs: number }): RetryTransport {
  if (!(delayMs >= 0)) throw new RangeError(`A retry delay is 0 ms or more, got ${delayMs}.`);
  const delaySeconds = Math.ceil(delayMs / SECOND);
  if (delaySeconds <= QUEUE_MAX_DELAY_SECONDS) return { via: 'queue', delaySeconds, dueAtMs: nowMs + delaySeconds * SECOND };
  return { via: 'sweeper', dueAtMs: nowMs + delayMs };
}

/**
 * A `Retry-After` value in milliseconds from `nowMs`, clamped to 24 h, or undefined when absent
 * or not valid. Both forms of RFC 9110 section 10.2.3: delta-seconds (`120`) and an HTTP-date
 * (`Sun, 06 Nov 1994 08:49:37 GMT`; the two obsolete date formats are accepted too, as RFC 9110
 * section 5.6.7 requires of recipients). A date in the past means "now": 0.
 */
export function parseRetryAfter(headerValue: string | undefined, nowMs: number): number | undefined {
  const value = headerValue?.trim();
  if (!value) return undefined;
  if (/^[0-9]+$/.test(value)) return Math.min(Number(value) * SECOND, MAX_RETRY_DELAY_MS);
  const dateMs = parseHttpDate(value, nowMs);
  if (dateMs === undefined) return undefined;
  return Math.min(Math.max(dateMs - nowMs, 0), MAX_RETRY_DELAY_MS);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '([0-9]{2}):([0-9]{2}):([0-9]{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY}, ([0-9]{2}) ${MONTH} ([0-9]{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC850_DATE = new RegExp(`^${LONG_DAY}, ([0-9]{2})-${MONTH}-([0-9]{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete, C's asctime) */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ((?:[0-9]{2})|(?: [0-9])) ${TIME} ([0-9]{4})$`);

/** Epoch ms of an HTTP-date, or undefined. Needs `nowMs` only for the two-digit years of RFC 850. */
function parseHttpDate(value: string, nowMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return utc(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  }
  match = RFC850_DATE.exec(value);
  if (match) {
    const [, day, month, twoDigitYear, hour, minute, second] = match;
    return utc(fullYear(Number(twoDigitYear), nowMs), month, Number(day), Number(hour), Number(minute), Number(second));
  }
  match = ASCTIME_DATE.exec(value);
  if (match) {
    const [, month, day, hour, minute, second, year] = match;
    return utc(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  }
  return undefined;
}

/** RFC 9110 5.6.7: a two-digit year more than 50 years ahead is the most recent such year in the past. */
function fullYear(twoDigitYear: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  const candidate = thisYear - (thisYear % 100) + twoDigitYear;
  return candidate > thisYear + 50 ? candidate - 100 : candidate;
}

function utc(year: number, monthName: string | undefined, day: number, hour: number, minute: number, second: number): number | undefined {
  const month = MONTHS.indexOf(monthName ?? '');
  // Second 60 is a leap second; it reads as the last second of that minute.
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined;
  return ms;
}
