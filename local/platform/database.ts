import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type HostDatabase = Database.Database;

/** Opens the host's state: one SQLite file (or `:memory:` for tests), durable with WAL. */
export function openHostDatabase(file: string): HostDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS host_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  return db;
}

export function readMeta(db: HostDatabase, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM host_meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: HostDatabase, key: string, value: string): void {
  db.prepare('INSERT INTO host_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
