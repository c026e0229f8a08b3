import type { DeliveryRecord } from '../domain/records';
import { drainWebhook } from './drain';
import { aDelivery, aWebhook, drainDeps, inMemoryPorts } from './testing/in-memory-ports';
const HOOK = 'hook-1';
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
it.each([1, 5])('requests start while the lease is held (maxInFlight %i, each request 9.9 s)', async (n) => {
  const ds: DeliveryRecord[] = [];
  for (let p = 1; p <= 60; p++) ds.push(aDelivery({ deliveryId: `msg_p${p}_0`, webhookId: HOOK, projectId: p, order: T0 - 600_000 + p * 10 }));
  const ports = inMemoryPorts({ webhooks: [aWebhook({ id: HOOK, maxInFlight: n })], deliveries: ds, nowMs: T0 });
  const late: string[] = [];
  let last = 0;
  ports.http.answer = async (r) => {
    const s = ports.states.records.get(HOOK);
    if (!s || r.at >= s.leaseUntil) late.push(`${r.deliveryId} at +${(r.at - T0) / 1000}s, lease until +${((s?.leaseUntil ?? 0) - T0) / 1000}s`);
    await new Promise((res) => setImmediate(res));
    ports.clock.advance(9_900 / n);
    last = ports.clock.now();
    return 200;
  };
  const report = await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [] });
  console.log(n, JSON.stringify(report), ports.http.requests.length, 'last at +', (last - T0) / 1000, late.slice(0, 3));
  expect(late).toEqual([]);
});
