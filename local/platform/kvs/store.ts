import type { Statement } from 'better-sqlite3';
import type { HostDatabase } from '../database';
import type { IndexModel } from './entities';

/**
 * Where an item lives. Plain values, secrets and custom entities are kept in separate tables:
 * a secret is never reachable through `get`, `query` or an entity, and the other way round.
 */
export type Space =
  | { readonly store: 'value' }
  | { readonly store: 'secret' }
  | { readonly store: 'entity'; readonly entity: string };

export interface StoredItem {
  readonly key: string;
  /** The value as JSON text. */
  readonly value: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Epoch ms after which the item no longer exists; null without TTL. */
  readonly expiresAt: number | null;
}

interface Row {
  key: string;
  value: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
}

export interface IndexRow extends Row {
  /** The index's range value of this item (the key for `by-key`). */
  r: string | number;
}

const TABLES = { value: 'kvs_values', secret: 'kvs_secrets', entity: 'kvs_entities' } as const;
type KvsTable = (typeof TABLES)[keyof typeof TABLES];

/** The statements of one table that every get, set and delete uses, prepared once. */
interface TableStatements {
  readonly get: Statement;
  readonly write: Statement;
  readonly remove: Statement;
}

export type RangeBound =
  | { readonly kind: 'compare'; readonly op: '=' | '>' | '>=' | '<' | '<='; readonly value: string | number }
  | { readonly kind: 'between'; readonly low: string | number; readonly high: string | number }
  | { readonly kind: 'prefix'; readonly prefix: string };

export interface IndexScan {
  readonly entity: string;
  readonly index: IndexModel;
  readonly partition: readonly (string | number)[];
  readonly range?: RangeBound;
  readonly descending: boolean;
  /** Resume strictly after this position (range value, key) in scan order. */
  readonly after?: { readonly r: string | number; readonly key: string };
  readonly now: number;
}

const toItem = (row: Row): StoredItem => ({
  key: row.key,
  value: row.value,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  expiresAt: row.expires_at,
});

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

/** Queryable tables and their query replicas (what queries read when writes lag). */
const REPLICAS = { kvs_values: 'kvs_values_replica', kvs_entities: 'kvs_entities_replica' } as const;
type QueryableTable = keyof typeof REPLICAS;

export interface KvsStoreOptions {
  /**
   * Eventual consistency of queries, as on Forge: a write reaches the query replica (what
   * `scanValues` and `scanIndex` read) `indexLagMs` virtual ms after it was made; `get` reads the
   * primary at once. 0: queries read the primary.
   */
  readonly indexLagMs?: number;
}

export class KvsStore {
  private readonly statements = new Map<string, Statement>();
  private readonly lagMs: number;
  /** One transaction function for every `atomically` (building one per call costs more than the work). */
  private readonly inTransaction: (fn: () => unknown) => unknown;
  private readonly tableStatements: Readonly<Record<KvsTable, TableStatements>>;

