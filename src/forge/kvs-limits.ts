/**
 * Forge's storage limits on one request that writes many items, and a pure helper that splits
 * writes into requests that stay inside them by construction (no platform call here, so the
 * planning can be unit tested and shared by every adapter).
 *
 * Forge documents 25 operations and 4 MB per transaction, but a known platform bug caps a
 * transaction at 1 MB today; we plan for the 1 MB (a little under a MiB, so the request's own
 * JSON around the items is covered too). Batches (`batchSet`) take 25 items.
 */
export const KVS_WRITE_LIMITS = {
  /** Operations (set, delete, check) in one transaction, and items in one batch. */
  maxOperations: 25,
  /** Bytes of one transaction or batch request we allow ourselves (the 1 MB cap of the bug). */
  maxRequestBytes: 1_000_000,
  /** The most one stored value may be (Forge: 240 KiB), so any item fits a request on its own. */
  maxValueBytes: 240 * 1024,
} as const;

/** Room for what a request adds around an item: its entity name, conditions, ttl options, commas. */
export const ITEM_OVERHEAD_BYTES = 512;

/** One operation as it goes over the wire. */
export interface KvsWriteItem {
  readonly key: string;
  /** Absent for a delete or a condition check. */
  readonly value?: unknown;
}

const utf8 = new TextEncoder();

/** The bytes one operation adds to a transaction or batch request (its key and value as JSON, plus room for the rest). */
export function itemBytes(item: KvsWriteItem): number {
  const valueBytes = item.value === undefined ? 0 : utf8.encode(JSON.stringify(item.value)).length;
  return utf8.encode(item.key).length + valueBytes + ITEM_OVERHEAD_BYTES;
}

/** The bytes of a whole request of these operations (as `itemBytes` counts them). */
export function requestBytes(items: readonly KvsWriteItem[]): number {
  return items.reduce((sum, item) => sum + itemBytes(item), 0);
}

/**
 * Splits writes, in order, into groups that each fit one transaction or batch: at most
 * `maxOperations` items and `maxRequestBytes` bytes. An item too large for any request (it could
 * not be stored either) is an error naming its key.
 */
export function planWriteRequests<T>(
  items: readonly T[],
  asItem: (item: T) => KvsWriteItem,
  limits: { readonly maxOperations: number; readonly maxRequestBytes: number } = KVS_WRITE_LIMITS,
): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const wire = asItem(item);
    const size = itemBytes(wire);
    if (size > limits.maxRequestBytes) throw new Error(`The write of ${wire.key} (${size} bytes) is larger than one storage request may be (${limits.maxRequestBytes} bytes)`);
    if (group.length > 0 && (group.length >= limits.maxOperations || bytes + size > limits.maxRequestBytes)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * The most items of `maxValueBytes` each that always fit one request: a transaction of at most
 * this many writes is under the byte cap whatever their values (values over 240 KiB cannot be
 * stored), which is what lets a fixed-size transaction skip planning.
 */
export const ALWAYS_FITS_OPERATIONS = Math.floor(KVS_WRITE_LIMITS.maxRequestBytes / (KVS_WRITE_LIMITS.maxValueBytes + 500 + ITEM_OVERHEAD_BYTES));
