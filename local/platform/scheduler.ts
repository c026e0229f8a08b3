import { readMeta, writeMeta, type HostDatabase } from './database';
import type { VirtualClock } from './clock';
import { latenessMs, type DeliveryChaos } from './product-events';

export interface ScheduledJob {
  readonly key: string;
  readonly intervalMs: number;
  run(): Promise<unknown>;
}

/**
 * Scheduled triggers on their intervals, on the virtual clock: each job's next due time is kept
 * in the host's state, checked every second and whenever the clock moves. Like Forge, a run that
 * fails is not retried; it runs again at the next interval. A clock advanced by hours runs a job
 * once, not once per missed interval (Forge does not catch up either). Under chaos, as on Forge,
 * a run may come late or twice.
 */
export function createScheduler(
  db: HostDatabase,
  clock: VirtualClock,
  jobs: readonly ScheduledJob[],
  log: (line: string) => void = () => undefined,
  chaos?: DeliveryChaos,
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const metaKey = (key: string) => `scheduled:${key}:next`;

  for (const job of jobs) {
    if (readMeta(db, metaKey(job.key)) === undefined) writeMeta(db, metaKey(job.key), String(clock.now() + job.intervalMs));
  }

  async function runJob(job: ScheduledJob): Promise<void> {
    writeMeta(db, metaKey(job.key), String(clock.now() + job.intervalMs + latenessMs(chaos)));
    const runs = chaos?.prng.chance(chaos.duplicateRate) ? 2 : 1;
    for (let run = 0; run < runs; run++) {
      try {
        await job.run();
      } catch (error) {
        log(`scheduled trigger ${job.key} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  async function tick(): Promise<void> {
    if (running) return running;
    running = (async () => {
      for (const job of jobs) {
        const due = Number(readMeta(db, metaKey(job.key)));
        if (clock.now() >= due) await runJob(job);
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const unsubscribe = clock.onAdvance(() => tick());

  return {
    start(): void {
      timer ??= setInterval(() => void tick(), 1000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      unsubscribe();
    },
    /** Runs one job now (the control surface's "run on demand"). */
    async runNow(key: string): Promise<void> {
      const job = jobs.find((j) => j.key === key);
      if (!job) throw new Error(`No scheduled trigger ${key}`);
      await runJob(job);
    },
    nextDue(key: string): number | undefined {
      const value = readMeta(db, metaKey(key));
      return value === undefined ? undefined : Number(value);
    },
  };
}
