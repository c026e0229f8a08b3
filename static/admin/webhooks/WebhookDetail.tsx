import './webhooks.css';
import Button from '@atlaskit/button/new';
import PageHeader from '@atlaskit/page-header';
import Toggle from '@atlaskit/toggle';
import { token } from '@atlaskit/tokens';
import { Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { Inline } from '../../common/layout';
import { ChunkBoundary } from '../../common/lazy-chunk';
import { Notice } from '../../common/Notice';
import { useNarrow } from '../common/use-narrow';
import { BackToList } from './BackToList';
import { ResendFailedModal } from './chunks';
import { exactTime } from '../../common/relative-time';
import { disabledReasonText } from './delivery-text';
import { DeliveryLog } from './DeliveryLog';
import { useDeliveryLog } from './use-delivery-log';
import type { WebhookDialog } from './WebhookDialogs';
import { DisabledNote, Health, LastExecution, LastResult, When, WrappingUrl } from './WebhookStatus';
import { sendsText } from './webhook-text';

export interface WebhookDetailProps {
  /** Kept fresh by the list's polling. */
  readonly webhook: WebhookDto;
  /** Field names by id, for what the webhook sends. */
  readonly fieldNames: ReadonlyMap<number, string>;
  readonly toggling: boolean;
  readonly onBack: () => void;
  readonly onOpen: (dialog: WebhookDialog) => void;
  readonly onToggle: (active: boolean) => void;
  readonly onChanged: () => void;
}

/** One webhook: its status summary, actions, and delivery log. */
export function WebhookDetail({ webhook, fieldNames, toggling, onBack, onOpen, onToggle, onChanged }: WebhookDetailProps) {
  const log = useDeliveryLog(webhook.id, onChanged);
  const [resending, setResending] = useState(false);
  const top = useRef<HTMLDivElement>(null);
  const narrow = useNarrow();

  // Opening a webhook moves the focus to its title, so keyboard and screen reader users start
  // at the top of the page they opened (not on the body, nor on a button of the list gone by).
  useEffect(() => {
    const heading = top.current?.querySelector('h1');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [webhook.id]);

  const actions = (
    <Inline gap="space.100">
      <Button onClick={() => void log.sendTest()} isLoading={log.busy === 'test'} isDisabled={!webhook.active || (log.busy !== null && log.busy !== 'test')} testId="webhook-send-test">
        Send test
      </Button>
      <Button onClick={() => setResending(true)} isDisabled={!webhook.active || log.busy !== null} isLoading={log.busy === 'resend'} testId="webhook-resend-failed">
        Resend failed since…
      </Button>
      <Button onClick={() => onOpen({ kind: 'edit', webhook })}>Edit</Button>
      <Button onClick={() => onOpen({ kind: 'rotate', webhook })}>Rotate secret</Button>
      {/* Red is for the confirmation, not for a button that only asks. */}
      <Button onClick={() => onOpen({ kind: 'delete', webhook })} testId="webhook-delete">
        Delete
      </Button>
    </Inline>
  );

  return (
    <div ref={top}>
      <PageHeader
        breadcrumbs={<BackToList onBack={onBack} />}
        actions={narrow ? undefined : actions}
      >
        <span className="pr-wrap" data-testid="webhook-title">
          {webhook.name}
        </span>
      </PageHeader>
      {/* On a narrow screen the actions go under the title, which keeps the width to wrap in. */}
      {narrow ? <div style={{ marginBottom: token('space.200') }}>{actions}</div> : null}
      {!webhook.active ? (
        <div style={{ marginBottom: token('space.200') }}>
          <Notice appearance="warning" title={webhook.disabledReason ? 'Projectrak disabled this webhook' : 'This webhook is disabled'} testId="webhook-disabled">
            <p>
              {webhook.disabledReason ? disabledReasonText(webhook.disabledReason) : 'An admin disabled it.'} {webhook.disabledAt !== null ? <>Disabled <When at={webhook.disabledAt} />.</> : null} Changes saved meanwhile are not sent; test sends and redeliveries need it enabled.
            </p>
          </Notice>
        </div>
      ) : null}
      <dl data-testid="webhook-summary" style={{ display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', columnGap: token('space.300'), rowGap: token('space.100'), margin: `0 0 ${token('space.300')}`, padding: 0 }}>
        <Row label="URL">
          <WrappingUrl url={webhook.url} testId="webhook-detail-url" style={{ color: token('color.text') }} />
        </Row>
        <Row label="Active">
          <Toggle
            label={`${webhook.name} active`}
            // Focusable while it saves (a disabled toggle drops the keyboard focus); shows where it goes.
            isChecked={toggling ? !webhook.active : webhook.active}
            onChange={() => {
              if (toggling) return;
              if (webhook.active || webhook.disabledReason === null) onToggle(!webhook.active);
              else onOpen({ kind: 'enable', webhook });
            }}
            testId="webhook-detail-active"
          />
          <DisabledNote webhook={webhook} />
        </Row>
        <Row label="Sends">
          <span data-testid="webhook-detail-sends">{sendsText(webhook, fieldNames)}</span>
        </Row>
        <Row label="Last execution">
          <LastExecution status={webhook.status} testId="webhook-detail-last-run" />
        </Row>
        <Row label="Last result">
          <LastResult status={webhook.status} url={webhook.url} testId="webhook-detail-last-result" withDetail />
        </Row>
        <Row label="Last 24 h">
          <Health health={webhook.health} testId="webhook-detail-health" />
        </Row>
        {webhook.previousSecretUntil !== null && webhook.previousSecretUntil > Date.now() ? (
          <Row label="Secret">
            <span data-testid="webhook-detail-secret">
              Rotated: the previous secret also signs requests until {exactTime(webhook.previousSecretUntil)} (<When at={webhook.previousSecretUntil} future />).
            </span>
          </Row>
        ) : null}
      </dl>
      <h2 style={{ font: token('font.heading.small'), margin: `0 0 ${token('space.150')}` }}>Delivery log</h2>
      <DeliveryLog log={log} canSend={webhook.active} url={webhook.url} />
      {resending ? (
        <ChunkBoundary>
          <Suspense fallback={null}>
            <ResendFailedModal webhookName={webhook.name} onResend={log.resendFailed} onClose={() => setResending(false)} />
          </Suspense>
        </ChunkBoundary>
      ) : null}
    </div>
  );
}

function Row({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <>
      <dt style={{ color: token('color.text.subtle') }}>{label}</dt>
      <dd style={{ margin: 0, minWidth: 0 }}>{children}</dd>
    </>
  );
}
