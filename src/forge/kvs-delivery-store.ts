import { kvs, Filter, FilterConditions, Sort, WhereConditions } from '@forge/kvs';
import { invalidInput } from '../app/app-error';
import type { DeliveryStore } from '../app/ports';
import { isConditionalCheckFailed, isInvalidCursor } from '../app/storage-errors';
import { RETENTION_DAYS } from '../domain/delivery-policy';
import { attemptRecordSchema, deliveryBodyRecordSchema, deliveryRecordSchema, parseStoredRecord, StoredRecordError, type DeliveryBodyRecord, type DeliveryRecord } from '../domain/records';
import { batchGetAll } from './kvs-batch-read';
import { ENTITY, INDEX, storageKeys } from './storage-keys';
import { deliveryStillAsRead, fromStoredDelivery, sameDelivery, toStoredDelivery, type StoredDelivery } from './stored-delivery';

const PAGE = 100;
const BATCH = 25;
/** Index pages `earliestDue` reads past stale entries: as many as one drain run's budget of attempts (500) can leave. */
const EARLIEST_DUE_PAGES = 20;
/** Keeps one write request well inside Forge's request size (records carry their body). */
const MAX_BATCH_BYTES = 400 * 1024;
const retention = { ttl: { value: RETENTION_DAYS, unit: 'DAYS' as const } };

const parse = (key: string, value: unknown) => parseStoredRecord(deliveryRecordSchema, 'delivery', key, fromStoredDelivery(storageKeys.deliveryIdOf(key), value));

/** Index pages skip a record of an unexpected shape (and say so) rather than stopping every delivery. */
function parsePage(items: readonly { key: string; value: unknown }[], where: string): DeliveryRecord[] {
  return items.flatMap((item) => {
    try {
      return [parse(item.key, item.value)];
    } catch (error) {
      if (!(error instanceof StoredRecordError)) throw error;
      console.error(`${where}: skipped ${error.message}`);
      return [];
    }
  });
}

