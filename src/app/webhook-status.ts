import type { WebhookRecord } from '../domain/records';
import { ConcurrentWriteError, type Clock, type WebhookStore } from './ports';

/**
 * Disables a webhook for a reason the admin page shows (410, or days without success). Written
 * conditionally on the webhook's version, re-read when an admin edit got in between; a webhook an
 * admin disabled or deleted meanwhile is left as the admin left it.
 */
export async function disableWebhook(deps: { readonly webhooks: WebhookStore; readonly clock: Clock }, webhook: WebhookRecord, reason: string): Promise<WebhookRecord> {
  let current: WebhookRecord | undefined = webhook;
  for (let attempt = 0; attempt < 5 && current; attempt += 1) {
    if (!current.active) return current;
    const now = deps.clock.now();
    const next: WebhookRecord = { ...current, active: false, disabledReason: reason, disabledAt: now, updatedAt: now, version: current.version + 1 };
    try {
      await deps.webhooks.save(next);
      console.warn(`webhook ${webhook.id} disabled: ${reason}`);
      return next;
    } catch (error) {
      if (!(error instanceof ConcurrentWriteError)) throw error;
      current = await deps.webhooks.load(webhook.id);
    }
  }
  return current ?? { ...webhook, active: false };
}
