import { type HostDatabase } from '../database';

/**
 * The queue's durable state. One row of `queue_deliveries` per delivery: every pushed event is
 * one row from the moment the push answers 201 (written in one transaction before answering),
 * and a chaos duplicate is one more row with the same `event_id` (`duplicate_of` set). A row moves
 * `pending -> inflight -> done | pending (retry) | dead | cancelled`. Rows left `inflight` by a
 * host that died are put back to `pending` when a queue service starts on the database.
 */
export type DeliveryState = 'pending' | 'inflight' | 'done' | 'dead' | 'cancelled';

export interface DeliveryRow {
  delivery_id: number;
  event_id: string;
  job_id: string;
  queue_name: string;
  body: string;
  delay_seconds: number | null;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  duplicate_of: number | null;
  pushed_at: number;
  due_at: number;
  state: DeliveryState;
  retry_count: number;
  retry_reason: string | null;
  retry_data: string | null;
  attempts: number;
  last_error: string | null;
  started_at: number | null;
  finished_at: number | null;
  /** The invocation chain that pushed the event (null for rows written before chains were kept). */
  chain_id: string | null;
}

export interface DeadLetterRow {
  delivery_id: number;
  event_id: string;
  job_id: string;
  queue_name: string;
  body: string;
  duplicate: number;
  retry_count: number;
  attempts: number;
  reason: string;
  last_error: string | null;
  pushed_at: number;
  died_at: number;
}

export interface NewDelivery {
  eventId: string;
  jobId: string;
  queueName: string;
  body: string;
  delaySeconds: number | null;
  concurrencyKey: string | null;
  concurrencyLimit: number | null;
  pushedAt: number;
  dueAt: number;
  chainId: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue_jobs (
  job_id TEXT PRIMARY KEY,
  queue_name TEXT NOT NULL,
  pushed_at INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  cancelled_at INTEGER
);
CREATE TABLE IF NOT EXISTS queue_deliveries (
  delivery_id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  queue_name TEXT NOT NULL,
  body TEXT NOT NULL,
  delay_seconds REAL,
  concurrency_key TEXT,
  concurrency_limit INTEGER,
  duplicate_of INTEGER,
  pushed_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'inflight', 'done', 'dead', 'cancelled')),
  retry_count INTEGER NOT NULL DEFAULT 0,
  retry_reason TEXT,
  retry_data TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS queue_deliveries_state_due ON queue_deliveries (state, due_at);
