import { isDeepStrictEqual } from 'node:util';
import { kvs, Filter, FilterConditions } from '@forge/kvs';
import { ConcurrentWriteError, type FieldCatalogStore } from '../app/ports';
import { fieldCatalogRecordSchema, parseStoredRecord, type FieldCatalogRecord } from '../domain/records';
import { ENTITY, storageKeys } from './storage-keys';

export function createKvsFieldCatalogStore(): FieldCatalogStore {
  const entity = kvs.entity<FieldCatalogRecord>(ENTITY.fieldCatalog);
  const key = storageKeys.fieldCatalog();

  async function load(): Promise<FieldCatalogRecord | undefined> {
    const value = await entity.get(key);
    return value === undefined ? undefined : parseStoredRecord(fieldCatalogRecordSchema, 'field catalog', key, value);
  }

  return {
    load,
    async save(next, expectedVersion) {
      try {
        if (expectedVersion === undefined) {
          await entity.set(key, next, { keyPolicy: 'FAIL_IF_EXISTS' });
        } else {
          await kvs
            .transact()
            .set(key, next, { entityName: ENTITY.fieldCatalog, conditions: new Filter<FieldCatalogRecord>().and('version', FilterConditions.equalTo(expectedVersion)) })
            .execute();
        }
      } catch (error) {
        // Confirm the conflict by reading again: any other failure is not ours to explain.
        const stored = await load();
        if (isDeepStrictEqual(stored, next)) return; // committed; only the answer was lost
        if ((stored?.version ?? undefined) !== expectedVersion) throw new ConcurrentWriteError('The field catalog');
        throw error;
      }
    },
  };
}
