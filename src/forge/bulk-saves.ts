import { Queue } from '@forge/events';
import { kvs } from '@forge/kvs';
import { bulkSaveItemSchema, bulkSaveJobSchema, type BulkSaveItem, type BulkSaveJob, type BulkSaveMessage } from '../app/bulk-save-record';
import type { BulkSaveQueue, BulkSaveStore } from '../app/bulk-save';
import { parseStoredRecord } from '../domain/records';
import { KVS_BATCH_GET_KEYS } from './kvs-batch-read';
import { QUEUE_KEYS } from './queues';
import { storageKeys } from './storage-keys';

/** A bulk save's outcome is kept a week, then expires. */
const retention = { ttl: { value: 7, unit: 'DAYS' as const } };
/** Items written at once (separate requests: a batch of large items could pass a transaction's size). */
const PARALLEL_WRITES = 10;

const parseJob = (key: string, value: unknown) => parseStoredRecord(bulkSaveJobSchema, 'bulk save', key, value);
const parseItem = (key: string, value: unknown) => parseStoredRecord(bulkSaveItemSchema, 'bulk save item', key, value) as BulkSaveItem;

/** A job record and one record per project (plain keys: read by key, never through an index). */
export function createKvsBulkSaveStore(): BulkSaveStore {
  const saveItem = (item: BulkSaveItem) => kvs.set(storageKeys.bulkSaveItem(item.bulkSaveId, item.index), item, retention);
  const saveJob = (job: BulkSaveJob) => kvs.set(storageKeys.bulkSave(job.id), job, retention);
  return {
    async create(job, items) {
      for (let i = 0; i < items.length; i += PARALLEL_WRITES) await Promise.all(items.slice(i, i + PARALLEL_WRITES).map(saveItem));
      await saveJob(job);
    },
    async loadJob(id) {
      const key = storageKeys.bulkSave(id);
      const value = await kvs.get(key);
      return value === undefined ? undefined : parseJob(key, value);
    },
    async loadItems(job) {
      const keys = job.projectKeys.map((_, index) => storageKeys.bulkSaveItem(job.id, index));
      const items: BulkSaveItem[] = [];
      for (let i = 0; i < keys.length; i += KVS_BATCH_GET_KEYS) {
        const page = await kvs.batchGet<unknown>(keys.slice(i, i + KVS_BATCH_GET_KEYS).map((key) => ({ key })));
        if (page.failedKeys.length > 0) throw new Error(`bulk save ${job.id}: ${page.failedKeys.length} items could not be read (${page.failedKeys[0]?.error?.message ?? 'no reason given'})`);
        for (const found of page.successfulKeys) items.push(parseItem(found.key, found.value));
      }
      return items.sort((a, b) => a.index - b.index);
    },
    saveItem: async (item) => saveItem(item),
    saveJob: async (job) => saveJob(job),
    async claim(id, who) {
      const key = storageKeys.bulkSaveClaim(id);
      try {
        await kvs.set(key, who, { keyPolicy: 'FAIL_IF_EXISTS', ...retention });
        return who;
      } catch (error) {
        // Only "it exists already" is expected here: then the stored claim decides.
        const holder = await kvs.get<string>(key);
        if (holder === 'consumer' || holder === 'abandoned') return holder;
        throw error;
      }
    },
  };
}

export function createBulkSaveQueue(): BulkSaveQueue {
  const queue = new Queue({ key: QUEUE_KEYS.bulkSaves });
  return {
    async wake(bulkSaveId) {
      const body: BulkSaveMessage = { schemaVersion: 1, bulkSaveId };
      await queue.push([{ body }]);
    },
  };
}
