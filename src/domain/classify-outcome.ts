import { parseRetryAfter } from './retry-schedule';

/**
 * What one delivery attempt's result means (DESIGN.md section 6), in the Standard Webhooks
 * etiquette: 2xx delivered, 410 disables the webhook, anything else is retried — no sooner
 * than a `Retry-After` asks. Redirects are never followed, so a 3xx is a failure.
 */

export type TransportErrorKind = 'timeout' | 'dns' | 'tls' | 'connection' | 'blocked' | 'other';

export type AttemptResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      /** Response headers; names in any case. */
      readonly headers: Readonly<Record<string, string>>;
      /** When the response arrived: the reference for an HTTP-date `Retry-After`. */
      readonly nowMs: number;
    }
  | { readonly kind: 'error'; readonly error: TransportErrorKind; readonly message: string };

export type AttemptOutcome =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'disable-webhook'; readonly reason: string }
  | { readonly outcome: 'retry'; readonly reason: string; readonly retryAfterMs?: number };

const TRANSPORT_ERRORS: Readonly<Record<TransportErrorKind, string>> = {
  timeout: 'request timed out',
  dns: 'DNS lookup failed',
  tls: 'TLS handshake failed',
  connection: 'connection failed',
  // The URL policy refused the resolved address; DNS answers change, so this is retried too.
  blocked: 'blocked by the URL policy',
  other: 'request failed',
};

const MAX_LOCATION_CHARS = 300;

export function classifyOutcome(result: AttemptResult): AttemptOutcome {
  if (result.kind === 'error') {
    const label = TRANSPORT_ERRORS[result.error];
    return { outcome: 'retry', reason: result.message ? `${label}: ${result.message}` : label };
  }
  const { status, headers, nowMs } = result;
  if (isSuccessStatus(status)) return { outcome: 'delivered' };
  if (status === 410) return { outcome: 'disable-webhook', reason: 'endpoint gone (HTTP 410)' };

  const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), nowMs);
  const reason = failureReason(status, header(headers, 'location'));
  return retryAfterMs === undefined ? { outcome: 'retry', reason } : { outcome: 'retry', reason, retryAfterMs };
}

/** Projectrak's "last result" of a webhook: `OK` for a 2xx, `ERROR` for anything else or no response. */
export function lastResultOf(status?: number): 'OK' | 'ERROR' {
  return status !== undefined && isSuccessStatus(status) ? 'OK' : 'ERROR';
}

export const AUTO_DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;
export const AUTO_DISABLE_MIN_FAILED_DELIVERIES = 5;

export type AutoDisableInput = {
  /** The last delivered delivery, or null when the webhook never delivered. */
  readonly lastSuccessAtMs: number | null;
  readonly webhookCreatedAtMs: number;
  /** Deliveries that ended `failed` since the last success (or since creation when none). */
  readonly failedDeliveriesSince: number;
  readonly nowMs: number;
};

export type AutoDisableDecision =
  | { readonly disable: false }
  | { readonly disable: true; readonly reason: string; readonly sinceMs: number };

/**
 * A webhook is disabled automatically when it has not delivered anything for 5 days (counted
 * from its last success, or from its creation when it never succeeded) and at least 5 deliveries
 * failed in that time. `sinceMs` is where the admin page's "since when" and the re-enable offer
 * to resend what failed start.
 */
export function shouldAutoDisable({ lastSuccessAtMs, webhookCreatedAtMs, failedDeliveriesSince, nowMs }: AutoDisableInput): AutoDisableDecision {
  const sinceMs = lastSuccessAtMs ?? webhookCreatedAtMs;
  if (nowMs - sinceMs < AUTO_DISABLE_AFTER_MS || failedDeliveriesSince < AUTO_DISABLE_MIN_FAILED_DELIVERIES) return { disable: false };
  const since = new Date(sinceMs).toISOString();
  const start = lastSuccessAtMs === null ? `since the webhook was created (${since})` : `since ${since}`;
  return {
    disable: true,
    reason: `No successful delivery ${start} and ${failedDeliveriesSince} failed deliveries in that time. Fix the receiver, then re-enable the webhook.`,
    sinceMs,
  };
}

function isSuccessStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 299;
}

function failureReason(status: number, location: string | undefined): string {
  if (!Number.isInteger(status) || status < 100 || status > 599) return `invalid HTTP status ${status}`;
  if (status >= 300 && status <= 399) {
    return location ? `redirect not followed (HTTP ${status} to ${truncate(location)})` : `redirect not followed (HTTP ${status})`;
  }
  if (status < 200) return `unexpected informational response (HTTP ${status})`;
  if (status === 429) return 'rate limited (HTTP 429)';
  if (status === 502 || status === 503 || status === 504) return `receiver unavailable (HTTP ${status})`;
  if (status >= 500) return `receiver error (HTTP ${status})`;
  return `request rejected (HTTP ${status})`;
}

function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function truncate(text: string): string {
  return text.length > MAX_LOCATION_CHARS ? `${text.slice(0, MAX_LOCATION_CHARS)}…` : text;
}
