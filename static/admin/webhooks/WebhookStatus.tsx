import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import { Fragment, useId, useState, type CSSProperties } from 'react';
import type { WebhookDto, WebhookHealthDto, WebhookStatusDto } from '../../../src/shared/webhooks-contract';
import { Subtle } from '../../common/layout';
import { exactTime, relativeTime } from '../../common/relative-time';
import { disabledReasonText, failureText } from './delivery-text';
import { urlBreakParts } from './webhook-text';

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

/**
 * Projectrak's last result: OK for a 2xx, ERROR for anything else, with what happened in plain
 * words ("Could not connect to hooks.example.com"). `withDetail` adds the recorded error, one click away.
 */
export function LastResult({ status, url, testId, withDetail = false }: { readonly status: WebhookStatusDto; readonly url: string; readonly testId?: string; readonly withDetail?: boolean }) {
  if (status.lastResult === null) return <Subtle>—</Subtle>;
  const failed = status.lastResult !== 'OK';
  const words = failed ? failureText({ url, statusCode: status.lastStatusCode, error: status.lastError }) : status.lastStatusCode !== null ? `HTTP ${status.lastStatusCode}` : null;
  return (
    <span style={{ display: 'inline-flex', flexDirection: 'column', gap: token('space.050'), minWidth: 0 }}>
      <span data-testid={testId} style={{ display: 'inline-flex', gap: token('space.075'), alignItems: 'baseline', flexWrap: 'wrap' }}>
        <Lozenge appearance={failed ? 'removed' : 'success'} isBold>
          {status.lastResult}
        </Lozenge>
        {words ? <Subtle style={{ font: token('font.body.small'), overflowWrap: 'anywhere' }}>{words}</Subtle> : null}
      </span>
      {withDetail && failed && status.lastError ? <RawDetail raw={status.lastError} testId={testId ? `${testId}-detail` : undefined} /> : null}
    </span>
  );
}

/** The error exactly as recorded, behind a "Details" toggle: for the person who fixes the receiver. */
export function RawDetail({ raw, testId }: { readonly raw: string; readonly testId?: string | undefined }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <span style={{ display: 'block' }}>
      <Button appearance="subtle" spacing="compact" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls={id} testId={testId ? `${testId}-toggle` : undefined}>
        {open ? 'Hide details' : 'Details'}
      </Button>
      <span id={id} hidden={!open} data-testid={testId} style={{ display: open ? 'block' : 'none', font: token('font.code'), color: token('color.text.subtle'), overflowWrap: 'anywhere', marginTop: token('space.050') }}>
        {raw}
      </span>
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
      Disabled by Projectrak{webhook.disabledAt !== null ? <> <When at={webhook.disabledAt} /></> : null}: {disabledReasonText(webhook.disabledReason)}
    </div>
  );
}

/** A webhook URL that wraps only between its parts (after a slash, before the query): never inside host:port. */
export function WrappingUrl({ url, testId, style }: { readonly url: string; readonly testId?: string; readonly style?: CSSProperties }) {
  return (
    <code className="pr-url" data-testid={testId} style={style}>
      {urlBreakParts(url).map((part, index) => (
        <Fragment key={index}>
          {index > 0 ? <wbr /> : null}
          <span>{part}</span>
        </Fragment>
      ))}
    </code>
  );
}
