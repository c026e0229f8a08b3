/**
 * How closely the host copies Forge's behaviour in time and at scale. `default` is kind and fast
 * (demos, most tests); `strict` behaves as Forge does where that hurts: queries lag writes, KVS
 * and queue rates answer 429, push chains are cut, busy concurrency keys hold events back. The
 * shapes of requests and answers, the timeout cut and the egress and scope rules are the same in
 * both modes: those are never worth being kinder about.
 */
export type FidelityMode = 'default' | 'strict';

export interface FidelityTunables {
  /** Virtual ms before a KVS write shows in query results (`get` sees it at once). Strict: 1 s. */
  readonly indexLagMs: number;
  /**
   * Virtual ms a query cursor stays valid. Strict: 10 minutes. Forge's cursors expire but Atlassian
   * does not document after how long: an assumed value, to make code that keeps cursors fail here too.
   */
  readonly cursorTtlMs: number;
  /**
   * Bytes of one KVS transaction or batch write request. Forge documents 4 MB (the default); a
   * known platform bug caps transactions at 1 MB today (strict).
   */
  readonly kvsWriteRequestMaxBytes: number;
  /** KVS requests per installation in any sliding second. Strict: 1,000. */
  readonly kvsRequestsPerSecond: number;
  /** KVS read units (10 KB each) per installation in any sliding minute. Strict: 4,000. */
  readonly kvsReadUnitsPerMinute: number;
  /** KVS write units (10 KB each) per installation in any sliding minute. Strict: 4,000. */
  readonly kvsWriteUnitsPerMinute: number;
  /**
   * KVS batch requests (batchSet, batchGet, batchDelete) per installation in any sliding minute.
   * Forge's batch pages say "a maximum of 45 batch operations per minute" while its KVS limits
   * page meters every request in units; off (Infinity) in both modes, 45 applies that reading
   * (`{ mode: 'strict', kvsBatchRequestsPerMinute: 45 }`).
   */
  readonly kvsBatchRequestsPerMinute: number;
  /** Queue events pushed per installation in any sliding minute, in both modes (Forge: 500); Infinity switches it off (benchmarks). */
  readonly queueEventsPerMinute: number;
  /** Push requests one chain of invocations (an invocation and the consumers its pushes start) may make. Strict: 1,000. */
  readonly pushRequestsPerChain: number;
  /** Queues whose consumer's timeout is over this many seconds take small events only. Strict: 55. */
  readonly largeEventTimeoutSeconds: number;
  /** The largest event (its JSON) such a consumer takes. Strict: 100 KB. */
  readonly largeConsumerMaxEventBytes: number;
  /** Concurrency keys count per installation (Forge) or per queue. Strict: installation. */
  readonly concurrencyScope: 'installation' | 'queue';
  /** An event whose concurrency key is busy waits a random time up to this, in no fixed order (0: the next free slot, FIFO). Strict: 15 min. */
  readonly busyKeyMaxHoldMs: number;
  /** Under chaos: product events and scheduled runs come late by up to this. Strict: 2 min. */
  readonly maxLatenessMs: number;
  /** User-led invocations (resolvers) one user may start per fixed minute. Strict: 1,200. */
  readonly userInvocationsPerMinute: number;
  /** User-led invocations (resolvers and web triggers) per installation per fixed minute. Strict: 5,000. */
  readonly installationInvocationsPerMinute: number;
  /** One outbound request (fetch) from an async event consumer is cut after this (ms), in both modes. Forge: 180 s. */
  readonly asyncEgressRequestTimeoutMs: number;
  /**
   * Every outbound request of the app waits this long (real ms) before it goes out: a receiver
   * that far away, on loopback. 0 in both modes (test time); `--egress-latency` and benchmarks set it.
   */
  readonly egressLatencyMs: number;
}

export interface Fidelity extends FidelityTunables {
  readonly mode: FidelityMode;
}

export type FidelityOption = FidelityMode | ({ readonly mode: FidelityMode } & Partial<FidelityTunables>);

const DEFAULT: FidelityTunables = {
  indexLagMs: 0,
  cursorTtlMs: Number.POSITIVE_INFINITY,
  kvsWriteRequestMaxBytes: 4_000_000,
  kvsRequestsPerSecond: Number.POSITIVE_INFINITY,
  kvsReadUnitsPerMinute: Number.POSITIVE_INFINITY,
  kvsWriteUnitsPerMinute: Number.POSITIVE_INFINITY,
  kvsBatchRequestsPerMinute: Number.POSITIVE_INFINITY,
  queueEventsPerMinute: 500,
  pushRequestsPerChain: Number.POSITIVE_INFINITY,
  largeEventTimeoutSeconds: Number.POSITIVE_INFINITY,
  largeConsumerMaxEventBytes: Number.POSITIVE_INFINITY,
  concurrencyScope: 'queue',
  busyKeyMaxHoldMs: 0,
  maxLatenessMs: 0,
  userInvocationsPerMinute: Number.POSITIVE_INFINITY,
  installationInvocationsPerMinute: Number.POSITIVE_INFINITY,
  asyncEgressRequestTimeoutMs: 180_000,
  egressLatencyMs: 0,
};

/** Forge's documented limits (DESIGN.md section 3). */
const STRICT: FidelityTunables = {
  indexLagMs: 1_000,
  cursorTtlMs: 10 * 60_000,
  kvsWriteRequestMaxBytes: 1_000_000,
  kvsRequestsPerSecond: 1_000,
  kvsReadUnitsPerMinute: 4_000,
  kvsWriteUnitsPerMinute: 4_000,
  kvsBatchRequestsPerMinute: Number.POSITIVE_INFINITY,
  queueEventsPerMinute: 500,
  pushRequestsPerChain: 1_000,
  largeEventTimeoutSeconds: 55,
  largeConsumerMaxEventBytes: 100 * 1024,
  concurrencyScope: 'installation',
  busyKeyMaxHoldMs: 15 * 60_000,
  maxLatenessMs: 2 * 60_000,
  userInvocationsPerMinute: 1_200,
  installationInvocationsPerMinute: 5_000,
  asyncEgressRequestTimeoutMs: 180_000,
  egressLatencyMs: 0,
};

/** The mode's settings, with any tunable given overriding them (tests exaggerate lag or rates). */
export function resolveFidelity(option: FidelityOption | undefined): Fidelity {
  const { mode, ...tunables } = typeof option === 'string' || option === undefined ? { mode: option ?? 'default' } : option;
  if (mode !== 'default' && mode !== 'strict') throw new Error(`fidelity must be 'default' or 'strict', got ${JSON.stringify(mode)}`);
  return { mode, ...(mode === 'strict' ? STRICT : DEFAULT), ...tunables };
}

/** `FORGE_FIDELITY=strict` (how `npm test` runs the integration suites a second time). */
export function fidelityFromEnv(env: NodeJS.ProcessEnv = process.env): FidelityMode {
  const value = env.FORGE_FIDELITY;
  if (value === undefined || value === '' || value === 'default') return 'default';
  if (value === 'strict') return 'strict';
  throw new Error(`FORGE_FIDELITY must be 'default' or 'strict', got ${JSON.stringify(value)}`);
}
