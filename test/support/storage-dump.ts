import type { ForgeHost } from '../../local/host';

/**
 * Everything the app has stored (KVS values, secrets, custom entities), read straight from the
 * host's SQLite file, so a test can prove that refused input wrote nothing. Rows are sorted, so two
 * dumps of the same state are equal.
 */
export function dumpStorage(host: ForgeHost, options: { readonly ignore?: (row: StoredRow) => boolean } = {}): StoredRow[] {
  const rows: StoredRow[] = [];
  for (const table of ['kvs_values', 'kvs_secrets', 'kvs_entities'] as const) {
    const found = host.db.prepare(`SELECT entity, key, value FROM ${table} ORDER BY entity, key`).all() as { entity: string; key: string; value: string }[];
    for (const row of found) rows.push({ table, entity: row.entity, key: row.key, value: row.value });
  }
  return options.ignore ? rows.filter((row) => !options.ignore?.(row)) : rows;
}

export interface StoredRow {
  readonly table: 'kvs_values' | 'kvs_secrets' | 'kvs_entities';
  readonly entity: string;
  readonly key: string;
  readonly value: string;
}

/** Queue events the app pushed so far (every queue), as a count: refused input pushes none. */
export function queuedEventCount(host: ForgeHost): number {
  return (host.db.prepare('SELECT COUNT(*) AS n FROM queue_deliveries').get() as { n: number }).n;
}

/** Consumer invocations that ended in a thrown error (the platform recorded it and retried). */
export function consumerFailures(host: ForgeHost): { queue: string; error: string }[] {
  return (host.db.prepare("SELECT queue_name AS queue, last_error AS error FROM queue_deliveries WHERE last_error IS NOT NULL").all() as { queue: string; error: string }[]).concat(
    host.db.prepare('SELECT queue_name AS queue, reason AS error FROM queue_dead_letters').all() as { queue: string; error: string }[],
  );
}
