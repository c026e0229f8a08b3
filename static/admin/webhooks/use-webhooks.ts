import { useCallback, useState } from 'react';
import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { call, type CallError } from '../../common/api';
import { flag } from '../../common/flags';
import { usePolling } from '../../common/use-polling';
import { useResolverQuery, type QueryState } from '../../common/use-resolver-query';

export const POLL_MS = 5_000;

export interface WebhooksPageState {
  readonly list: QueryState<{ readonly webhooks: readonly WebhookDto[] }>;
  readonly webhooks: readonly WebhookDto[];
  /** A failed refresh: the list shows the last status loaded. */
  readonly refreshError: CallError | null;
  /** Webhook ids whose active toggle is being saved. */
  readonly toggling: ReadonlySet<string>;
  reload(quiet?: boolean): Promise<void>;
  setActive(webhook: WebhookDto, active: boolean): Promise<void>;
}

/**
 * The webhooks list and its status, refreshed every few seconds while the page is visible (the
 * status changes as deliveries go out). A failed refresh keeps the last list and says so.
 */
export function useWebhooks(): WebhooksPageState {
  const query = useResolverQuery('listWebhooks', undefined);
  const { state: list, reload } = query;
  const [toggling, setToggling] = useState<ReadonlySet<string>>(new Set());

  usePolling(() => reload(true), POLL_MS, list.status === 'ready');

  const setActive = useCallback(
    async (webhook: WebhookDto, active: boolean) => {
      setToggling((ids) => new Set([...ids, webhook.id]));
      const done = () => setToggling((ids) => new Set([...ids].filter((id) => id !== webhook.id)));
      const result = await call('updateWebhook', { id: webhook.id, active });
      if (!result.ok) {
        done();
        flag('error', `${webhook.name} was not ${active ? 'enabled' : 'disabled'}`, result.error.message);
        return;
      }
      flag('success', `${active ? 'Enabled' : 'Disabled'} ${webhook.name}`, active ? undefined : 'Changes saved while it is disabled are not sent to it; deliveries already waiting go out once it is enabled.');
      // The toggle shows the new state until the list has it too (no flicker back).
      await reload(true);
      done();
    },
    [reload],
  );

  return {
    list,
    webhooks: query.value?.webhooks ?? [],
    refreshError: list.status === 'ready' ? list.refreshError : null,
    toggling,
    reload,
    setActive,
  };
}
