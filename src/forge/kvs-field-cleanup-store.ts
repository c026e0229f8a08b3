import { isDeepStrictEqual } from 'node:util';
import { kvs, Filter, FilterConditions, Sort, WhereConditions } from '@forge/kvs';
import { ConcurrentWriteError, type FieldCleanupStore } from '../app/ports';
import { fieldCleanupRecordSchema, type FieldCleanupRecord } from '../domain/field-cleanup-record';
import { parseStoredRecord, StoredRecordError } from '../domain/records';
import { ENTITY, INDEX, storageKeys } from './storage-keys';

/** A finished cleanup stays listed for a week, then its record expires. */
const finishedRetention = { ttl: { value: 7, unit: 'DAYS' as const } };

/** One progress record per deleted field, written conditionally on its version. */
export function createKvsFieldCleanupStore(): FieldCleanupStore {
  const cleanups = kvs.entity<FieldCleanupRecord>(ENTITY.fieldCleanup);
  const parse = (key: string, value: unknown) => parseStoredRecord(fieldCleanupRecordSchema, 'field cleanup', key, value);

  async function load(fieldId: number): Promise<FieldCleanupRecord | undefined> {
    const key = storageKeys.fieldCleanup(fieldId);
    const value = await cleanups.get(key);
    return value === undefined ? undefined : parse(key, value);
  }

  return {
    load,

    async create(record) {
      const key = storageKeys.fieldCleanup(record.fieldId);
      try {
        await cleanups.set(key, record, { keyPolicy: 'FAIL_IF_EXISTS' });
        return record;
      } catch (error) {
        // Only "it exists already" is expected here; anything else is a real failure.
        const stored = await load(record.fieldId);
        if (stored === undefined) throw error;
        return stored;
      }
    },

    async save(next) {
      const key = storageKeys.fieldCleanup(next.fieldId);
      try {
        await kvs
          .transact()
          .set(
            key,
            next,
            { entityName: ENTITY.fieldCleanup, conditions: new Filter<FieldCleanupRecord>().and('version', FilterConditions.equalTo(next.version - 1)) },
            ...(next.finishedAt !== undefined ? [finishedRetention] : []),
          )
          .execute();
      } catch (error) {
        const stored = await load(next.fieldId);
        if (isDeepStrictEqual(stored, next)) return; // committed; only the answer was lost
        if (stored?.version !== next.version - 1) throw new ConcurrentWriteError(`The cleanup of field ${next.fieldId}`);
        throw error;
      }
    },

    async delete(fieldId) {
      await cleanups.delete(storageKeys.fieldCleanup(fieldId));
    },

    async listRecent(limit) {
      const page = await cleanups
        .query()
        .index(INDEX.fieldCleanupByStarted)
        .where(WhereConditions.greaterThanEqualTo(0))
        .sort(Sort.DESC)
        .limit(Math.min(limit, 25))
        .getMany();
      // The index may lag: re-read the page by key (one batch), so it shows progress as it is now.
      const keys = page.results.map((item) => item.key).slice(0, 25);
      if (keys.length === 0) return [];
      const fresh = await kvs.batchGet<unknown>(keys.map((key) => ({ key, entityName: ENTITY.fieldCleanup })));
      const records: FieldCleanupRecord[] = [];
      for (const item of fresh.successfulKeys) {
        try {
          records.push(parse(item.key, item.value));
        } catch (error) {
          if (!(error instanceof StoredRecordError)) throw error;
          console.error(`field cleanups: skipped ${error.message}`);
        }
      }
      records.sort((a, b) => b.startedAt - a.startedAt);
      return records;
    },
  };
}
