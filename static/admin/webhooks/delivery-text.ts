import { MAX_ATTEMPTS } from '../../../src/domain/retry-schedule';
import type { AttemptDto, DeliverySummaryDto } from '../../../src/shared/webhooks-contract';
import { dateTimeFormat } from '../../common/formats';

/**
 * What went wrong and what a delivery is doing, in plain words for a Jira admin. The raw error
 * the app recorded stays available (one click away in the page); these are the sentences shown.
 */

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** "404 Not Found"; a status without a well-known name is the number alone. */
export function statusText(status: number): string {
  const reason = REASONS[status];
  return reason ? `${status} ${reason}` : String(status);
}

/** The receiver's host (and port) of a webhook URL, as people name it: "hooks.example.com". */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/**
 * One failure in plain words: the receiver's answer when there was one, else what stopped the
 * request (the recorded error starts with the kind the delivery core names: "connection failed: …").
 * Null when nothing failed.
 */
export function failureText(failure: { readonly url: string; readonly statusCode: number | null; readonly error: string | null }): string | null {
  const { statusCode, error } = failure;
  if (statusCode !== null && (statusCode < 200 || statusCode > 299)) {
    const redirect = statusCode >= 300 && statusCode <= 399 ? ' (redirects are not followed: use the final URL)' : '';
    return `The receiver answered ${statusText(statusCode)}${redirect}`;
  }
  if (error === null || error === '') return null;
  const host = hostOf(failure.url);
  const kind = error.toLowerCase();
  if (kind.startsWith('connection failed')) return `Could not connect to ${host}`;
  if (kind.startsWith('request timed out')) return `${host} did not answer in time`;
  if (kind.startsWith('dns lookup failed')) return `Could not find ${host} (its name does not resolve)`;
  if (kind.startsWith('tls handshake failed')) return `Could not set up a secure connection to ${host} (its certificate was not accepted)`;
  if (kind.startsWith('blocked by the url policy')) return `${host} leads to an address webhooks may not be sent to`;
  if (kind.startsWith('attempt interrupted')) return 'The attempt was cut off before its result was recorded';
  if (kind.startsWith('request failed')) return `The request to ${host} failed`;
  // Anything else is already a sentence of the app's own (e.g. why a webhook was disabled).
  return error.charAt(0).toUpperCase() + error.slice(1);
}

/** "14:05" today, "Dec 3, 14:05" on another day, in the browser's time zone (or the one given). */
export function clockTime(at: number, now: number, timeZone?: string): string {
  const zone = timeZone ? { timeZone } : {};
  const time = dateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone }).format(at);
  const day = (ms: number) => dateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', ...zone }).format(ms);
  if (day(at) === day(now)) return time;
  return `${dateTimeFormat('en-US', { month: 'short', day: 'numeric', ...zone }).format(at)}, ${time}`;
}

export type StateAppearance = 'success' | 'removed' | 'inprogress' | 'moved' | 'default';

