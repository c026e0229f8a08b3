import type { Invocation } from './invocation-context';

/** What one kind of invocation (or all of them) cost the platform. */
export interface UsageCounters {
  invocations: number;
  /** Real ms the invocations ran, summed. */
  invocationMs: number;
  kvsRequests: number;
  /** 10 KB units read and written, as Forge meters KVS (a request of 1 byte is one unit). */
  kvsReadUnits: number;
  kvsWriteUnits: number;
  /** KVS requests answered 429. */
  kvsRateLimited: number;
  /** KVS batch requests (`batchSet`, `batchGet`, `batchDelete`; also counted in kvsRequests). */
  kvsBatchRequests: number;
  /** Push requests that reached the queue, and the events they carried (accepted ones). */
  queuePushes: number;
  queueEvents: number;
  /** Push requests refused (rate, size, chain limit; partly refused counts once). */
  queuePushesRefused: number;
  /** Jira REST calls (`requestJira`). */
  jiraRequests: number;
  egressRequests: number;
  egressRefused: number;
  /** Platform calls refused because the invocation had passed its timeout. */
  callsAfterTimeout: number;
}

export interface UsageReport {
  /** Virtual time (ISO) the counters start from (host start or the last reset). */
  readonly since: string;
  readonly total: UsageCounters;
  /** Per invocation kind: `<moduleType>:<functionKey>` (e.g. `consumer:deliveries-fn`). */
  readonly byKind: Readonly<Record<string, UsageCounters>>;
}

export type UsageCounter = keyof UsageCounters;

export const KVS_UNIT_BYTES = 10 * 1024;

/** Forge meters KVS in 10 KB units, at least one per request. */
export function kvsUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / KVS_UNIT_BYTES));
}

const zero = (): UsageCounters => ({
  invocations: 0,
  invocationMs: 0,
  kvsRequests: 0,
  kvsReadUnits: 0,
  kvsWriteUnits: 0,
  kvsRateLimited: 0,
  kvsBatchRequests: 0,
  queuePushes: 0,
  queueEvents: 0,
  queuePushesRefused: 0,
  jiraRequests: 0,
  egressRequests: 0,
  egressRefused: 0,
  callsAfterTimeout: 0,
});

export const kindOf = (invocation: Invocation | undefined): string => (invocation ? `${invocation.moduleType}:${invocation.functionKey}` : 'outside-invocation');

/** Counts every platform operation, so a path's cost is measured (`/_host/usage`), not guessed. */
export interface UsageMeter {
  add(invocation: Invocation | undefined, amounts: Partial<UsageCounters>): void;
  report(): UsageReport;
  reset(): void;
}

export function createUsageMeter(now: () => number = () => Date.now()): UsageMeter {
  let since = now();
  let total = zero();
  let byKind = new Map<string, UsageCounters>();
  return {
    add(invocation, amounts) {
      const kind = kindOf(invocation);
      let counters = byKind.get(kind);
      if (!counters) byKind.set(kind, (counters = zero()));
      for (const name in amounts) {
        if (!Object.prototype.hasOwnProperty.call(amounts, name)) continue;
        const amount = amounts[name as UsageCounter] as number;
        counters[name as UsageCounter] += amount;
        total[name as UsageCounter] += amount;
      }
    },
    report() {
      return {
        since: new Date(since).toISOString(),
        total: { ...total },
        byKind: Object.fromEntries([...byKind.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, counters]) => [kind, { ...counters }])),
      };
    },
    reset() {
      since = now();
      total = zero();
      byKind = new Map();
    },
  };
}
