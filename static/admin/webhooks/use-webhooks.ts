import { useCallback, useEffect, useState } from 'react';
import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { call, type CallError } from '../../common/api';
import { flag } from '../../common/flags';
import { usePolling } from '../../common/use-polling';

export const POLL_MS = 5_000;

export type WebhooksState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: CallError }
  | { readonly status: 'ready'; readonly webhooks: readonly WebhookDto[]; readonly refreshError: CallError | null };

export interface WebhooksPageState {
  readonly list: WebhooksState;
  readonly webhooks: readonly WebhookDto[];
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
  const [list, setList] = useState<WebhooksState>({ status: 'loading' });
  const [toggling, setToggling] = useState<ReadonlySet<string>>(new Set());

  const reload = useCallback(async (quiet = false) => {
    if (!quiet) setList({ status: 'loading' });
    const result = await call('listWebhooks');
    setList((previous) => {
      if (result.ok) return { status: 'ready', webhooks: result.value.webhooks, refreshError: null };
      return quiet && previous.status === 'ready' ? { ...previous, refreshError: result.error } : { status: 'failed', error: result.error };
    });
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);
  usePolling(() => reload(true), POLL_MS, list.status === 'ready');

  const setActive = useCallback(
    async (webhook: WebhookDto, active: boolean) => {
      setToggling((ids) => new Set([...ids, webhook.id]));
      const result = await call('updateWebhook', { id: webhook.id, active });
      setToggling((ids) => new Set([...ids].filter((id) => id !== webhook.id)));
      if (!result.ok) {
        flag('error', `${webhook.name} was not ${active ? 'enabled' : 'disabled'}`, result.error.message);
        return;
      }
      flag('success', `${active ? 'Enabled' : 'Disabled'} ${webhook.name}`, active ? undefined : 'Changes saved while it is disabled are not sent to it; deliveries already waiting go out once it is enabled.');
      await reload(true);
    },
    [reload],
  );

  return { list, webhooks: list.status === 'ready' ? list.webhooks : [], toggling, reload, setActive };
}
