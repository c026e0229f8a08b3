import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queriesCaughtUp, startTestHost, type TestHost } from '../support/host-fixture';
import { startFaultReceiver, type FaultReceiver, type Received } from '../support/fault-receiver';

/**
 * The receiver advice of the README, proved: "ignore a request whose data.revision is lower than
 * the last one you applied for that project" loses nothing, because a project's deliveries to a
 * webhook start in change order and a later one waits while an earlier one is retried. Another
 * project's changes flow meanwhile. A receiver that follows the advice here applies every change.
 */

const SECOND = 1000;
let tlsDir: string;
let receiver: FaultReceiver;
let t: TestHost;

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'prw-order-'));
  receiver = await startFaultReceiver({ tlsDir });
});
afterAll(async () => {
  await receiver.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});
beforeEach(async () => {
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  receiver.clear();
  t = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, log: () => undefined });
});
afterEach(async () => {
  await t.stop();
  jest.restoreAllMocks();
});

const data = (r: Received) => JSON.parse(r.body).data as { project: { key: string }; revision: number; fields: { name: string; value: { current: unknown } }[] };

async function save(projectKey: string, values: Record<string, unknown>): Promise<number> {
  const view = await t.invokeOk('admin', 'getProjectFields', { projectKey });
  const byId: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) byId[String(view.fields.find((f) => f.name === name)?.id)] = value;
  return (await t.invokeOk('admin', 'saveProjectFields', { projectKey, baseRevision: view.revision, values: byId })).revision;
}

/** What a receiver that follows the README keeps: per project, requests whose revision is not lower than the last applied one. */
function applyAsAdvised(requests: readonly Received[]): { applied: Map<string, number[]>; dropped: number } {
  const last = new Map<string, number>();
  const seen = new Set<string>();
  const applied = new Map<string, number[]>();
  let dropped = 0;
  for (const r of requests) {
    if (r.answered !== 200 || seen.has(r.webhookId)) continue;
    seen.add(r.webhookId);
    const { project, revision } = data(r);
    if (revision < (last.get(project.key) ?? 0)) {
      dropped += 1;
      continue;
    }
    last.set(project.key, revision);
    applied.set(project.key, [...(applied.get(project.key) ?? []), revision]);
  }
  return { applied, dropped };
}