/** Groups records into batches of at most 25 and at most MAX_BATCH_BYTES. */
function batches<T>(records: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = JSON.stringify(record).length;
    if (current.length > 0 && (current.length >= BATCH || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export function createKvsDeliveryStore(): DeliveryStore {
  const deliveries = kvs.entity<StoredDelivery>(ENTITY.delivery);

  async function loadMany(ids: readonly string[]): Promise<DeliveryRecord[]> {
    return parsePage(await batchGetAll(ids.map((id) => storageKeys.delivery(id)), ENTITY.delivery), 'deliveries');
  }

  async function saveMany(records: readonly DeliveryRecord[]): Promise<void> {
    for (const batch of batches(records)) {
      const result = await kvs.batchSet(batch.map((d) => ({ key: storageKeys.delivery(d.deliveryId), value: toStoredDelivery(d), entityName: ENTITY.delivery, options: retention })));
      if (result.failedKeys.length > 0) {
        const first = result.failedKeys[0];
        throw new Error(`Storing ${result.failedKeys.length} deliveries failed: ${first?.error.code ?? ''} ${first?.error.message ?? ''}`);
      }
    }
  }

  /**
   * Index results may be stale (queries lag writes): what is acted on is read again by key and
   * checked again, so a delivery recorded a moment ago is never taken for what it was before.
   */
  async function fresh(records: readonly DeliveryRecord[], still: (d: DeliveryRecord) => boolean): Promise<DeliveryRecord[]> {
    if (records.length === 0) return [];
    const byKey = new Map((await loadMany(records.map((r) => r.deliveryId))).map((d) => [d.deliveryId, d]));
    return records.flatMap((r) => {
      const current = byKey.get(r.deliveryId);
      return current && still(current) ? [current] : [];
    });
  }

  /** Up to `limit` records of one index partition whose range value is in `range`, ascending. */
  async function scan(index: string, partition: unknown[], range: { from: number; to?: number }, limit: number): Promise<DeliveryRecord[]> {
    const records: DeliveryRecord[] = [];
    let cursor: string | undefined;
    do {
      let query = deliveries
        .query()
        .index(index, { partition })
        .where(range.to === undefined ? WhereConditions.greaterThanEqualTo(range.from) : WhereConditions.between(range.from, range.to))
        .sort(Sort.ASC)
        .limit(Math.min(PAGE, limit - records.length));
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany();
      records.push(...parsePage(page.results, 'deliveries'));
      cursor = page.nextCursor;
    } while (cursor && records.length < limit);
    return records;
  }

  /** Pending deliveries of a partition, earliest due first; due by `nowMs` when given. */
  const pending = (index: string, partition: unknown[], nowMs: number | undefined, limit: number) => scan(index, partition, nowMs === undefined ? { from: 0 } : { from: 0, to: nowMs }, limit);

  return {
    async load(id) {
      const key = storageKeys.delivery(id);
      const value = await deliveries.get(key);
      return value === undefined ? undefined : parse(key, value);
    },

    loadMany,

    async createMany(records) {
      const created: string[] = [];
      for (const batch of batches(records)) {
        // All or nothing, each only if absent: a change fanned out twice creates nothing twice.
        try {
          let tx = kvs.transact();
          for (const d of batch) {
            tx = tx.set(storageKeys.delivery(d.deliveryId), toStoredDelivery(d), { entityName: ENTITY.delivery, conditions: new Filter<StoredDelivery>().and('webhookId', FilterConditions.notExists()) }, retention);
          }
          await tx.execute();
          created.push(...batch.map((d) => d.deliveryId));
        } catch (error) {
          // Some exist already (or the answer was lost): create the missing ones one by one.
          const existing = new Set((await loadMany(batch.map((d) => d.deliveryId))).map((d) => d.deliveryId));
          if (existing.size === 0) throw error;
          for (const d of batch.filter((r) => !existing.has(r.deliveryId))) {
            try {
              await deliveries.set(storageKeys.delivery(d.deliveryId), toStoredDelivery(d), { keyPolicy: 'FAIL_IF_EXISTS', ...retention });
              created.push(d.deliveryId);
            } catch (single) {
              if ((await deliveries.get(storageKeys.delivery(d.deliveryId))) === undefined) throw single;
            }
          }
        }
      }
      return created;
    },

    saveMany,

    async dueForWebhook(webhookId, nowMs, limit) {
      const listed = await pending(INDEX.deliveryByWebhookDue, [webhookId, 'pending'], nowMs, limit);
      return fresh(listed, (d) => d.status === 'pending' && d.dueAt <= nowMs);
    },

    async listPending(webhookId, limit) {
      // `scan` reads on while the index has more, so fewer than `limit` is all there is.
      const records = await pending(INDEX.deliveryByWebhookDue, [webhookId, 'pending'], undefined, limit);
      return { records, complete: records.length < limit };
    },

    async earliestDue(webhookId) {
      // Checked by key: a stale index entry of a delivery already done would wake drains for nothing.
      // A page of nothing but stale entries (a drain has just delivered them) says nothing of what
      // comes after it: read on, a few pages at most.
      let cursor: string | undefined;
      for (let page = 0; page < EARLIEST_DUE_PAGES; page += 1) {
        let query = deliveries.query().index(INDEX.deliveryByWebhookDue, { partition: [webhookId, 'pending'] }).where(WhereConditions.greaterThanEqualTo(0)).sort(Sort.ASC).limit(BATCH);
        if (cursor) query = query.cursor(cursor);
        const listed = await query.getMany();
        const current = await fresh(parsePage(listed.results, 'deliveries'), (d) => d.status === 'pending');
        if (current.length > 0) return Math.min(...current.map((d) => d.dueAt));
        cursor = listed.nextCursor;
        if (!cursor) return undefined;
      }
      return undefined;
    },

    async dueAnywhere(nowMs, limit) {
      const listed = await pending(INDEX.deliveryByDue, ['pending'], nowMs, limit);
      return fresh(listed, (d) => d.status === 'pending' && d.dueAt <= nowMs);
    },

    async listForWebhook(webhookId, options) {
      let query = (
        options.status
          ? deliveries.query().index(INDEX.deliveryByWebhookStatus, { partition: [webhookId, options.status] })
          : deliveries.query().index(INDEX.deliveryByWebhook, { partition: [webhookId] })
      )
        .where(WhereConditions.greaterThanEqualTo(0))
        .sort(Sort.DESC)
        .limit(options.limit);
      if (options.cursor) query = query.cursor(options.cursor);
      const page = await query.getMany().catch((error: unknown) => {
        // A cursor this list never returned (edited, or from another list) is the caller's mistake, not a failure.
        if (options.cursor && isInvalidCursor(error)) throw invalidInput('The cursor is not valid: pass back the nextCursor of the previous page, or leave it out for the first page.');
        throw error;
      });
      const listed = parsePage(page.results, 'delivery log');
      return { records: await fresh(listed, (d) => options.status === undefined || d.status === options.status), nextCursor: page.nextCursor };
    },

    async listByStatusSince(webhookId, status, sinceMs, limit) {
      return fresh(await scan(INDEX.deliveryByWebhookStatus, [webhookId, status], { from: sinceMs }, limit), (d) => d.status === status);
    },

    async countPending(webhookId, cap) {
      return (await fresh(await pending(INDEX.deliveryByWebhookDue, [webhookId, 'pending'], undefined, cap), (d) => d.status === 'pending')).length;
    },

    async loadAttempts(deliveryId, attempts) {
      const items = await batchGetAll(Array.from({ length: attempts }, (_, i) => storageKeys.attempt(deliveryId, i + 1)));
      return items.map((item) => parseStoredRecord(attemptRecordSchema, 'delivery attempt', item.key, item.value)).sort((a, b) => a.attempt - b.attempt);
    },

    async saveBodies(bodies) {
      const unique = [...new Map(bodies.map((b) => [b.ref, b])).values()];
      for (const batch of batches(unique)) {
        const result = await kvs.batchSet(batch.map((b) => ({ key: storageKeys.deliveryBody(b.ref), value: { schemaVersion: 1, body: b.body } satisfies DeliveryBodyRecord, options: retention })));
        if (result.failedKeys.length > 0) {
          const first = result.failedKeys[0];
          throw new Error(`Storing ${result.failedKeys.length} delivery bodies failed: ${first?.error.code ?? ''} ${first?.error.message ?? ''}`);
        }
      }
    },

    async loadBodies(refs) {
      const items = await batchGetAll([...new Set(refs)].map((ref) => storageKeys.deliveryBody(ref)));
      return new Map(items.map((item) => [item.key.slice(storageKeys.deliveryBody('').length), parseStoredRecord(deliveryBodyRecordSchema, 'delivery body', item.key, item.value).body]));
    },

    async replaceIf(expected, next, attempt) {
      const key = storageKeys.delivery(next.deliveryId);
      try {
        const tx = kvs.transact().set(key, toStoredDelivery(next), { entityName: ENTITY.delivery, conditions: deliveryStillAsRead(expected) }, retention);
        await (attempt ? tx.set(storageKeys.attempt(attempt.deliveryId, attempt.attempt), attempt, undefined, retention) : tx).execute();
        return true;
      } catch (error) {
        const stored = await deliveries.get(key);
        if (stored !== undefined && sameDelivery(parse(key, stored), next)) return true; // committed; the answer was lost
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async cancelPendingOfWebhook(webhookId, nowMs) {
      const waiting = await fresh(await pending(INDEX.deliveryByWebhookDue, [webhookId, 'pending'], undefined, 1000), (d) => d.status === 'pending');
      // The webhook is gone: an attempt in flight is cancelled too (its drain finds no webhook).
      await saveMany(waiting.map((d) => ({ ...d, status: 'cancelled' as const, inFlight: 0, cancelledBy: null, cancelledAt: nowMs })));
      return waiting.length;
    },
  };
}
