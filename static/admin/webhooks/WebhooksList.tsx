import './webhooks.css';
import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import Toggle from '@atlaskit/toggle';
import { token } from '@atlaskit/tokens';
import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { Inline, Subtle } from '../../common/layout';
import { useNarrow } from '../common/use-narrow';
import type { WebhookDialog } from './WebhookDialogs';
import { DisabledNote, Health, LastExecution, LastResult, WrappingUrl } from './WebhookStatus';
import { sendsText } from './webhook-text';
import { DataTable } from '../common/DataTable';

const HEAD = {
  cells: [
    { key: 'name', content: 'Webhook', width: 27 },
    { key: 'sends', content: 'Sends', width: 14 },
    { key: 'active', content: 'Active', width: 7 },
    { key: 'last', content: 'Last execution', width: 11 },
    { key: 'result', content: 'Last result', width: 14 },
    { key: 'health', content: 'Last 24 h', width: 11 },
    { key: 'actions', content: <span className="visually-hidden">Actions</span>, width: 16 },
  ],
};

export interface WebhooksListProps {
  readonly webhooks: readonly WebhookDto[];
  /** Field names by id, for the "Sends" column; an id missing here shows as "field <id>". */
  readonly fieldNames: ReadonlyMap<number, string>;
  readonly toggling: ReadonlySet<string>;
  readonly onOpen: (dialog: WebhookDialog) => void;
  readonly onSelect: (webhook: WebhookDto) => void;
  readonly onToggle: (webhook: WebhookDto, active: boolean) => void;
}

/**
 * The outgoing webhooks, with Projectrak's status columns: last execution, last result and health.
 * Names and URLs wrap inside their column at any length; a narrow frame shows one card per webhook.
 */
export function WebhooksList({ webhooks, fieldNames, toggling, onOpen, onSelect, onToggle }: WebhooksListProps) {
  const narrow = useNarrow();
  if (webhooks.length === 0) {
    // No table without rows: column headers over nothing say nothing.
    return (
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
    );
  }

  const parts = (webhook: WebhookDto) => ({
    name: (
      <div style={{ padding: `${token('space.075')} 0`, minWidth: 0 }}>
        <button type="button" className="pr-name-link" onClick={() => onSelect(webhook)} data-testid="webhook-name" aria-label={`Open ${webhook.name}`}>
          {webhook.name}
        </button>
        <div>
          <WrappingUrl url={webhook.url} testId="webhook-url" />
        </div>
        <DisabledNote webhook={webhook} />
      </div>
    ),
    sends: (
      <span data-testid="webhook-sends" style={{ overflowWrap: 'anywhere' }}>
        {sendsText(webhook, fieldNames)}
      </span>
    ),
    active: (
      <Toggle
        label={`${webhook.name} active`}
        // While the change is saved the toggle shows where it is going, and stays focusable (a
        // disabled toggle would drop the keyboard focus to the page).
        isChecked={toggling.has(webhook.id) ? !webhook.active : webhook.active}
        onChange={() => {
          if (toggling.has(webhook.id)) return;
          if (webhook.active || webhook.disabledReason === null) onToggle(webhook, !webhook.active);
          else onOpen({ kind: 'enable', webhook });
        }}
        testId={`webhook-active-${webhook.id}`}
      />
    ),
    last: <LastExecution status={webhook.status} testId="webhook-last-run" />,
    result: <LastResult status={webhook.status} url={webhook.url} testId="webhook-last-result" />,
    health: <Health health={webhook.health} testId="webhook-health" />,
    actions: (
      <Inline gap="space.050" style={{ justifyContent: narrow ? 'flex-start' : 'flex-end' }}>
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
  });

  if (narrow) {
    return (
      <ul className="pr-cards" data-testid="webhooks-cards" aria-label="Outgoing webhooks">
        {webhooks.map((webhook) => {
          const p = parts(webhook);
          return (
            <li key={webhook.id} className="pr-card" data-testid={`webhook-row-${webhook.id}`}>
              {p.name}
              <dl>
                <dt>Sends</dt>
                <dd>{p.sends}</dd>
                <dt>Active</dt>
                <dd>{p.active}</dd>
                <dt>Last execution</dt>
                <dd>{p.last}</dd>
                <dt>Last result</dt>
                <dd>{p.result}</dd>
                <dt>Last 24 h</dt>
                <dd>{p.health}</dd>
              </dl>
              {p.actions}
            </li>
          );
        })}
      </ul>
    );
  }

  return (
    <DataTable
      testId="webhooks-table"
      caption={<span className="visually-hidden">Outgoing webhooks</span>}
      head={HEAD}
      isFixedSize
      rows={webhooks.map((webhook) => {
        const p = parts(webhook);
        return {
          key: webhook.id,
          testId: `webhook-row-${webhook.id}`,
          cells: (['name', 'sends', 'active', 'last', 'result', 'health', 'actions'] as const).map((key) => ({ key, content: p[key] })),
        };
      })}
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
