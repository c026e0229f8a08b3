import { deliveryIdFor } from '../domain/delivery-policy';
import type { DeliveryRecord, FieldChangeRecord } from '../domain/records';
import { INDEX_LAG_SECONDS } from '../domain/wake-policy';
import { drainWebhook } from './drain';
import { aChange, aDelivery, aWebhook, drainDeps, inMemoryPorts, type InMemoryPorts } from './testing/in-memory-ports';

/**
 * The chain check: a drain sends a project's delivery only once the delivery of the project's
 * previous change (read by key, walking back over changes the webhook skipped) is done, whatever
 * its listing and the ids handed over show.
 */

const HOOK = 'hook-1';
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const PROJECT = 9;

/** Change `r<revision>` of the project, chained to the one before it. */
function change(revision: number, overrides: Partial<FieldChangeRecord> = {}): FieldChangeRecord {
  return aChange({
    changeId: `c${revision}`,
    projectId: PROJECT,
    project: { id: PROJECT, key: 'DEMO', name: 'Demo' },
    revision,
    timestamp: T0 - 10_000 + revision,
    pushState: 'fanned-out',
    ...(revision > 1 ? { previousChangeId: `c${revision - 1}` } : {}),
    ...overrides,
  });
}

/** The delivery of change `r<revision>` to the webhook, as the fan-out makes it. */
function deliveryOf(c: FieldChangeRecord, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return aDelivery({
    deliveryId: deliveryIdFor(c.changeId, HOOK),
    webhookId: HOOK,
    changeId: c.changeId,
    project: c.project,
    order: c.timestamp,
    revision: c.revision,
    ...(c.previousChangeId !== undefined ? { previousChangeId: c.previousChangeId } : {}),
    ...overrides,
  });
}

function world(changes: readonly FieldChangeRecord[], deliveries: readonly DeliveryRecord[], hidden: readonly DeliveryRecord[] = []): InMemoryPorts {
  const ports = inMemoryPorts({ webhooks: [aWebhook({ id: HOOK })], changes, deliveries, nowMs: T0 });
  for (const d of hidden) ports.deliveries.index.hidden.add(d.deliveryId);
  return ports;
}

const sent = (ports: InMemoryPorts) => ports.http.requests.map((r) => r.deliveryId);

describe('drain: confirm order by the chain of changes', () => {
  it('sends an earlier delivery that neither the listing nor the ids handed over showed, first', async () => {
    const [c1, c2] = [change(1), change(2)];
    const [d1, d2] = [deliveryOf(c1), deliveryOf(c2)];
    const ports = world([c1, c2], [d1, d2], [d1, d2]);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [d2.deliveryId] });

    expect(sent(ports)).toEqual([d1.deliveryId, d2.deliveryId]);
  });

  it('walks back over several hidden deliveries and sends them in change order', async () => {
    const changes = [1, 2, 3, 4, 5].map((r) => change(r));
    const deliveries = changes.map((c) => deliveryOf(c));
    const ports = world(changes, deliveries, deliveries);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [deliveries[4]?.deliveryId ?? ''] });

    expect(sent(ports)).toEqual(deliveries.map((d) => d.deliveryId));
  });

  it('holds the project while an earlier change waits for its fan-out, lets other projects go, and looks again shortly', async () => {
    const [c1, c2] = [change(1, { pushState: 'pushed' }), change(2)];
    const d2 = deliveryOf(c2);
    const other = aDelivery({ webhookId: HOOK, projectId: 77 });
    const ports = world([c1, c2], [d2, other]);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [] });

    expect(sent(ports)).toEqual([other.deliveryId]);
    expect(ports.deliveries.records.get(d2.deliveryId)?.status).toBe('pending');
    expect(ports.queue.drainWakes.at(-1)?.delaySeconds).toBe(INDEX_LAG_SECONDS);

    // The fan-out of change 1 makes its delivery; the next drain sends both, in order.
    const d1 = deliveryOf(c1);
    await ports.deliveries.createMany([d1]);
    ports.changes.records.set(c1.changeId, { ...c1, pushState: 'fanned-out' });
    await drainWebhook(drainDeps(ports, { ownerId: 'drain-2' }), { webhookId: HOOK, deliveryIds: [d1.deliveryId] });
    expect(sent(ports)).toEqual([other.deliveryId, d1.deliveryId, d2.deliveryId]);
  });

  it('walks past a change the webhook skipped (no delivery) to a pending one before it', async () => {
    const [c1, c2, c3] = [change(1), change(2), change(3)];
    // Change 2 was fanned out without a delivery here (the webhook's field filter skipped it).
    const [d1, d3] = [deliveryOf(c1), deliveryOf(c3)];
    const ports = world([c1, c2, c3], [d1, d3], [d1]);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [d3.deliveryId] });

    expect(sent(ports)).toEqual([d1.deliveryId, d3.deliveryId]);
  });

  it('walks past a cancelled delivery to a pending one before it', async () => {
    const [c1, c2, c3] = [change(1), change(2), change(3)];
    const [d1, d2, d3] = [deliveryOf(c1), deliveryOf(c2, { status: 'cancelled', cancelledBy: 'admin-1', cancelledAt: T0 - 1 }), deliveryOf(c3)];
    const ports = world([c1, c2, c3], [d1, d2, d3], [d1]);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [d3.deliveryId] });

    expect(sent(ports)).toEqual([d1.deliveryId, d3.deliveryId]);
  });

  it('sends at once behind a delivered one, and when the previous change is gone (past retention)', async () => {
    const [c1, c2, c3] = [change(1), change(2), change(3)];
    const d2 = deliveryOf(c2, { status: 'delivered' });
    const d3 = deliveryOf(c3);
    const lone = deliveryOf(change(7));
    // Change 6 (before `lone`) is gone: nothing that old is pending.
    const ports = world([c1, c2, c3], [d2, d3, lone]);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [] });

    expect(sent(ports)).toEqual([d3.deliveryId, lone.deliveryId]);
  });

  it('does not send a later change while the earlier one it found is waiting for its retry', async () => {
    const [c1, c2] = [change(1), change(2)];
    // Change 1's delivery failed once and waits an hour; the state does not name it (it was full).
    const d1 = deliveryOf(c1, { attempts: 1, dueAt: T0 + 3_600_000, lastStatusCode: 503 });
    const d2 = deliveryOf(c2);
    const ports = world([c1, c2], [d1, d2], [d1]);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [d2.deliveryId] });

    // It is its project's head now: sent, rather than anything after it.
    expect(sent(ports)[0]).toBe(d1.deliveryId);
    expect(sent(ports).indexOf(d2.deliveryId)).not.toBe(0);
  });

  it('keeps two saves of one millisecond in revision order, whatever their ids', async () => {
    const c1 = change(1, { timestamp: T0 - 5 });
    const c2 = change(2, { timestamp: T0 - 5 });
    const [d1, d2] = [deliveryOf(c1), deliveryOf(c2)];
    // Both listed and handed over: only the revision tells their order.
    const ports = world([c1, c2], [d2, d1]);

    await drainWebhook(drainDeps(ports), { webhookId: HOOK, deliveryIds: [d2.deliveryId, d1.deliveryId] });

    expect(sent(ports)).toEqual([d1.deliveryId, d2.deliveryId]);
  });
});
