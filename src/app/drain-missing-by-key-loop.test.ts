import { drainWebhook } from './drain';
import { aDelivery, aWebhook, drainDeps, inMemoryPorts } from './testing/in-memory-ports';
const HOOK = 'hook-1';
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
it('a listed delivery that is gone by key is not claimed over and over', async () => {
  const gone = aDelivery({ deliveryId: 'msg_gone', webhookId: HOOK, projectId: 1, order: T0 - 10 });
  const ports = inMemoryPorts({ webhooks: [aWebhook({ id: HOOK })], deliveries: [gone], nowMs: T0 });
  ports.deliveries.index.freeze();
  ports.deliveries.records.delete('msg_gone'); // past retention: the index still lists it a while
  ports.deliveries.index.afterListing = () => ports.clock.advance(100);
  await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [] });
  expect(ports.deliveries.index.listings).toBeLessThan(5);
});
