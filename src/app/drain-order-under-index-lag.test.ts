import { drainWebhook } from './drain';
import { aDelivery, aState, aWebhook, drainDeps, inMemoryPorts } from './testing/in-memory-ports';
import { pokeDrains } from './webhook-lease';
const HOOK = 'hook-1';
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
it("a project's later change is not sent before an earlier one the index does not show yet (circuit open)", async () => {
  const ports = inMemoryPorts({ webhooks: [aWebhook({ id: HOOK })], states: [aState(HOOK, { version: 1, breakerUntil: T0 + 5_000 })], nowMs: T0 });
  // Save A of project 9: its wake-up names it; the index does not show it yet.
  await ports.deliveries.createMany([aDelivery({ deliveryId: 'msg_A', webhookId: HOOK, projectId: 9, order: T0 - 100 })]);
  ports.deliveries.index.hidden.add('msg_A');
  await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: ['msg_A'] });
  // Save B of project 9 a moment later: its poke finds the circuit open (the id waits in the inbox).
  ports.clock.advance(1_000);
  await ports.deliveries.createMany([aDelivery({ deliveryId: 'msg_B', webhookId: HOOK, projectId: 9, order: T0 + 1_000, createdAt: T0 + 1_000 })]);
  ports.deliveries.index.hidden.add('msg_B');
  await pokeDrains(ports, [{ webhookId: HOOK, deliveryIds: ['msg_B'] }]);
  // The wake-up at the circuit's end; the index still lags.
  ports.clock.set(T0 + 5_000);
  await drainWebhook(drainDeps(ports, { ownerId: 'drain-2' }), { webhookId: HOOK, deliveryIds: [] });
  expect(ports.http.requests.map((r) => r.deliveryId)).toEqual(['msg_A', 'msg_B']);
});
