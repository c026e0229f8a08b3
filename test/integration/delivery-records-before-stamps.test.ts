import { kvs } from '@forge/kvs';
import { deliveryStamp } from '../../src/forge/stored-delivery';
import { asApp, queriesCaughtUp } from '../support/host-fixture';
import { webhookFixture, type WebhookFixture } from '../support/webhook-fixture';

/**
 * Delivery records written before the stored shape had a stamp (and kept every default value)
 * are claimed, settled and cancelled as before: their conditions are checked value by value.
 */
let f: WebhookFixture;

beforeAll(async () => {
  f = await webhookFixture();
});
afterAll(async () => {
  await f.close();
});
beforeEach(async () => {
  await f.start();
});
afterEach(async () => {
  await f.stopAll();
});

type Stored = Record<string, unknown>;
const deliveries = () => kvs.entity<Stored>('delivery');

/** Rewrites a stored delivery as an older version wrote it: every value spelled out, no stamp. */
async function asWrittenBeforeStamps(deliveryId: string): Promise<Stored> {
  return asApp(async () => {
    const key = `delivery:${deliveryId}`;
    const { stamp, ...rest } = (await deliveries().get(key)) ?? {};
    expect(stamp).toEqual(expect.any(String));
    const older = { roundStart: 0, lastAttemptAt: null, lastStatusCode: null, lastError: null, ordered: true, cancelledBy: null, cancelledAt: null, ...rest };
    await deliveries().set(key, older, { ttl: { value: 30, unit: 'DAYS' } });
    return older;
  });
}

const storedDelivery = (deliveryId: string) => asApp(() => deliveries().get(`delivery:${deliveryId}`));

describe('a delivery stored before stamps', () => {
  it('is retried, delivered and stored again with a stamp', async () => {
    const t = f.host();
    const hook = await f.createHook('older');
    f.receiver.respondWith('older', { status: 503 });
    await f.saveDemo({ Budget: 7 });
    await t.host.settle();
    const [first] = f.receiver.received('older');
    const id = String(first?.headers['webhook-id']);
    const older = await asWrittenBeforeStamps(id);
    expect(older).toMatchObject({ status: 'pending', attempts: 1, inFlight: 0 });

    f.receiver.respondWith('older', undefined);
    await t.host.advanceClock(10 * 60_000);
    await t.host.settle();
    const attempts = f.receiver.received('older').filter((r) => r.headers['webhook-id'] === id).map((r) => r.headers['webhook-attempt']);
    expect(attempts.sort()).toEqual(['1', '2']);
    const stored = await storedDelivery(id);
    expect(stored).toMatchObject({ status: 'delivered', attempts: 2, inFlight: 0 });
    expect(stored?.stamp).toBe(deliveryStamp(stored as never));
    await queriesCaughtUp();
    const log = await t.invokeOk('admin', 'listDeliveries', { webhookId: hook.id, limit: 10 });
    expect(log.deliveries.map((d) => [d.id, d.status])).toEqual([[id, 'delivered']]);
  });

  it('is cancelled by an admin (the condition checks its values one by one)', async () => {
    const t = f.host();
    await f.createHook('older-cancel');
    f.receiver.respondWith('older-cancel', { status: 503 });
    await f.saveDemo({ Budget: 8 });
    await t.host.settle();
    const id = String(f.receiver.received('older-cancel')[0]?.headers['webhook-id']);
    await asWrittenBeforeStamps(id);
    await t.invokeOk('admin', 'cancelDelivery', { deliveryId: id });
    expect(await storedDelivery(id)).toMatchObject({ status: 'cancelled', cancelledBy: t.accountId('admin') });
  });
});
