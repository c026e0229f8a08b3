import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEASE_MS } from '../../src/domain/delivery-policy';
import { createKvsWebhookStateStore } from '../../src/forge/kvs-webhook-store';
import { asApp, queriesCaughtUp, startTestHost, type TestHost } from '../support/host-fixture';
import { startFaultReceiver, type FaultReceiver } from '../support/fault-receiver';

/**
 * A drain that died holding its webhook's lease, and a webhook whose stored URL the URL policy
 * no longer allows: neither leaves a webhook silent for long or retrying for hours.
 */

let tlsDir: string;
let receiver: FaultReceiver;
let t: TestHost | undefined;

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'prw-recovery-'));
  receiver = await startFaultReceiver({ tlsDir });
});
afterAll(async () => {
  await receiver.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});
beforeEach(() => {
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  receiver.clear();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
  jest.restoreAllMocks();
});

async function saveBudget(host: TestHost, value: number): Promise<void> {
  const view = await host.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
  const budget = view.fields.find((f) => f.name === 'Budget');
  await host.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [String(budget?.id)]: value } });
}

describe('a drain that died holding the lease', () => {
  it('the next change is delivered when the dead lease runs out (a wake-up planned for then), not at the next sweep', async () => {
    const host = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, log: () => undefined });
    t = host;
    const hookId = (await host.invokeOk('admin', 'createWebhook', { name: 'Recovering', url: receiver.hookUrl('recover') })).webhook.id;
    // A drain took the lease and was killed: nothing will let go of it before it runs out.
    await asApp(() => createKvsWebhookStateStore().update(hookId, (s) => ({ ...s, leaseOwner: 'killed-drain', leaseUntil: Date.now() + LEASE_MS, drainStartedAt: Date.now() })));
    await saveBudget(host, 7);
    await host.host.settle();
    expect(receiver.received('recover')).toHaveLength(0);
    await host.host.advanceClock(LEASE_MS + 5_000);
    await host.host.settle();
    expect(receiver.received('recover').map((r) => JSON.parse(r.body).data.fields[0].value.current)).toEqual(['7.000']);
    expect(host.host.usage().byKind['scheduledTrigger:sweeper-fn']?.invocations ?? 0).toBe(0);
  });
});

describe('a stored URL the URL policy now refuses', () => {
  it('fails the delivery at once with the reason and disables the webhook (its other deliveries wait), instead of retrying for a day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prw-refused-'));
    const databaseFile = join(dir, 'state.db');
    try {
      // Saved while loopback targets were allowed (the offline host's default)...
      const before = await startTestHost({ databaseFile, allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, log: () => undefined });
      const hookId = (await before.invokeOk('admin', 'createWebhook', { name: 'Loopback', url: receiver.hookUrl('refused') })).webhook.id;
      await before.stop();
      // ...then the host runs with the URL policy as deployed (--no-allow-loopback).
      const host = await startTestHost({ databaseFile, allowLoopbackTargets: false, egressFetch: receiver.trustedFetch, log: () => undefined, seedCatalog: false });
      t = host;
      await host.host.queues.stop();
      await saveBudget(host, 1);
      await saveBudget(host, 2);
      host.host.queues.start();
      await host.host.settle();
      expect(receiver.received('refused')).toHaveLength(0);
      await queriesCaughtUp();
      const failed = await host.invokeOk('admin', 'listDeliveries', { webhookId: hookId, status: 'failed' });
      expect(failed.deliveries).toHaveLength(1);
      expect(failed.deliveries[0]?.lastError).toMatch(/not sent: the URL is not allowed .*loopback/i);
      const webhook = await host.invokeOk('admin', 'getWebhook', { id: hookId });
      expect(webhook.active).toBe(false);
      expect(webhook.disabledReason).toMatch(/URL is not allowed any more.*Change the URL/);
      // The save after it waits for the admin (nothing is lost, nothing retried meanwhile).
      const waiting = await host.invokeOk('admin', 'listDeliveries', { webhookId: hookId, status: 'pending' });
      expect(waiting.deliveries.map((d) => d.attempts)).toEqual([0]);
    } finally {
      await t?.stop();
      t = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