  constructor(
    private readonly db: HostDatabase,
    options: KvsStoreOptions = {},
  ) {
    this.lagMs = options.indexLagMs ?? 0;
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    for (const table of [...Object.values(TABLES), ...Object.values(REPLICAS)]) {
      db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
        entity TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (entity, key)
      ) WITHOUT ROWID`);
      db.exec(`CREATE INDEX IF NOT EXISTS ${table}_expiry ON ${table} (expires_at) WHERE expires_at IS NOT NULL`);
    }
    // Writes not yet visible to queries, applied to the replicas in order once due.
    db.exec(`CREATE TABLE IF NOT EXISTS kvs_replication_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      tbl TEXT NOT NULL,
      entity TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT,
      created_at INTEGER,
      updated_at INTEGER,
      expires_at INTEGER,
      visible_at INTEGER NOT NULL
    )`);
    const prepare = (table: KvsTable): TableStatements => ({
      get: db.prepare(`SELECT key, value, created_at, updated_at, expires_at FROM ${table} WHERE entity = ? AND key = ? AND ${LIVE}`),
      write: db.prepare(
        `INSERT INTO ${table} (entity, key, value, created_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (entity, key) DO UPDATE SET value = excluded.value,
           created_at = CASE WHEN ${table}.expires_at IS NULL OR ${table}.expires_at > ? THEN ${table}.created_at ELSE excluded.created_at END,
           updated_at = excluded.updated_at, expires_at = excluded.expires_at
         RETURNING created_at`,
      ),
      remove: db.prepare(`DELETE FROM ${table} WHERE entity = ? AND key = ? RETURNING expires_at`),
    });
    this.tableStatements = { kvs_values: prepare('kvs_values'), kvs_secrets: prepare('kvs_secrets'), kvs_entities: prepare('kvs_entities') };
    if (this.lagMs > 0) {
      // A fresh start has converged: the replicas begin as copies of the primary.
      this.atomically(() => {
        for (const [primary, replica] of Object.entries(REPLICAS)) {
          db.exec(`DELETE FROM ${replica}`);
          db.exec(`INSERT INTO ${replica} SELECT * FROM ${primary}`);
        }
        db.exec('DELETE FROM kvs_replication_log');
      });
    }
  }

  private queryTable(table: QueryableTable, now: number): string {
    if (this.lagMs <= 0) return table;
    this.replicate(now);
    return REPLICAS[table];
  }

  /** Applies the logged writes that became visible by `now` to the query replicas. */
  private replicate(now: number): void {
    const due = this.statement('SELECT * FROM kvs_replication_log WHERE visible_at <= ? ORDER BY seq').all(now) as (Row & { seq: number; tbl: QueryableTable; entity: string; value: string | null })[];
    if (due.length === 0) return;
    this.atomically(() => {
      for (const entry of due) {
        const replica = REPLICAS[entry.tbl];
        if (entry.value === null) this.statement(`DELETE FROM ${replica} WHERE entity = ? AND key = ?`).run(entry.entity, entry.key);
        else {
          this.statement(`INSERT OR REPLACE INTO ${replica} (entity, key, value, created_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`).run(
            entry.entity,
            entry.key,
            entry.value,
            entry.created_at,
            entry.updated_at,
            entry.expires_at,
          );
        }
      }
      this.statement('DELETE FROM kvs_replication_log WHERE seq <= ?').run(due[due.length - 1]?.seq ?? 0);
    });
  }

  private logWrite(table: string, entity: string, key: string, item: StoredItem | undefined, now: number): void {
    if (this.lagMs <= 0 || !(table in REPLICAS)) return;
    this.statement('INSERT INTO kvs_replication_log (tbl, entity, key, value, created_at, updated_at, expires_at, visible_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      table,
      entity,
      key,
      item?.value ?? null,
      item?.createdAt ?? null,
      item?.updatedAt ?? null,
      item?.expiresAt ?? null,
      now + this.lagMs,
    );
  }

  /** Runs `fn` as one SQLite transaction: all of its writes or none. */
  atomically<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private static where(space: Space): { table: KvsTable; entity: string } {
    return { table: TABLES[space.store], entity: space.store === 'entity' ? space.entity : '' };
  }

  /** The live (not expired) item under `key`. */
  get(space: Space, key: string, now: number): StoredItem | undefined {
    const { table, entity } = KvsStore.where(space);
    const row = this.tableStatements[table].get.get(entity, key, now) as Row | undefined;
    return row && toItem(row);
  }

  /**
   * Stores `value` under `key`, as one statement: a live item keeps its creation time, a missing
   * or expired one starts now. Answers the item as stored.
   */
  write(space: Space, key: string, value: string, expiresAt: number | null, now: number): StoredItem {
    const { table, entity } = KvsStore.where(space);
    const row = this.tableStatements[table].write.get(entity, key, value, now, now, expiresAt, now) as { created_at: number };
    const item: StoredItem = { key, value, createdAt: row.created_at, updatedAt: now, expiresAt };
    this.logWrite(table, entity, key, item, now);
    return item;
  }

  /** Deletes the item; answers whether a live one was there. */
  remove(space: Space, key: string, now: number): boolean {
    const { table, entity } = KvsStore.where(space);
    const removed = this.tableStatements[table].remove.get(entity, key) as { expires_at: number | null } | undefined;
    this.logWrite(table, entity, key, undefined, now);
    return removed !== undefined && (removed.expires_at === null || removed.expires_at > now);
  }

  /** Expired items are invisible at once; this reclaims their rows. */
  purgeExpired(now: number): void {
    for (const table of [...Object.values(TABLES), ...Object.values(REPLICAS)]) this.statement(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`).run(now);
  }

  /** Plain values in key order, after `after`, whose key begins with `prefix`. */
  scanValues(prefix: string | undefined, after: string | undefined, limit: number, now: number): StoredItem[] {
    const conditions = ['entity = ?', LIVE];
    const params: (string | number)[] = ['', now];
    if (prefix !== undefined && prefix !== '') {
      conditions.push('substr(key, 1, ?) = ?');
      params.push(prefix.length, prefix);
    }
    if (after !== undefined) {
      conditions.push('key > ?');
      params.push(after);
    }
    params.push(limit);
    const sql = `SELECT key, value, created_at, updated_at, expires_at FROM ${this.queryTable(TABLES.value, now)} WHERE ${conditions.join(' AND ')} ORDER BY key LIMIT ?`;
    return (this.statement(sql).all(...params) as Row[]).map(toItem);
  }

  /**
   * The items of one entity index, in index order (range value, then key), lazily: the caller
   * stops reading when its page is full. Items lacking a partition or range attribute are not
   * in the index (a sparse index, as on Forge).
   */
  *scanIndex(scan: IndexScan): Generator<IndexRow> {
    const attribute = (name: string): string => `json_extract(value, '$."${name}"')`;
    const r = scan.index.range ? attribute(scan.index.range.name) : 'key';
    const conditions = ['entity = ?', LIVE];
    const params: (string | number)[] = [scan.entity, scan.now];
    scan.index.partition.forEach((part, i) => {
      conditions.push(`${attribute(part.name)} = ?`);
      params.push(scan.partition[i] as string | number);
    });
    conditions.push(`${r} IS NOT NULL`);
    const range = scan.range;
    if (range?.kind === 'compare') {
      conditions.push(`${r} ${range.op} ?`);
      params.push(range.value);
    } else if (range?.kind === 'between') {
      conditions.push(`${r} BETWEEN ? AND ?`);
      params.push(range.low, range.high);
    } else if (range?.kind === 'prefix') {
      conditions.push(`substr(${r}, 1, ?) = ?`);
      params.push(range.prefix.length, range.prefix);
    }
    const direction = scan.descending ? 'DESC' : 'ASC';
    if (scan.after) {
      const beyond = scan.descending ? '<' : '>';
      conditions.push(`(${r} ${beyond} ? OR (${r} = ? AND key ${beyond} ?))`);
      params.push(scan.after.r, scan.after.r, scan.after.key);
    }
    const sql = `SELECT key, value, created_at, updated_at, expires_at, ${r} AS r FROM ${this.queryTable(TABLES.entity, scan.now)} WHERE ${conditions.join(' AND ')} ORDER BY ${r} ${direction}, key ${direction}`;
    yield* this.statement(sql).iterate(...params) as IterableIterator<IndexRow>;
  }
}
