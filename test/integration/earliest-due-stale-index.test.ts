import { createDelivery } from '../../src/domain/delivery-lifecycle';
import type { DeliveryRecord } from '../../src/domain/records';
import { createKvsDeliveryStore } from '../../src/forge/kvs-delivery-store';
import { asApp, startTestHost, type TestHost } from '../support/host-fixture';

/**
 * `earliestDue` against an index that lags (strict fidelity): a drain has just delivered a page and
 * more of what the index still lists as pending; what is really pending comes after them.
 */
let t: TestHost;
beforeEach(async () => {
  t = await startTestHost({ seedCatalog: false, fidelity: 'strict' });
});
afterEach(async () => {
  await t.stop();
});

const HOOK = 'hook-stale';

function aPending(n: number, dueAt: number): DeliveryRecord {
  const created = createDelivery({
    deliveryId: `msg_stale_${String(n).padStart(3, '0')}`,
    webhookId: HOOK,
    changeId: `change-${n}`,
    event: 'updated',
    project: { id: 10_000 + n, key: `P${n}`, name: `Project ${n}` },
    fieldNames: ['Budget'],
    order: n,
    body: { inline: '{}' },
    nowMs: dueAt,
  });
  return created;
}

it('reads past a page of entries the index still shows as pending, to the earliest one that is', async () => {
  const store = createKvsDeliveryStore();
  const now = Date.now();
  const done = Array.from({ length: 60 }, (_, i) => aPending(i, now - 60_000 + i));
  const later = aPending(999, now + 90_000);
  await asApp(() => store.createMany([...done, later]));
  // The index catches up with the pending deliveries…
  await t.host.advanceClock(t.host.fidelity.indexLagMs + 1);
  // …then a drain delivers the first 60: for a while the index still lists them as pending, first.
  await asApp(() => store.saveMany(done.map((d) => ({ ...d, status: 'delivered' as const, attempts: 1 }))));
  expect(await asApp(() => store.earliestDue(HOOK))).toBe(later.dueAt);

  // Nothing pending at all: none.
  await asApp(() => store.saveMany([{ ...later, status: 'delivered' as const, attempts: 1 }]));
  expect(await asApp(() => store.earliestDue(HOOK))).toBeUndefined();
});
