import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { WebhookDto, WebhookHealthDto, WebhookStatusDto } from '../../../src/shared/webhooks-contract';
import { Subtle } from '../../common/layout';
import { exactTime, relativeTime } from '../../common/relative-time';

/** How listWebhooks counts pending deliveries: it stops at this many, meaning "this many or more". */
const PENDING_CAP = 100;

/** A time as "5 minutes ago", exact on hover (the title) and for assistive technology (dateTime). */
export function When({ at, testId, future = false }: { readonly at: number; readonly testId?: string; /** A planned time (next attempt) rather than one that happened. */ readonly future?: boolean }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={exactTime(at)} data-testid={testId} style={{ textDecoration: `underline dotted ${token('color.border')}` }}>
      {relativeTime(at, Date.now(), { inPast: !future })}
    </time>
  );
}

export function LastExecution({ status, testId }: { readonly status: WebhookStatusDto; readonly testId?: string }) {
  return status.lastRunAt === null ? <Subtle>Never</Subtle> : <When at={status.lastRunAt} {...(testId ? { testId } : {})} />;
}

/** Projectrak's last result: OK for a 2xx, ERROR for anything else, with the HTTP status or the error. */
export function LastResult({ status, testId }: { readonly status: WebhookStatusDto; readonly testId?: string }) {
  if (status.lastResult === null) return <Subtle>—</Subtle>;
  const detail = status.lastStatusCode !== null ? `HTTP ${status.lastStatusCode}` : (status.lastError ?? '');
  return (
    <span data-testid={testId} style={{ display: 'inline-flex', gap: token('space.075'), alignItems: 'center', flexWrap: 'wrap' }}>
      <Lozenge appearance={status.lastResult === 'OK' ? 'success' : 'removed'} isBold>
        {status.lastResult}
      </Lozenge>
      {detail ? (
        <Subtle style={{ font: token('font.body.small') }}>
          <span title={status.lastError ?? undefined}>{detail}</span>
        </Subtle>
      ) : null}
    </span>
  );
}

export function healthText(health: WebhookHealthDto): string {
  const attempts = health.attempts24h === 1 ? '1 attempt' : `${health.attempts24h} attempts`;
  const failures = health.failures24h === 1 ? '1 failed' : `${health.failures24h} failed`;
  const pending = health.pending >= PENDING_CAP ? `${PENDING_CAP}+ pending` : `${health.pending} pending`;
  return `${attempts}, ${failures} · ${pending}`;
}

export function Health({ health, testId }: { readonly health: WebhookHealthDto; readonly testId?: string }) {
  return (
    <span data-testid={testId} style={{ color: health.failures24h > 0 ? token('color.text.danger') : token('color.text') }}>
      {healthText(health)}
    </span>
  );
}

/** Why the app disabled the webhook, and since when; nothing when an admin disabled it (or it is active). */
export function DisabledNote({ webhook }: { readonly webhook: WebhookDto }) {
  if (webhook.active || webhook.disabledReason === null) return null;
  return (
    <div data-testid="webhook-disabled-reason" style={{ color: token('color.text.warning'), font: token('font.body.small'), marginTop: token('space.050') }}>
      Disabled by Projectrak{webhook.disabledAt !== null ? <> <When at={webhook.disabledAt} /></> : null}: {webhook.disabledReason}
    </div>
  );
}