CREATE INDEX IF NOT EXISTS queue_deliveries_job ON queue_deliveries (job_id);
CREATE INDEX IF NOT EXISTS queue_deliveries_pushed ON queue_deliveries (pushed_at);
CREATE TABLE IF NOT EXISTS queue_dead_letters (
  delivery_id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  queue_name TEXT NOT NULL,
  body TEXT NOT NULL,
  duplicate INTEGER NOT NULL,
  retry_count INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  reason TEXT NOT NULL,
  last_error TEXT,
  pushed_at INTEGER NOT NULL,
  died_at INTEGER NOT NULL
);
`;

export function createQueueStore(db: HostDatabase) {
  db.exec(SCHEMA);
  // Added after the first release of the schema: state folders from before get the column.
  const columns = db.prepare('PRAGMA table_info(queue_deliveries)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'chain_id')) db.exec('ALTER TABLE queue_deliveries ADD COLUMN chain_id TEXT');

  const insertJob = db.prepare('INSERT INTO queue_jobs (job_id, queue_name, pushed_at, event_count) VALUES (?, ?, ?, ?)');
  const insertDelivery = db.prepare(
    `INSERT INTO queue_deliveries (event_id, job_id, queue_name, body, delay_seconds, concurrency_key, concurrency_limit, pushed_at, due_at, state, chain_id)
     VALUES (@eventId, @jobId, @queueName, @body, @delaySeconds, @concurrencyKey, @concurrencyLimit, @pushedAt, @dueAt, 'pending', @chainId)`,
  );
  const insertDuplicate = db.prepare(
    `INSERT INTO queue_deliveries (event_id, job_id, queue_name, body, delay_seconds, concurrency_key, concurrency_limit, duplicate_of,
       pushed_at, due_at, state, retry_count, retry_reason, retry_data, chain_id)
     SELECT event_id, job_id, queue_name, body, delay_seconds, concurrency_key, concurrency_limit, delivery_id,
       pushed_at, ?, 'pending', retry_count, retry_reason, retry_data, chain_id
     FROM queue_deliveries WHERE delivery_id = ?`,
  );
  const countPushedSince = db.prepare('SELECT COUNT(*) AS n, MIN(pushed_at) AS oldest FROM queue_deliveries WHERE duplicate_of IS NULL AND pushed_at > ?');
  const selectDue = db.prepare(`SELECT * FROM queue_deliveries WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, delivery_id LIMIT ?`);
  const countDue = db.prepare(`SELECT COUNT(*) AS n FROM queue_deliveries WHERE state = 'pending' AND due_at <= ?`);
  const nextDue = db.prepare(`SELECT MIN(due_at) AS due FROM queue_deliveries WHERE state = 'pending'`);
  const nextDueOfQueue = db.prepare(`SELECT MIN(due_at) AS due FROM queue_deliveries WHERE state = 'pending' AND queue_name = ?`);
  const markInflight = db.prepare(`UPDATE queue_deliveries SET state = 'inflight', attempts = attempts + 1, started_at = ? WHERE delivery_id = ? AND state = 'pending'`);
  const markDone = db.prepare(`UPDATE queue_deliveries SET state = ?, finished_at = ?, last_error = COALESCE(?, last_error) WHERE delivery_id = ?`);
  const markRetry = db.prepare(
    `UPDATE queue_deliveries SET state = 'pending', due_at = ?, retry_count = retry_count + 1, retry_reason = ?, retry_data = ?, last_error = ?
     WHERE delivery_id = ?`,
  );
  const selectOne = db.prepare('SELECT * FROM queue_deliveries WHERE delivery_id = ?');
  const postpone = db.prepare(`UPDATE queue_deliveries SET due_at = ? WHERE delivery_id = ? AND state = 'pending'`);
  const insertDead = db.prepare(
    `INSERT OR REPLACE INTO queue_dead_letters (delivery_id, event_id, job_id, queue_name, body, duplicate, retry_count, attempts, reason, last_error, pushed_at, died_at)
     VALUES (@delivery_id, @event_id, @job_id, @queue_name, @body, @duplicate, @retry_count, @attempts, @reason, @last_error, @pushed_at, @died_at)`,
  );
  const selectInflight = db.prepare(`SELECT delivery_id FROM queue_deliveries WHERE state = 'inflight'`);
  const requeue = db.prepare(`UPDATE queue_deliveries SET state = 'pending', last_error = ? WHERE delivery_id = ? AND state = 'inflight'`);
  const selectOpen = db.prepare(`SELECT * FROM queue_deliveries WHERE state IN ('pending', 'inflight') ORDER BY due_at, delivery_id`);
  const selectOpenOfQueue = db.prepare(`SELECT * FROM queue_deliveries WHERE state IN ('pending', 'inflight') AND queue_name = ? ORDER BY due_at, delivery_id`);
  const selectDead = db.prepare('SELECT * FROM queue_dead_letters ORDER BY died_at, delivery_id');
  const selectJob = db.prepare('SELECT * FROM queue_jobs WHERE job_id = ? AND queue_name = ?');
  const jobCounts = db.prepare(
    `SELECT state, COUNT(*) AS n FROM queue_deliveries WHERE job_id = ? AND duplicate_of IS NULL GROUP BY state`,
  );
  const cancelJob = db.prepare('UPDATE queue_jobs SET cancelled_at = ? WHERE job_id = ?');
  const cancelPending = db.prepare(`UPDATE queue_deliveries SET state = 'cancelled', finished_at = ? WHERE job_id = ? AND state = 'pending'`);
  const isCancelled = db.prepare('SELECT cancelled_at FROM queue_jobs WHERE job_id = ?');
  const countStates = db.prepare('SELECT state, COUNT(*) AS n FROM queue_deliveries GROUP BY state');
  const pruneDeliveries = db.prepare(`DELETE FROM queue_deliveries WHERE state IN ('done', 'dead', 'cancelled') AND finished_at < ?`);
  const pruneJobs = db.prepare('DELETE FROM queue_jobs WHERE pushed_at < ? AND job_id NOT IN (SELECT job_id FROM queue_deliveries)');

  return {
    /** Writes a whole push in one transaction: it is durable before the push is answered. */
    insertPush: db.transaction((job: { jobId: string; queueName: string; pushedAt: number }, deliveries: NewDelivery[]) => {
      insertJob.run(job.jobId, job.queueName, job.pushedAt, deliveries.length);
      for (const d of deliveries) insertDelivery.run(d);
    }),
    pushedSince(sinceMs: number): { count: number; oldest: number | null } {
      const row = countPushedSince.get(sinceMs) as { n: number; oldest: number | null };
      return { count: row.n, oldest: row.oldest };
    },
    due(now: number, limit: number): DeliveryRow[] {
      return selectDue.all(now, limit) as DeliveryRow[];
    },
    countDue(now: number): number {
      return (countDue.get(now) as { n: number }).n;
    },
    nextDueAt(queueName?: string): number | undefined {
      const row = (queueName === undefined ? nextDue.get() : nextDueOfQueue.get(queueName)) as { due: number | null };
      return row.due ?? undefined;
    },
    /** Claims a pending row; false when someone else already moved it. */
    markInflight(deliveryId: number, now: number): boolean {
      return markInflight.run(now, deliveryId).changes === 1;
    },
    /** Copies a delivery into a new pending row (chaos duplicate), due at `dueAt`. */
    insertDuplicate(deliveryId: number, dueAt: number): void {
      insertDuplicate.run(dueAt, deliveryId);
    },
    finish(deliveryId: number, state: 'done' | 'cancelled', now: number, lastError: string | null = null): void {
      markDone.run(state, now, lastError, deliveryId);
    },
    scheduleRetry(deliveryId: number, dueAt: number, reason: string, retryData: string | null, lastError: string | null): void {
      markRetry.run(dueAt, reason, retryData, lastError, deliveryId);
    },
    /** Moves a pending delivery's due time (a busy concurrency key holds it back). */
    postpone(deliveryId: number, dueAt: number): void {
      postpone.run(dueAt, deliveryId);
    },
    get(deliveryId: number): DeliveryRow | undefined {
      return selectOne.get(deliveryId) as DeliveryRow | undefined;
    },
    /** Moves a delivery to the dead letters (and keeps its row, state `dead`, for the job stats). */
    bury: db.transaction((deliveryId: number, reason: string, lastError: string | null, now: number) => {
      const row = selectOne.get(deliveryId) as DeliveryRow | undefined;
      if (!row) return;
      markDone.run('dead', now, lastError, deliveryId);
      insertDead.run({
        delivery_id: row.delivery_id,
        event_id: row.event_id,
        job_id: row.job_id,
        queue_name: row.queue_name,
        body: row.body,
        duplicate: row.duplicate_of === null ? 0 : 1,
        retry_count: row.retry_count,
        attempts: row.attempts,
        reason,
        last_error: lastError ?? row.last_error,
        pushed_at: row.pushed_at,
        died_at: now,
      });
    }),
    inflightIds(): number[] {
      return (selectInflight.all() as { delivery_id: number }[]).map((r) => r.delivery_id);
    },
    requeue(deliveryId: number, note: string): void {
      requeue.run(note, deliveryId);
    },
    open(queueName?: string): DeliveryRow[] {
      return (queueName === undefined ? selectOpen.all() : selectOpenOfQueue.all(queueName)) as DeliveryRow[];
    },
    deadLetters(): DeadLetterRow[] {
      return selectDead.all() as DeadLetterRow[];
    },
    job(jobId: string, queueName: string): { job_id: string; cancelled_at: number | null } | undefined {
      return selectJob.get(jobId, queueName) as { job_id: string; cancelled_at: number | null } | undefined;
    },
    jobCounts(jobId: string): Record<DeliveryState, number> {
      const counts: Record<DeliveryState, number> = { pending: 0, inflight: 0, done: 0, dead: 0, cancelled: 0 };
      for (const row of jobCounts.all(jobId) as { state: DeliveryState; n: number }[]) counts[row.state] = row.n;
      return counts;
    },
    cancelJob: db.transaction((jobId: string, now: number) => {
      cancelJob.run(now, jobId);
      cancelPending.run(now, jobId);
    }),
    isJobCancelled(jobId: string): boolean {
      const row = isCancelled.get(jobId) as { cancelled_at: number | null } | undefined;
      return row?.cancelled_at != null;
    },
    stateCounts(): Record<DeliveryState, number> {
      const counts: Record<DeliveryState, number> = { pending: 0, inflight: 0, done: 0, dead: 0, cancelled: 0 };
      for (const row of countStates.all() as { state: DeliveryState; n: number }[]) counts[row.state] = row.n;
      return counts;
    },
    /** Forgets finished deliveries (and their jobs) older than `before`; dead letters are kept. */
    prune(before: number): void {
      pruneDeliveries.run(before);
      pruneJobs.run(before);
    },
  };
}

export type QueueStore = ReturnType<typeof createQueueStore>;
