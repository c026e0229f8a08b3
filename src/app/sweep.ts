import { WAKE_IDS, type DeliveryRecord } from '../domain/records';
import { plannedWakeAt, STUCK_CHANGE_MS, sweeperShouldWake } from '../domain/wake-policy';
import type { ChangeEventPublisher, Clock, DeliveryStore, FanOutChangeStore, FieldChangeStore, WakeUpQueue, WebhookStateStore, WebhookStore } from './ports';
import { publishPendingChanges } from './publish-pending-changes';
import { wakeInSteps } from './wake-drains';

export interface SweepDeps {
  readonly changes: FieldChangeStore;
  readonly fanOutChanges: FanOutChangeStore;
  readonly publisher: ChangeEventPublisher;
  readonly webhooks: WebhookStore;
  readonly deliveries: DeliveryStore;
  readonly states: WebhookStateStore;
  readonly queue: WakeUpQueue;
  readonly clock: Clock;
}

const DUE_PAGES = 5;

export interface SweepReport {
  readonly changesPushed: number;
  readonly fanOutWoken: boolean;
  readonly drainsWoken: number;
  readonly orphansCancelled: number;
}

/**
 * The scheduled sweep (every 5 minutes): what no wake-up covers gets one. Changes whose push
 * failed, changes whose fan-out stopped, and webhooks with due deliveries and neither a running
 * drain nor a wake-up on its way (retries beyond the queue's 900 s, lost pushes, chains cut by
 * the platform, drains that died holding the lease). Deliveries of deleted webhooks are cancelled.
 * Retention needs no sweep: deliveries, attempts and change records carry a 30-day TTL.
 */
export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const pushed = await publishPendingChanges(deps);
  const now = deps.clock.now();

  const unfanned = await deps.fanOutChanges.listUnfanned(50);
  const stuck = unfanned.filter((c) => c.pushState === 'pushed' && now - c.timestamp >= STUCK_CHANGE_MS);
  if (stuck.length > 0) await deps.queue.wakeFanOut(stuck.map((c) => c.changeId));

  const dueByWebhook = new Map<string, DeliveryRecord[]>();
  for (const delivery of await deps.deliveries.dueAnywhere(now, DUE_PAGES * 100)) {
    const list = dueByWebhook.get(delivery.webhookId) ?? [];
    list.push(delivery);
    dueByWebhook.set(delivery.webhookId, list);
  }
  const states = await deps.states.loadMany([...dueByWebhook.keys()]);
  const wakes: { webhookId: string; deliveryIds: string[] }[] = [];
  let orphansCancelled = 0;
  for (const [webhookId, due] of dueByWebhook) {
    const webhook = await deps.webhooks.load(webhookId);
    if (!webhook) {
      await deps.deliveries.saveMany(due.map((d) => ({ ...d, status: 'cancelled' as const, inFlight: 0, cancelledBy: null, cancelledAt: now })));
      orphansCancelled += due.length;
      continue;
    }
    if (!webhook.active) continue;
    if (!sweeperShouldWake(states.get(webhookId), now)) continue;
    wakes.push({ webhookId, deliveryIds: due.slice(0, WAKE_IDS).map((d) => d.deliveryId) });
  }
  // Noted first, with the time each goes out (in steps: hundreds of webhooks may be due at once);
  // one the event rate refuses is overdue by the next sweep, which wakes it then.
  const wakeAt = new Map(wakes.map((w, n) => [w.webhookId, plannedWakeAt(now, n)]));
  await deps.states.updateMany([...wakeAt.keys()], (current) => ({ ...current, wakeAt: wakeAt.get(current.webhookId) ?? current.wakeAt }));
  await wakeInSteps(deps.queue, wakes);
  return { changesPushed: pushed.pushed, fanOutWoken: stuck.length > 0, drainsWoken: wakes.length, orphansCancelled };
}
