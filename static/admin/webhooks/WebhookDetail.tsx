import Button from '@atlaskit/button/new';
import PageHeader from '@atlaskit/page-header';
import SectionMessage from '@atlaskit/section-message';
import Toggle from '@atlaskit/toggle';
import { token } from '@atlaskit/tokens';
import { useState, type ReactNode } from 'react';
import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { Inline, Subtle } from '../../common/layout';
import { DeliveryLog } from './DeliveryLog';
import { ResendFailedModal } from './ResendFailedModal';
import { useDeliveryLog } from './use-delivery-log';
import type { WebhookDialog } from './WebhookDialogs';
import { DisabledNote, Health, LastExecution, LastResult, When } from './WebhookStatus';

export interface WebhookDetailProps {
  /** Kept fresh by the list's polling. */
  readonly webhook: WebhookDto;
  readonly toggling: boolean;
  readonly onBack: () => void;
  readonly onOpen: (dialog: WebhookDialog) => void;
  readonly onToggle: (active: boolean) => void;
  readonly onChanged: () => void;
}

/** One webhook: its status summary, actions, and delivery log. */
export function WebhookDetail({ webhook, toggling, onBack, onOpen, onToggle, onChanged }: WebhookDetailProps) {
  const log = useDeliveryLog(webhook.id, onChanged);
  const [resending, setResending] = useState(false);

  return (
    <>
      <PageHeader
        breadcrumbs={
          <Button appearance="subtle" spacing="compact" onClick={onBack} testId="webhook-back">
            ← Outgoing webhooks
          </Button>
        }
        actions={
          <Inline gap="space.100">
            <Button onClick={() => void log.sendTest()} isLoading={log.busy === 'test'} isDisabled={!webhook.active || (log.busy !== null && log.busy !== 'test')} testId="webhook-send-test">
              Send test
            </Button>
            <Button onClick={() => setResending(true)} isDisabled={!webhook.active || log.busy !== null} isLoading={log.busy === 'resend'} testId="webhook-resend-failed">
              Resend failed since…
            </Button>
            <Button onClick={() => onOpen({ kind: 'edit', webhook })}>Edit</Button>
            <Button onClick={() => onOpen({ kind: 'rotate', webhook })}>Rotate secret</Button>
            <Button appearance="danger" onClick={() => onOpen({ kind: 'delete', webhook })}>
              Delete
            </Button>
          </Inline>
        }
      >
        {webhook.name}
      </PageHeader>
      {!webhook.active ? (
        <div style={{ marginBottom: token('space.200') }}>
          <SectionMessage appearance="warning" title={webhook.disabledReason ? 'Projectrak disabled this webhook' : 'This webhook is disabled'} testId="webhook-disabled">
            <p>
              {webhook.disabledReason ?? 'An admin disabled it.'} {webhook.disabledAt !== null ? <>Disabled <When at={webhook.disabledAt} />.</> : null} Changes saved meanwhile are not sent; test sends and redeliveries need it enabled.
            </p>
          </SectionMessage>
        </div>
      ) : null}
      <dl data-testid="webhook-summary" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: token('space.300'), rowGap: token('space.100'), margin: `0 0 ${token('space.300')}` }}>
        <Row label="URL">
          <code style={{ font: token('font.code'), wordBreak: 'break-all' }}>{webhook.url}</code>
        </Row>
        <Row label="Active">
          <Toggle
            label={`${webhook.name} active`}
            isChecked={webhook.active}
            isDisabled={toggling}
            onChange={() => (webhook.active || webhook.disabledReason === null ? onToggle(!webhook.active) : onOpen({ kind: 'enable', webhook }))}
            testId="webhook-detail-active"
          />
          <DisabledNote webhook={webhook} />
        </Row>
        <Row label="Sends">
          {webhook.projectKeys ? `Projects ${webhook.projectKeys.join(', ')}` : 'Every project'}, {webhook.fieldIds ? `${webhook.fieldIds.length === 1 ? '1 chosen field' : `${webhook.fieldIds.length} chosen fields`}` : 'every field'}
        </Row>
        <Row label="Last execution">
          <LastExecution status={webhook.status} testId="webhook-detail-last-run" />
        </Row>
        <Row label="Last result">
          <LastResult status={webhook.status} testId="webhook-detail-last-result" />
          {webhook.status.lastResult === 'ERROR' && webhook.status.lastError ? <Subtle style={{ display: 'block' }}>{webhook.status.lastError}</Subtle> : null}
        </Row>
        <Row label="Last 24 h">
          <Health health={webhook.health} testId="webhook-detail-health" />
        </Row>
        {webhook.previousSecretUntil !== null && webhook.previousSecretUntil > Date.now() ? (
          <Row label="Secret">
            Rotated; the previous secret signs too until <When at={webhook.previousSecretUntil} future />.
          </Row>
        ) : null}
      </dl>
      <h2 style={{ font: token('font.heading.small'), margin: `0 0 ${token('space.150')}` }}>Delivery log</h2>
      <DeliveryLog log={log} canSend={webhook.active} />
      {resending ? <ResendFailedModal webhookName={webhook.name} onResend={log.resendFailed} onClose={() => setResending(false)} /> : null}
    </>
  );
}

function Row({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <>
      <dt style={{ color: token('color.text.subtle') }}>{label}</dt>
      <dd style={{ margin: 0 }}>{children}</dd>
    </>
  );
}
