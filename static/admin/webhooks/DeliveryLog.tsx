import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import { Suspense, useEffect, useState } from 'react';
import type { DeliverySummaryDto } from '../../../src/shared/webhooks-contract';
import { Inline, Loading, PageError, Subtle } from '../../common/layout';
import { ChunkBoundary, chunk, lazyFrom } from '../../common/lazy-chunk';
import type { DeliveryLogState } from './use-delivery-log';
import { deliveryState, deliverySummary, filterLabel } from './delivery-text';
import { When } from './WebhookStatus';

// The status filter (Atlaskit's select), the cancel dialog and a delivery's attempts are chunks of
// their own: the log shows without them, they follow right after it (the filter) or when asked for.
const StatusFilterSelect = lazyFrom(
  chunk(() => import('./DeliveryStatusFilter')),
  (m) => m.DeliveryStatusFilter,
);
const ConfirmModal = lazyFrom(
  chunk(() => import('../common/ConfirmModal')),
  (m) => m.ConfirmModal,
);
const DeliveryAttempts = lazyFrom(
  chunk(() => import('./DeliveryAttempts')),
  (m) => m.DeliveryAttempts,
);

/** The delivery log: newest first, a status filter, "Load more", and each delivery opening to its attempts. */
export function DeliveryLog({ log, canSend, url }: { readonly log: DeliveryLogState; readonly canSend: boolean; /** The webhook's URL, to name its host in failures. */ readonly url: string }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) => setExpanded((open) => (open.has(id) ? new Set([...open].filter((x) => x !== id)) : new Set([...open, id])));
  // The filter's code is fetched once the first page of deliveries is shown: the log comes first.
  const [filterWanted, setFilterWanted] = useState(false);
  useEffect(() => {
    if (!log.loading) setFilterWanted(true);
  }, [log.loading]);
  const placeholder = <div style={{ height: 40 }} aria-hidden="true" />;

  return (
    <div data-testid="delivery-log">
      <div style={{ width: 220, marginBottom: token('space.150') }}>
        {filterWanted ? (
          <ChunkBoundary>
            <Suspense fallback={placeholder}>
              <StatusFilterSelect filter={log.filter} onChange={log.setFilter} />
            </Suspense>
          </ChunkBoundary>
        ) : (
          placeholder
        )}
      </div>
      {log.loading ? <Loading label="Loading deliveries…" /> : null}
      {!log.loading && log.error && log.deliveries.length === 0 ? <PageError title="The delivery log could not be loaded" message={log.error.message} /> : null}
      {!log.loading && !log.error && log.deliveries.length === 0 ? (
        <p data-testid="delivery-log-empty">
          <Subtle>{log.filter === 'all' ? 'No deliveries yet. They appear here when someone saves project fields the webhook matches, or when you send a test.' : `No ${filterLabel(log.filter).toLowerCase()} deliveries.`}</Subtle>
        </p>
      ) : null}
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {log.deliveries.map((delivery) => (
          <DeliveryItem key={delivery.id} delivery={delivery} url={url} open={expanded.has(delivery.id)} onToggle={() => toggle(delivery.id)} log={log} canSend={canSend} />
        ))}
      </ul>
      {log.hasMore ? (
        <div style={{ marginTop: token('space.150') }}>
          <Button onClick={() => void log.loadMore()} isLoading={log.loadingMore} testId="delivery-log-more">
            Load more
          </Button>
        </div>
      ) : null}
    </div>
  );
}

interface DeliveryItemProps {
  readonly delivery: DeliverySummaryDto;
  readonly url: string;
  readonly open: boolean;
  readonly onToggle: () => void;
  readonly log: DeliveryLogState;
  readonly canSend: boolean;
}

function DeliveryItem({ delivery, url, open, onToggle, log, canSend }: DeliveryItemProps) {
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const now = Date.now();
  const status = deliveryState(delivery, now);
  const highlighted = log.highlighted === delivery.id;
  const panelId = `delivery-${delivery.id}-attempts`;
  return (
    <li
      data-testid={`delivery-${delivery.id}`}
      data-status={delivery.status}
      style={{
        borderBottom: `${token('border.width')} solid ${token('color.border')}`,
        padding: `${token('space.100')} ${token('space.100')}`,
        background: highlighted ? token('color.background.selected') : undefined,
      }}
    >
      <div style={{ display: 'flex', gap: token('space.150'), alignItems: 'center', flexWrap: 'wrap' }}>
        <Button appearance="subtle" spacing="compact" onClick={onToggle} aria-expanded={open} aria-controls={panelId} testId="delivery-toggle" aria-label={`${open ? 'Hide' : 'Show'} attempts of the delivery of ${delivery.project.key} (${delivery.event})`}>
          {open ? '▾' : '▸'}
        </Button>
        <span style={{ minWidth: 90 }}>
          <Lozenge appearance={status.appearance} testId="delivery-status">
            {status.label}
          </Lozenge>
        </span>
        <span style={{ minWidth: 160 }}>
          <strong>{delivery.event === 'test' ? 'Test' : 'Updated'}</strong> {delivery.project.key}
          {delivery.fieldNames.length > 0 ? <Subtle> · {delivery.fieldNames.join(', ')}</Subtle> : null}
        </span>
        <Subtle style={{ minWidth: 110 }}>
          <When at={delivery.createdAt} />
        </Subtle>
        <Subtle style={{ flex: '1 1 240px', minWidth: 0, overflowWrap: 'anywhere' }}>
          <span data-testid="delivery-summary">{deliverySummary(delivery, url, now)}</span>
        </Subtle>
        {delivery.status === 'delivered' || delivery.status === 'failed' || delivery.status === 'cancelled' ? (
          <Inline gap="space.050" wrap={false}>
            <Button spacing="compact" onClick={() => void log.redeliver(delivery)} isLoading={log.busy === `redeliver:${delivery.id}`} isDisabled={!canSend || (log.busy !== null && log.busy !== `redeliver:${delivery.id}`)} testId="delivery-redeliver">
              Redeliver
            </Button>
          </Inline>
        ) : null}
        {delivery.status === 'pending' ? (
          <Inline gap="space.050" wrap={false}>
            <Button spacing="compact" onClick={() => setConfirmingCancel(true)} isDisabled={log.busy !== null && log.busy !== `cancel:${delivery.id}`} testId="delivery-cancel">
              Cancel delivery
            </Button>
          </Inline>
        ) : null}
      </div>
      {confirmingCancel ? (
        <ChunkBoundary>
          <Suspense fallback={null}>
            <ConfirmModal title="Cancel this delivery?" confirmLabel="Cancel delivery" appearance="warning" testId="cancel-delivery" onConfirm={() => log.cancel(delivery)} onClose={() => setConfirmingCancel(false)}>
              <p>
                The receiver will not get this change of {delivery.project.key}. Later changes of {delivery.project.key} that wait behind it are sent right away. The log keeps the delivery, marked as cancelled by you.
              </p>
            </ConfirmModal>
          </Suspense>
        </ChunkBoundary>
      ) : null}
      {open ? (
        <div id={panelId} style={{ paddingLeft: `min(${token('space.400')}, 4vw)` }}>
          <ChunkBoundary>
            <Suspense fallback={<Loading label="Loading the attempts…" />}>
              <DeliveryAttempts summary={delivery} url={url} />
            </Suspense>
          </ChunkBoundary>
        </div>
      ) : null}
    </li>
  );
}
