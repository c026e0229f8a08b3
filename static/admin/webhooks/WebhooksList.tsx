import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import EmptyState from '@atlaskit/empty-state';
import Toggle from '@atlaskit/toggle';
import { token } from '@atlaskit/tokens';
import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { Inline, Subtle } from '../../common/layout';
import type { WebhookDialog } from './WebhookDialogs';
import { DisabledNote, Health, LastExecution, LastResult } from './WebhookStatus';

const HEAD = {
  cells: [
    { key: 'name', content: 'Name', width: 20 },
    { key: 'url', content: 'URL', width: 24 },
    { key: 'active', content: 'Active', width: 6 },
    { key: 'last', content: 'Last execution', width: 11 },
    { key: 'result', content: 'Last result', width: 10 },
    { key: 'health', content: 'Last 24 h', width: 13 },
    { key: 'actions', content: <span className="visually-hidden">Actions</span>, width: 16 },
  ],
};

export interface WebhooksListProps {
  readonly webhooks: readonly WebhookDto[];
  readonly toggling: ReadonlySet<string>;
  readonly onOpen: (dialog: WebhookDialog) => void;
  readonly onSelect: (webhook: WebhookDto) => void;
  readonly onToggle: (webhook: WebhookDto, active: boolean) => void;
}

/** The outgoing webhooks, with Projectrak's status columns: last execution, last result and health. */
export function WebhooksList({ webhooks, toggling, onOpen, onSelect, onToggle }: WebhooksListProps) {
  return (
    <DynamicTable
      testId="webhooks-table"
      caption={<span className="visually-hidden">Outgoing webhooks</span>}
      head={HEAD}
      rows={webhooks.map((webhook) => ({
        key: webhook.id,
        testId: `webhook-row-${webhook.id}`,
        cells: [
          {
            key: 'name',
            content: (
              <div style={{ padding: `${token('space.075')} 0` }}>
                <Button appearance="subtle" spacing="compact" onClick={() => onSelect(webhook)} testId="webhook-name" aria-label={`Open ${webhook.name}`}>
                  <span style={{ fontWeight: token('font.weight.semibold'), color: token('color.link') }}>{webhook.name}</span>
                </Button>
                <DisabledNote webhook={webhook} />
              </div>
            ),
          },
          {
            key: 'url',
            content: <code style={{ font: token('font.code'), wordBreak: 'break-all', color: token('color.text.subtle') }}>{webhook.url}</code>,
          },
          {
            key: 'active',
            content: (
              <Toggle
                label={`${webhook.name} active`}
                isChecked={webhook.active}
                isDisabled={toggling.has(webhook.id)}
                onChange={() => (webhook.active || webhook.disabledReason === null ? onToggle(webhook, !webhook.active) : onOpen({ kind: 'enable', webhook }))}
                testId={`webhook-active-${webhook.id}`}
              />
            ),
          },
          { key: 'last', content: <LastExecution status={webhook.status} testId="webhook-last-run" /> },
          { key: 'result', content: <LastResult status={webhook.status} testId="webhook-last-result" /> },
          { key: 'health', content: <Health health={webhook.health} testId="webhook-health" /> },
          {
            key: 'actions',
            content: (
              <Inline gap="space.050" wrap={false} style={{ justifyContent: 'flex-end' }}>
                <Button appearance="subtle" spacing="compact" onClick={() => onOpen({ kind: 'edit', webhook })} aria-label={`Edit ${webhook.name}`}>
                  Edit
                </Button>
                <Button appearance="subtle" spacing="compact" onClick={() => onOpen({ kind: 'rotate', webhook })} aria-label={`Rotate the secret of ${webhook.name}`}>
                  Rotate secret
                </Button>
                <Button appearance="subtle" spacing="compact" onClick={() => onOpen({ kind: 'delete', webhook })} aria-label={`Delete ${webhook.name}`}>
                  Delete
                </Button>
              </Inline>
            ),
          },
        ],
      }))}
      emptyView={
        <EmptyState
          testId="webhooks-empty"
          header="No outgoing webhooks yet"
          description="Outgoing webhooks tell your other systems when project fields change: each save sends a signed HTTPS POST with the project, the user, and each changed field's current and previous value to the URL you choose."
          headingLevel={2}
          primaryAction={
            <Button appearance="primary" onClick={() => onOpen({ kind: 'create' })}>
              Create webhook
            </Button>
          }
        />
      }
    />
  );
}

export function WebhooksIntro() {
  return (
    <p style={{ margin: `0 0 ${token('space.200')}`, maxWidth: 760 }}>
      <Subtle>Whenever someone saves project fields, Projectrak sends a signed POST with the change to each active webhook whose projects and fields match. Open a webhook for its delivery log.</Subtle>
    </p>
  );
}