export interface DeliveryState {
  /** The lozenge: a word or two. */
  readonly label: string;
  readonly appearance: StateAppearance;
  /** What is happening, in a sentence (null when the label says it all). */
  readonly sentence: string | null;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

/**
 * A delivery's state as it is happening: a pending delivery that has failed before is retrying
 * (not a blue "Pending"), with the attempt coming and when. Statuses this UI does not know yet
 * show by their name.
 */
export function deliveryState(
  delivery: Pick<DeliverySummaryDto, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError'> & Partial<Pick<DeliverySummaryDto, 'ordered' | 'cancelledAt'>>,
  now: number,
  timeZone?: string,
): DeliveryState {
  const { status, attempts, nextAttemptAt } = delivery;
  const at = (ms: number) => (ms <= now ? 'due now' : `next at ${clockTime(ms, now, timeZone)}`);
  switch (status) {
    case 'delivered':
      return { label: 'Delivered', appearance: 'success', sentence: attempts > 1 ? `Delivered on attempt ${attempts}` : null };
    case 'failed':
      return { label: 'Failed', appearance: 'removed', sentence: `Gave up after ${plural(attempts, 'attempt', 'attempts')}` };
    case 'cancelled':
      return { label: 'Cancelled', appearance: 'default', sentence: delivery.cancelledAt ? `Cancelled at ${clockTime(delivery.cancelledAt, now, timeZone)}` : null };
    case 'pending': {
      // Moved behind an earlier change of its project that is being retried (ordered per project).
      if (attempts === 0 && delivery.ordered !== false && nextAttemptAt !== null && nextAttemptAt > now) {
        return { label: 'Waiting', appearance: 'inprogress', sentence: `Waiting for an earlier change of its project, ${at(nextAttemptAt)} at the latest` };
      }
      if (attempts === 0) return { label: 'Waiting', appearance: 'inprogress', sentence: nextAttemptAt === null ? 'Waiting for its first attempt' : `First attempt ${at(nextAttemptAt).replace('next ', '')}` };
      const next = attempts + 1;
      const lastFailed = delivery.lastError !== null || (delivery.lastStatusCode !== null && (delivery.lastStatusCode < 200 || delivery.lastStatusCode > 299));
      // Sent fine before and asked for again (a redelivery): nothing is failing.
      if (!lastFailed) return { label: 'Waiting', appearance: 'inprogress', sentence: `Sending again, attempt ${next}${nextAttemptAt === null ? '' : `, ${at(nextAttemptAt)}`}` };
      // A redelivery starts the schedule again, so the count can pass the schedule's length.
      const of = next <= MAX_ATTEMPTS ? ` of ${MAX_ATTEMPTS}` : '';
      return { label: 'Retrying', appearance: 'moved', sentence: `Retrying, attempt ${next}${of}${nextAttemptAt === null ? '' : `, ${at(nextAttemptAt)}`}` };
    }
    default: {
      const name = String(status);
      return { label: name.charAt(0).toUpperCase() + name.slice(1), appearance: 'default', sentence: null };
    }
  }
}

/**
 * An attempt's outcome in words. Only the latest attempt of a delivery still pending says when
 * the next one comes; earlier ones say what happened.
 */
export function attemptOutcome(attempt: Pick<AttemptDto, 'outcome'>, latestOfPending: boolean): { readonly label: string; readonly appearance: StateAppearance } {
  switch (attempt.outcome) {
    case 'delivered':
      return { label: 'Delivered', appearance: 'success' };
    case 'retry':
      return latestOfPending ? { label: 'Failed, will retry', appearance: 'moved' } : { label: 'Failed, retried', appearance: 'default' };
    case 'failed':
      return { label: 'Failed (last attempt)', appearance: 'removed' };
    case 'disabled':
      return { label: 'Disabled the webhook', appearance: 'removed' };
    case 'interrupted':
      return { label: 'Interrupted', appearance: 'default' };
    default:
      return { label: String(attempt.outcome), appearance: 'default' };
  }
}

/** Why the app disabled a webhook, in words: a 410 is the receiver asking for no more requests. */
export function disabledReasonText(reason: string): string {
  if (/^endpoint gone \(HTTP 410\)$/i.test(reason.trim())) return 'The receiver answered 410 Gone, which means it wants no more requests.';
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}

/**
 * A delivery's line in the log: what it is doing, then what the receiver last did ("Retrying,
 * attempt 3 of 8, next at 14:05 · The receiver answered 500 Internal Server Error").
 */
export function deliverySummary(
  delivery: Pick<DeliverySummaryDto, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError'> & Partial<Pick<DeliverySummaryDto, 'ordered' | 'cancelledAt'>>,
  url: string,
  now: number,
  timeZone?: string,
): string {
  const state = deliveryState(delivery, now, timeZone);
  const failure = delivery.status === 'delivered' ? null : failureText({ url, statusCode: delivery.lastStatusCode, error: delivery.lastError });
  const answered = delivery.status === 'delivered' && delivery.lastStatusCode !== null ? `answered ${statusText(delivery.lastStatusCode)}` : null;
  const attempts = delivery.attempts === 0 ? null : plural(delivery.attempts, 'attempt', 'attempts');
  return [state.sentence ?? attempts, answered, failure].filter((part): part is string => part !== null).join(' · ');
}

/** The flag after a resend of failed deliveries: how many go again, and whether more remain. */
export function resendSentence(queued: number, more: boolean): string {
  if (queued === 0) return 'No failed deliveries in that time.';
  const deliveries = queued === 1 ? '1 failed delivery is' : `${queued} failed deliveries are`;
  return `${deliveries} being sent again${more ? '; more remain, resend again to send the rest' : ''}.`;
}

/** The status filter's names; a status this list does not know yet shows by its own name. */
const FILTER_LABELS: Readonly<Record<string, string>> = { pending: 'Waiting or retrying', delivered: 'Delivered', failed: 'Failed', cancelled: 'Cancelled' };
export const filterLabel = (status: string): string => FILTER_LABELS[status] ?? status.charAt(0).toUpperCase() + status.slice(1);
