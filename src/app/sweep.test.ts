import { LOST_WAKE_UP_MS, STUCK_CHANGE_MS, WAKE_STEP_SECONDS, WAKES_PER_STEP } from '../domain/wake-policy';
import type { WebhookStateRecord } from '../domain/records';
import { PENDING_GRACE_MS } from './publish-pending-changes';
import { sweep, type SweepDeps } from './sweep';
import { aChange, aDelivery, aState, aWebhook, inMemoryChangeStore, inMemoryPorts, recordingPublisher, type InMemoryPorts } from './testing/in-memory-ports';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function setUp(input: { webhooks?: string[]; states?: WebhookStateRecord[]; inactive?: string[] } = {}) {
  const webhookIds = input.webhooks ?? ['hook-1'];
  const ports = inMemoryPorts({
    nowMs: T0,
    webhooks: webhookIds.map((id) => aWebhook({ id, active: !(input.inactive ?? []).includes(id) })),
    states: input.states ?? [],
  });
  const changes = inMemoryChangeStore();
  const publisher = recordingPublisher();
  const deps: SweepDeps = { changes, fanOutChanges: changes, publisher, webhooks: ports.webhooks, deliveries: ports.deliveries, states: ports.states, queue: ports.queue, clock: ports.clock };
  return { ports, changes, publisher, deps };
}

/** A delivery of the webhook due since a minute ago. */
const due = (ports: InMemoryPorts, webhookId: string, deliveryId = `msg_${webhookId}`) => ports.deliveries.createMany([aDelivery({ deliveryId, webhookId, projectId: 1, createdAt: T0 - 60_000 })]);

describe('sweep: drains', () => {
  it.each([
    ['no state yet', true, undefined],
    ['its drain died holding the lease (run out)', true, aState('hook-1', { version: 2, leaseOwner: 'dead', leaseUntil: T0 - 1 })],
    ['a drain holds the lease', false, aState('hook-1', { version: 2, leaseOwner: 'drain-1', leaseUntil: T0 + 1 })],
    ['its circuit is open', false, aState('hook-1', { version: 2, breakerUntil: T0 + 60_000 })],
    ['a wake-up is on its way', false, aState('hook-1', { version: 2, wakeAt: T0 - 1_000, drainStartedAt: T0 - 10_000 })],
    ['the wake-up noted was lost', true, aState('hook-1', { version: 2, wakeAt: T0 - LOST_WAKE_UP_MS - 1, drainStartedAt: 0 })],
  ])('a webhook with due work and %s: woken %s', async (_label, woken, state) => {
    const { ports, deps } = setUp({ states: state ? [state] : [] });
    await due(ports, 'hook-1');

    const report = await sweep(deps);

    expect(report.drainsWoken).toBe(woken ? 1 : 0);
    expect(ports.queue.drainWakes).toEqual(woken ? [{ webhookId: 'hook-1', deliveryIds: ['msg_hook-1'], delaySeconds: 0, at: T0 }] : []);
    if (woken) expect(ports.states.records.get('hook-1')?.wakeAt).toBe(T0);
  });

  it('leaves a disabled webhook\'s work alone', async () => {
    const { ports, deps } = setUp({ inactive: ['hook-1'] });
    await due(ports, 'hook-1');
    expect((await sweep(deps)).drainsWoken).toBe(0);
    expect(ports.queue.drainWakes).toEqual([]);
  });

  it('cancels the due deliveries of a webhook that is gone', async () => {
    const { ports, deps } = setUp({ webhooks: [] });
    await due(ports, 'hook-gone');
    const report = await sweep(deps);
    expect(report.orphansCancelled).toBe(1);
    expect(ports.deliveries.records.get('msg_hook-gone')).toMatchObject({ status: 'cancelled', cancelledBy: null, cancelledAt: T0 });
  });

  it('leaves work that is not due yet', async () => {
    const { ports, deps } = setUp();
    await ports.deliveries.createMany([aDelivery({ deliveryId: 'msg_later', webhookId: 'hook-1', createdAt: T0 + 1 })]);
    expect((await sweep(deps)).drainsWoken).toBe(0);
  });

  it('wakes many webhooks in steps, each noted for when its wake-up goes out', async () => {
    const ids = Array.from({ length: WAKES_PER_STEP + 3 }, (_, i) => `hook-${String(i).padStart(2, '0')}`);
    const { ports, deps } = setUp({ webhooks: ids });
    for (const id of ids) await due(ports, id);

    expect((await sweep(deps)).drainsWoken).toBe(ids.length);

    expect(ports.queue.drainWakes).toHaveLength(WAKES_PER_STEP);
    expect(ports.queue.continuations[0]?.webhookIds).toHaveLength(3);
    const last = ids.at(-1) as string;
    expect(ports.states.records.get(last)?.wakeAt).toBe(T0 + WAKE_STEP_SECONDS * 1000);
  });
});

describe('sweep: changes', () => {
  it('pushes changes left pending past the grace period, not younger ones', async () => {
    const { changes, publisher, deps } = setUp();
    changes.records.set('old', aChange({ changeId: 'old', timestamp: T0 - PENDING_GRACE_MS }));
    changes.records.set('young', aChange({ changeId: 'young', timestamp: T0 - 1_000 }));

    const report = await sweep(deps);

    expect(report.changesPushed).toBe(1);
    expect(publisher.published).toEqual(['old']);
    expect(changes.records.get('old')?.pushState).toBe('pushed');
    expect(changes.records.get('young')?.pushState).toBe('pending');
  });

  it('wakes the fan-out for changes pushed and not fanned out for a while', async () => {
    const { ports, changes, deps } = setUp();
    changes.records.set('stuck', aChange({ changeId: 'stuck', pushState: 'pushed', timestamp: T0 - STUCK_CHANGE_MS }));
    changes.records.set('recent', aChange({ changeId: 'recent', pushState: 'pushed', timestamp: T0 - 1_000 }));
    changes.records.set('done', aChange({ changeId: 'done', pushState: 'fanned-out', timestamp: T0 - STUCK_CHANGE_MS }));

    const report = await sweep(deps);

    expect(report.fanOutWoken).toBe(true);
    expect(ports.queue.fanOutWakes).toEqual([{ changeIds: ['stuck'], delaySeconds: 0 }]);
  });
});