describe('ordered per project, parallel across projects', () => {
  it('a delivery refused several times holds back its project’s later changes only; the other project’s flow meanwhile, and a receiver that follows the README loses nothing', async () => {
    const hookId = (await t.invokeOk('admin', 'createWebhook', { name: 'Ordered', url: receiver.hookUrl('ordered') })).webhook.id;
    // The receiver refuses DEMO's revision 2 three times (its Budget change), then takes it.
    let refusals = 0;
    receiver.on('ordered', {
      kind: 'decide',
      decide: ({ body }) => {
        const d = JSON.parse(body).data;
        if (d.project.key === 'DEMO' && d.revision === 2 && refusals < 3) {
          refusals += 1;
          return { kind: 'answer', status: 503 };
        }
        return undefined;
      },
    });
    await save('DEMO', { Status: 'On track' });
    await t.host.settle();
    await save('DEMO', { Budget: 14 });
    await t.host.settle();
    // While DEMO's revision 2 waits for its retries, DEMO and OPS keep changing.
    for (let i = 1; i <= 3; i += 1) {
      await save('DEMO', { Status: i % 2 === 0 ? 'On track' : 'At risk' });
      await save('OPS', { Budget: i });
      await t.host.settle();
      await t.host.advanceClock(2 * SECOND);
      await t.host.settle();
    }
    // OPS flowed meanwhile; DEMO sent nothing after its revision 2.
    const before = receiver.received('ordered');
    expect(before.filter((r) => data(r).project.key === 'OPS').map((r) => data(r).revision)).toEqual([1, 2, 3]);
    const demoBefore = before.filter((r) => data(r).project.key === 'DEMO');
    expect(demoBefore.map((r) => data(r).revision).slice(0, 2)).toEqual([1, 2]);
    expect(demoBefore.every((r) => data(r).revision <= 2 && (data(r).revision === 1 || r.answered === 503))).toBe(true);
    await queriesCaughtUp();
    const log = await t.invokeOk('admin', 'listDeliveries', { webhookId: hookId, status: 'pending' });
    expect(log.deliveries.filter((d) => d.project.key === 'DEMO')).toHaveLength(4);

    // The retries of revision 2 (5 s, 5 min, 30 min on the schedule), then the rest in order.
    for (let minute = 0; minute < 45; minute += 1) {
      await t.host.advanceClock(60 * SECOND);
      await t.host.settle();
    }
    const all = receiver.received('ordered');
    const demo = all.filter((r) => data(r).project.key === 'DEMO');
    expect(demo.map((r) => `${data(r).revision}:${r.answered}`)).toEqual(['1:200', '2:503', '2:503', '2:503', '2:200', '3:200', '4:200', '5:200']);
    // Every attempt of one delivery is the same delivery (webhook-id) with a new attempt number.
    expect(new Set(demo.filter((r) => data(r).revision === 2).map((r) => r.webhookId)).size).toBe(1);
    expect(demo.filter((r) => data(r).revision === 2).map((r) => r.attempt)).toEqual([1, 2, 3, 4]);

    const { applied, dropped } = applyAsAdvised(all);
    expect(dropped).toBe(0);
    expect(applied.get('DEMO')).toEqual([1, 2, 3, 4, 5]);
    expect(applied.get('OPS')).toEqual([1, 2, 3]);
  }, 120_000);

  it('an admin cancels a delivery stuck retrying: its project’s later changes go at once, and the log says who and when', async () => {
    const hookId = (await t.invokeOk('admin', 'createWebhook', { name: 'Stuck', url: receiver.hookUrl('stuck') })).webhook.id;
    receiver.on('stuck', {
      kind: 'decide',
      decide: ({ body }) => (JSON.parse(body).data.revision === 1 ? { kind: 'answer', status: 400 } : undefined),
    });
    await save('DEMO', { Budget: 1 });
    await t.host.settle();
    await save('DEMO', { Budget: 2 });
    await save('DEMO', { Budget: 3 });
    await t.host.settle();
    await t.host.advanceClock(10 * SECOND);
    await t.host.settle();
    expect(receiver.received('stuck').map((r) => data(r).revision)).toEqual([1, 1]);
    await queriesCaughtUp();
    const pending = await t.invokeOk('admin', 'listDeliveries', { webhookId: hookId, status: 'pending' });
    const stuck = pending.deliveries.find((d) => d.attempts === 2);
    expect(stuck).toBeDefined();

    const cancelled = await t.invokeOk('admin', 'cancelDelivery', { deliveryId: stuck?.id ?? '' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: t.accountId('admin'), cancelledAt: expect.any(Number), nextAttemptAt: null });
    await t.host.settle();
    expect(receiver.received('stuck').map((r) => data(r).revision)).toEqual([1, 1, 2, 3]);
    // A cancelled delivery is final: cancelling again says so, and nothing else changes.
    const again = await t.invoke('admin', 'cancelDelivery', { deliveryId: stuck?.id ?? '' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/cancelled already/) } });
    const detail = await t.invokeOk('admin', 'getDelivery', { deliveryId: stuck?.id ?? '' });
    expect(detail).toMatchObject({ status: 'cancelled', cancelledBy: t.accountId('admin') });
  }, 60_000);

  it('a redelivery an admin asks for goes at once, outside the order, and does not hold the project back when it fails', async () => {
    const hookId = (await t.invokeOk('admin', 'createWebhook', { name: 'Redo', url: receiver.hookUrl('redo') })).webhook.id;
    await save('DEMO', { Budget: 1 });
    await t.host.settle();
    await queriesCaughtUp();
    const [first] = (await t.invokeOk('admin', 'listDeliveries', { webhookId: hookId })).deliveries;
    receiver.on('redo', { kind: 'answer', status: 500 });
    await t.invokeOk('admin', 'redeliver', { deliveryId: first?.id ?? '' });
    await t.host.settle();
    receiver.on('redo', undefined);
    await save('DEMO', { Budget: 2 });
    await t.host.settle();
    // The redelivery failed and waits for its retry; revision 2 went all the same.
    expect(receiver.received('redo').map((r) => `${data(r).revision}#${r.attempt}:${r.answered}`)).toEqual(['1#1:200', '1#2:500', '2#1:200']);
  }, 60_000);
});
