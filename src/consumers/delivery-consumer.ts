import { randomUUID } from 'node:crypto';
import { drainWebhook } from '../app/drain';
import { deliveryWakeMessageSchema } from '../domain/records';
import { drainDeps } from '../forge/composition';
import { consumer } from './consumer';

/** Queue `deliveries`: a wake-up of one webhook's drain (sign, POST, record, within a budget). */
export const deliveryConsumer = consumer('deliveries', deliveryWakeMessageSchema, async (message, event, carry) => {
  // A retry after the storage rate limit is the same drain: it takes back its own lease, which
  // the refused write may have left held (else every wake-up would find it busy until it ran out).
  const carried = (event.retryContext?.retryData as { leaseOwner?: unknown } | undefined)?.leaseOwner;
  const ownerId = typeof carried === 'string' && carried.length > 0 && carried.length <= 100 ? carried : randomUUID();
  carry.data = { leaseOwner: ownerId };
  const report = await drainWebhook(drainDeps(ownerId), message);
  if (report.outcome !== 'drained' || report.attempts === 0) return report.outcome === 'busy' ? undefined : `webhook ${message.webhookId}: ${report.outcome}`;
  return `webhook ${message.webhookId}: ${report.attempts} attempt(s), ${report.delivered} delivered, ${report.failed} failed, ${report.deferred} deferred${report.continued ? ', continues' : ''}`;
});
