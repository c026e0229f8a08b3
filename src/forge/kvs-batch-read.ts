import { kvs } from '@forge/kvs';

/** Keys Forge reads in one batch. */
export const KVS_BATCH_GET_KEYS = 25;

/**
 * The stored items of `keys`, read in batches of Forge's most, one after another; keys with
 * nothing stored are left out. With `entityName`, the keys are read as that entity's.
 */
export async function batchGetAll(keys: readonly string[], entityName?: string): Promise<{ key: string; value: unknown }[]> {
  const found: { key: string; value: unknown }[] = [];
  for (let i = 0; i < keys.length; i += KVS_BATCH_GET_KEYS) {
    const result = await kvs.batchGet<unknown>(keys.slice(i, i + KVS_BATCH_GET_KEYS).map((key) => (entityName === undefined ? { key } : { key, entityName })));
    found.push(...result.successfulKeys);
  }
  return found;
}
