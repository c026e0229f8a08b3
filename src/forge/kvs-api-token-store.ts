import { kvs, WhereConditions } from '@forge/kvs';
import type { ApiTokenStore } from '../app/ports';
import { apiTokenRecordSchema, parseStoredRecord } from '../domain/records';
import { storageKeys } from './storage-keys';

/** Token records by id, and an index from the token's hash to its id (the token is never stored). */
export function createKvsApiTokenStore(): ApiTokenStore {
  async function byId(id: string) {
    const key = storageKeys.apiToken(id);
    const value = await kvs.get(key);
    return value === undefined ? undefined : parseStoredRecord(apiTokenRecordSchema, 'API token', key, value);
  }
  return {
    async findByHash(hash) {
      const id = await kvs.get<string>(storageKeys.apiTokenByHash(hash));
      return typeof id === 'string' ? byId(id) : undefined;
    },
    async save(record) {
      await kvs.transact().set(storageKeys.apiToken(record.id), record).set(storageKeys.apiTokenByHash(record.hash), record.id).execute();
    },
    async list() {
      const records = [];
      let cursor: string | undefined;
      do {
        let query = kvs.query().where('key', WhereConditions.beginsWith(storageKeys.apiTokenPrefix())).limit(100);
        if (cursor) query = query.cursor(cursor);
        const page = await query.getMany<unknown>();
        for (const item of page.results) records.push(parseStoredRecord(apiTokenRecordSchema, 'API token', item.key, item.value));
        cursor = page.nextCursor;
      } while (cursor);
      return records;
    },
    async delete(id) {
      const record = await byId(id);
      if (!record) return;
      await kvs.transact().delete(storageKeys.apiToken(id)).delete(storageKeys.apiTokenByHash(record.hash)).execute();
    },
  };
}
