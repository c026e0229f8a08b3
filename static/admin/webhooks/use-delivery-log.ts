import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeliveryStatus, DeliverySummaryDto } from '../../../src/shared/webhooks-contract';
import { call, takeSettled, type CallError } from '../../common/api';
import { flag } from '../../common/flags';
import { usePolling } from '../../common/use-polling';
import { firstPageQuery, mergeFirstPage, upsertDelivery } from './delivery-log';
import { resendSentence } from './delivery-text';
import { POLL_MS } from './use-webhooks';


export type StatusFilter = DeliveryStatus | 'all';

export interface DeliveryLogState {
  readonly filter: StatusFilter;
  readonly deliveries: readonly DeliverySummaryDto[];
  readonly loading: boolean;
  readonly loadingMore: boolean;
  readonly hasMore: boolean;
  readonly error: CallError | null;
  /** The delivery a test send made, to point it out in the log. */
  readonly highlighted: string | null;
  /** Which long action runs now (the buttons show progress and wait). */
  readonly busy: 'test' | 'resend' | `redeliver:${string}` | `cancel:${string}` | null;
  setFilter(filter: StatusFilter): void;
  loadMore(): Promise<void>;
  sendTest(): Promise<void>;
  redeliver(delivery: DeliverySummaryDto): Promise<void>;
  /** Gives a pending delivery up; answers the error to show in the confirmation, or null. */
  cancel(delivery: DeliverySummaryDto): Promise<CallError | null>;
  resendFailed(since: number): Promise<CallError | null>;
}

/**
 * A webhook's delivery log, newest first, paged by cursor and filtered by status. The first page
 * is refreshed every few seconds while the page is visible, so statuses move as attempts happen.
 */
export function useDeliveryLog(webhookId: string, onChanged: () => void): DeliveryLogState {
  // The first page the page's first script prefetched (a webhook's own address), when it has
  // arrived by the first render: shown by that render, and not asked again on mount.
  const [atMount] = useState(() => takeSettled('listDeliveries', firstPageQuery(webhookId)));
  const answeredAtMount = useRef(atMount !== undefined);
  const [filter, setFilterState] = useState<StatusFilter>('all');
  const [deliveries, setDeliveries] = useState<readonly DeliverySummaryDto[]>(() => (atMount?.ok ? atMount.value.deliveries : []));
  const [cursor, setCursor] = useState<string | null>(() => (atMount?.ok ? atMount.value.nextCursor : null));
  const [loading, setLoading] = useState(atMount === undefined);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<CallError | null>(() => (atMount !== undefined && !atMount.ok ? atMount.error : null));
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [busy, setBusy] = useState<DeliveryLogState['busy']>(null);
  // The filter a response was asked for: answers for an older filter are dropped.
  const asked = useRef(filter);

  const query = useCallback((status: StatusFilter, after?: string) => call('listDeliveries', { ...firstPageQuery(webhookId), ...(status === 'all' ? {} : { status }), ...(after ? { cursor: after } : {}) }), [webhookId]);

  const loadFirst = useCallback(
    async (status: StatusFilter, quiet: boolean) => {
      if (!quiet) setLoading(true);
      const result = await query(status);
      if (asked.current !== status) return;
      setLoading(false);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      if (quiet) {
        setDeliveries((shown) => mergeFirstPage(shown, result.value.deliveries));
      } else {
        setDeliveries(result.value.deliveries);
        setCursor(result.value.nextCursor);
      }
    },
    [query],
  );

  useEffect(() => {
    asked.current = filter;
    if (answeredAtMount.current) {
      answeredAtMount.current = false;
      return;
    }
    void loadFirst(filter, false);
  }, [filter, loadFirst]);
  usePolling(() => loadFirst(filter, true), POLL_MS, !loading);

  const loadMore = useCallback(async () => {
    if (cursor === null) return;
    setLoadingMore(true);
    const result = await query(filter, cursor);
    setLoadingMore(false);
    if (asked.current !== filter) return;
    if (!result.ok) {
      flag('error', 'More deliveries could not be loaded', result.error.message);
      return;
    }
    setDeliveries((shown) => [...shown, ...result.value.deliveries.filter((d) => !shown.some((s) => s.id === d.id))]);
    setCursor(result.value.nextCursor);
  }, [cursor, filter, query]);

  const sendTest = useCallback(async () => {
    setBusy('test');
    const result = await call('sendTestDelivery', { id: webhookId });
    setBusy(null);
    if (!result.ok) {
      flag('error', 'The test was not sent', result.error.message);
      return;
    }
    flag('success', 'Test delivery queued', `A request with "event": "test" for ${result.value.project.name} is on its way; it shows at the top of the log.`);
    setHighlighted(result.value.id);
    if (filter === 'all' || filter === result.value.status) setDeliveries((shown) => upsertDelivery(shown, result.value));
    onChanged();
  }, [webhookId, filter, onChanged]);

  const redeliver = useCallback(
    async (delivery: DeliverySummaryDto) => {
      setBusy(`redeliver:${delivery.id}`);
      const result = await call('redeliver', { deliveryId: delivery.id });
      setBusy(null);
      if (!result.ok) {
        flag('error', 'The delivery was not resent', result.error.message);
        return;
      }
      flag('success', 'Redelivery queued', 'The same request (same webhook-id) is sent again now.');
      setDeliveries((shown) => upsertDelivery(shown, result.value));
      onChanged();
    },
    [onChanged],
  );

  const cancel = useCallback(
    async (delivery: DeliverySummaryDto) => {
      setBusy(`cancel:${delivery.id}`);
      const result = await call('cancelDelivery', { deliveryId: delivery.id });
      setBusy(null);
      if (!result.ok) return result.error;
      flag('success', 'Delivery cancelled', `Later changes of ${delivery.project.key} are sent without it.`);
      setDeliveries((shown) => upsertDelivery(shown, result.value));
      onChanged();
      return null;
    },
    [onChanged],
  );

  const resendFailed = useCallback(
    async (since: number) => {
      setBusy('resend');
      const result = await call('resendFailed', { webhookId, since });
      setBusy(null);
      if (!result.ok) return result.error;
      flag('success', 'Resending failed deliveries', resendSentence(result.value.queued, result.value.more));
      await loadFirst(asked.current, true);
      onChanged();
      return null;
    },
    [webhookId, loadFirst, onChanged],
  );

  const setFilter = useCallback((next: StatusFilter) => {
    setHighlighted(null);
    setCursor(null);
    setFilterState(next);
  }, []);

  return { filter, deliveries, loading, loadingMore, hasMore: cursor !== null, error, highlighted, busy, setFilter, loadMore, sendTest, redeliver, cancel, resendFailed };
}
