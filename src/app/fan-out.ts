import { createDelivery } from '../domain/delivery-lifecycle';
import { bodyRefFor, deliveryIdFor, fieldsForWebhook } from '../domain/delivery-policy';
import type { DeliveryRecord, FieldChangeRecord, WebhookRecord } from '../domain/records';
import { buildWebhookBody } from '../domain/webhook-body';
import type { Clock, DeliveryStore, FanOutChangeStore, FanOutInbox, WakeUpQueue, WebhookStateStore, WebhookStore } from './ports';
import { pokeDrains } from './webhook-lease';

export interface FanOutDeps {
  readonly changes: FanOutChangeStore;
  /** Change ids of saves that shared this wake-up. */
  readonly inbox: FanOutInbox;
  readonly webhooks: WebhookStore;
  readonly deliveries: DeliveryStore;
  readonly states: WebhookStateStore;
  readonly queue: WakeUpQueue;
  readonly clock: Clock;
}

export interface FanOutReport {
  readonly changes: number;
  readonly deliveries: number;
  /** Drain wake-ups: pushed now, or in steps by continuations of the fan-out. */
  readonly wakeUps: number;
  /** More unfinished changes were found than one run takes: a wake-up for the rest was pushed. */
  readonly continued: boolean;
}

/** Changes one fan-out run takes; the index may hold more, and the run wakes itself for them. */
export const FAN_OUT_BATCH = 50;
/** Unfanned changes a run that was given ids looks for besides them. */
const STRAGGLERS = 5;
/** An unfanned change this old has likely lost its wake-up. */
export const STRAGGLER_AGE_MS = 60_000;

/**
 * Fan-out (DESIGN.md section 1): the changes named in the wake-up and in the inbox of saves that
 * shared it (read by key), then the ones the
 * index still lists as not fanned out; for each, one delivery per matching webhook, created only
 * if it does not exist (its id comes from change + webhook), then the drains are woken (one
 * wake-up per webhook, none where a drain is running or a wake-up is on its way), then the
 * changes are marked fanned out. Run twice, it creates nothing twice.
 */
export async function fanOutChanges(deps: FanOutDeps, changeIds: readonly string[]): Promise<FanOutReport> {
  const taken = await deps.inbox.take();
  const ids = [...new Set([...changeIds, ...taken.ids])];
  const named = await deps.changes.loadMany(ids);
  // The index finds changes whose wake-up was lost; a run that was told its changes only looks
  // for a few such stragglers (reads cost), a run told nothing looks for a whole batch.
  const listLimit = ids.length > 0 ? STRAGGLERS : FAN_OUT_BATCH;
  const listed = await deps.changes.listUnfanned(listLimit);
  // Index results may be stale (a change fanned out a moment ago): read again by key. A change
  // saved within the last minute is not a straggler: its own wake-up (or the inbox) brings it,
  // likely to a run going on right now, and taking it here too would only double the work.
  const namedIds = new Set(named.map((c) => c.changeId));
  const listedAt = deps.clock.now();
  const strays = await deps.changes.loadMany(listed.filter((c) => !namedIds.has(c.changeId) && listedAt - c.timestamp >= STRAGGLER_AGE_MS).map((c) => c.changeId));
  const byId = new Map<string, FieldChangeRecord>();
  for (const change of [...named, ...strays]) if (change.pushState !== 'fanned-out') byId.set(change.changeId, change);
  const changes = [...byId.values()].sort((a, b) => a.timestamp - b.timestamp || a.revision - b.revision);
  if (changes.length === 0) {
    if (taken.more) await deps.queue.wakeFanOut([]);
    return { changes: 0, deliveries: 0, wakeUps: 0, continued: taken.more };
  }

  const webhooks = (await deps.webhooks.list()).filter((w) => w.active);
  const now = deps.clock.now();
  const planned = changes.flatMap((change) => webhooks.flatMap((webhook) => deliveriesFor(change, webhook, now)));
  // Each body once (all webhooks of a change that get the same fields share it), before the deliveries that name it.
  await deps.deliveries.saveBodies(planned.map((p) => p.body));
  const records = planned.map((p) => p.delivery);
  await deps.deliveries.createMany(records);

  // Every matching delivery is woken, created now or by an earlier run that stopped half-way.
  const idsByWebhook = new Map<string, string[]>();
  for (const record of records) {
    const ids = idsByWebhook.get(record.webhookId) ?? [];
    ids.push(record.deliveryId);
    idsByWebhook.set(record.webhookId, ids);
  }
  // One batched read and write of the webhooks' states: a change to 1,000 webhooks costs about
  // 80 KVS requests here, not 3,000. Wake-ups needed are noted with the time each goes out.
  const { wakeUps } = await pokeDrains(deps, [...idsByWebhook].map(([webhookId, deliveryIds]) => ({ webhookId, deliveryIds })));
  // More to take only if the index listed a full page of changes really not fanned out.
  const continued = taken.more || strays.filter((c) => c.pushState !== 'fanned-out').length >= listLimit;
  await deps.changes.markFannedOut(changes);
  if (continued) await deps.queue.wakeFanOut([]);
  return { changes: changes.length, deliveries: records.length, wakeUps, continued };
}

function deliveriesFor(change: FieldChangeRecord, webhook: WebhookRecord, now: number): { delivery: DeliveryRecord; body: { ref: string; body: string } }[] {
  const fields = fieldsForWebhook(webhook, change);
  if (fields.length === 0) return [];
  const body = JSON.stringify(buildWebhookBody({ event: 'updated', user: change.user, timestamp: change.timestamp, project: change.project, fields, revision: change.revision }));
  const ref = bodyRefFor(change.changeId, body);
  return [
    {
      body: { ref, body },
      delivery: createDelivery({
        deliveryId: deliveryIdFor(change.changeId, webhook.id),
        webhookId: webhook.id,
        changeId: change.changeId,
        event: 'updated',
        project: change.project,
        fieldNames: fields.map((f) => f.name),
        order: change.timestamp,
        revision: change.revision,
        ...(change.previousChangeId !== undefined ? { previousChangeId: change.previousChangeId } : {}),
        body: { ref },
        nowMs: now,
      }),
    },
  ];
}
