import { randomUUID } from 'node:crypto';
import { drainWebhook } from '../app/drain';
import { deliveryWakeMessageSchema } from '../domain/records';
import { drainDeps } from '../forge/composition';
import { consumer } from './consumer';

/** Queue `deliveries`: a wake-up of one webhook's drain (sign, POST, record, within a budget). */
export const deliveryConsumer = consumer('deliveries', deliveryWakeMessageSchema, async (message) => {
  const report = await drainWebhook(drainDeps(randomUUID()), message);
  if (report.outcome !== 'drained' || report.attempts === 0) return report.outcome === 'busy' ? undefined : `webhook ${message.webhookId}: ${report.outcome}`;
  return `webhook ${message.webhookId}: ${report.attempts} attempt(s), ${report.delivered} delivered, ${report.failed} failed, ${report.deferred} deferred${report.continued ? ', continues' : ''}`;
});
