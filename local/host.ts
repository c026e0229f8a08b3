import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hashApiToken, MIN_API_TOKEN_LENGTH } from '../src/domain/api-token';
import { apiTokenRecordSchema } from '../src/domain/records';
import { createKvsApiTokenStore } from '../src/forge/kvs-api-token-store';
import { runInInvocation } from './platform/invocation-context';
import { join, resolve } from 'node:path';
import { installVirtualClock, type VirtualClock } from './platform/clock';
import { openHostDatabase, readMeta, writeMeta, type HostDatabase } from './platform/database';
import { backendEgressRule, installEgressFetch, setEgressImplementation, setEgressRules } from './platform/egress';
import { resolveFidelity, type Fidelity, type FidelityOption } from './platform/fidelity';
import { meterPlatform } from './platform/metering';
import { createProductEvents, type ProductEvents } from './platform/product-events';
import { createUsageMeter, type UsageReport } from './platform/usage';
import { installForgeSeam, LOCAL_APP, type PlatformRequest, type PlatformService } from './platform/forge-seam';
import { createAppRuntime, scheduledIntervalMs, type AppEntryModule, type AppRuntime } from './platform/app-runtime';
import { parseManifest, type ManifestModel } from './platform/manifest-model';
import { createScheduler } from './platform/scheduler';
import { createWebTriggerUrlService } from './platform/web-triggers';
import { createKvsService, loadEntityDeclarations } from './platform/kvs';
import { createPrng, createQueueService, type ChaosOptions } from './platform/queues';
import { createJiraSite, type JiraStandIn } from './platform/jira-site';

export const REPO_ROOT = resolve(__dirname, '..');

export interface HostOptions {
  /** SQLite file of the host's state, or ':memory:' (tests). */
  readonly databaseFile: string;
  /** The app's entry module (`src/index.ts`). */
  readonly app: AppEntryModule;
  readonly manifestText?: string;
  readonly chaos?: ChaosOptions;
  /**
   * `default` (kind, fast) or `strict` (Forge's behaviour in time and at scale: lagging queries,
   * KVS and queue rates, push chains cut, busy keys held back, late events under chaos), with
   * tunables to exaggerate it (see local/platform/fidelity.ts).
   */
  readonly fidelity?: FidelityOption;
  /** Base URL the host's HTTP server answers on (web trigger URLs are built from it). */
  readonly baseUrl?: () => string;
  /** The fetch the app's egress uses (e.g. one trusting the demo receiver's certificate). */
  readonly egressFetch?: typeof globalThis.fetch;
  /**
   * Every outbound request of the app waits this long (ms) before it goes out: a receiver that
   * far away, on loopback (`--egress-latency`; overrides the fidelity's `egressLatencyMs`).
   */
  readonly egressLatencyMs?: number;
  /** How the egress latency passes (real time by default; tests may record it instead). */
  readonly egressLatencyWait?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
  /** Let webhooks target loopback addresses (default false: the URL policy as deployed). */
  readonly allowLoopbackTargets?: boolean;
  /**
   * Fault injection for failure tests: sees every platform request before the services do;
   * `next()` lets the platform answer it (e.g. commit a write, then lose the answer).
   */
  readonly interceptPlatform?: (request: PlatformRequest, next: () => Promise<Response | undefined>) => Promise<Response | undefined>;
}

/**
 * The offline Forge host: the platform the app's real handlers run on, with the unmodified SDKs.
 * One per process (the seam and the clock are process-wide, as on Forge).
 */
export interface ForgeHost {
  readonly db: HostDatabase;
  readonly clock: VirtualClock;
  readonly manifest: ManifestModel;
  readonly runtime: AppRuntime;
  readonly queues: ReturnType<typeof createQueueService>;
  readonly jira: JiraStandIn;
  readonly scheduler: ReturnType<typeof createScheduler>;
  readonly fidelity: Fidelity;
  readonly productEvents: ProductEvents;
  /** Emits a product event the way Forge delivers it (under chaos: maybe twice, maybe late). */
  emitProductEvent(eventType: string, event: Record<string, unknown>): Promise<{ triggersRun: number; heldBack: number }>;
  /** What every platform operation cost since the start or the last reset, per invocation kind and in total. */
  usage(): UsageReport;
  resetUsage(): void;
  /** Moves the virtual clock and waits until what became due has run. */
  advanceClock(ms: number): Promise<void>;
  /** Creates a management API token with this value for `accountId`, if missing (`--api-token`). */
  seedApiToken(token: string, accountId: string): Promise<{ created: boolean }>;
  /** Waits until no queued event is due or in flight. */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const CLOCK_META = 'clock:offset-ms';

export function createForgeHost(options: HostOptions): ForgeHost {
  const log = options.log ?? (() => undefined);
  installEgressFetch();
  setEgressImplementation(options.egressFetch);

  const db = openHostDatabase(options.databaseFile);
  // The virtual clock survives restarts: time never runs backwards for stored due times.
  const clock = installVirtualClock(Number(readMeta(db, CLOCK_META) ?? '0'));
  const stopPersistingClock = clock.onAdvance(() => writeMeta(db, CLOCK_META, String(clock.offsetMs())));

  const manifestText = options.manifestText ?? readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8');
  const manifest = parseManifest(manifestText);
  const fidelity = resolveFidelity(options.fidelity);
  const usage = createUsageMeter();
  const runtime = createAppRuntime(manifest, options.app, {
    usage,
    invocationLimits: { perUser: fidelity.userInvocationsPerMinute, perInstallation: fidelity.installationInvocationsPerMinute },
  });
  const chaosSeed = options.chaos?.seed ?? 1;
  const deliveryChaos = (stream: string) =>
    options.chaos ? { prng: createPrng(`${String(chaosSeed)}:${stream}`), duplicateRate: options.chaos.duplicateRate ?? 0, maxLatenessMs: fidelity.maxLatenessMs } : undefined;
  const productEvents = createProductEvents({ deliver: (type, event) => runtime.emitProductEvent(type, event), clock, chaos: deliveryChaos('product-events'), log });

  const jira = createJiraSite({ scopes: manifest.scopes, emit: (type, event) => productEvents.emit(type, event) });
  const queues = createQueueService(db, {
    clock,
    invokeConsumer: (queueKey, event, meta) => runtime.invokeConsumer(queueKey, event, meta),
    maxEventBytes: (queueKey) => ((runtime.consumerTimeoutSeconds(queueKey) ?? 0) > fidelity.largeEventTimeoutSeconds ? fidelity.largeConsumerMaxEventBytes : Number.POSITIVE_INFINITY),
    limits: {
      eventsPerMinute: fidelity.queueEventsPerMinute,
      pushRequestsPerChain: fidelity.pushRequestsPerChain,
      concurrencyScope: fidelity.concurrencyScope,
      busyKeyMaxHoldMs: fidelity.busyKeyMaxHoldMs,
      partialPushOnRateLimit: fidelity.mode === 'strict',
    },
    // Dispatching starts when the owner says so (after seeding, or never in restart tests).
    autoStart: false,
    ...(options.chaos ? { chaos: options.chaos } : {}),
    log,
  });
  const services: PlatformService[] = [
    createKvsService(db, { entities: loadEntityDeclarations(manifestText), indexLagMs: fidelity.indexLagMs, cursorTtlMs: fidelity.cursorTtlMs, writeRequestMaxBytes: fidelity.kvsWriteRequestMaxBytes }),
    queues.service,
    createWebTriggerUrlService({ baseUrl: options.baseUrl ?? (() => 'http://127.0.0.1'), moduleKeys: manifest.webTriggers.map((w) => w.key) }),
    jira.service,
  ];
  const intercept = options.interceptPlatform;
  const dispatch = async (request: PlatformRequest): Promise<Response | undefined> => {
    for (const service of services) {
      const response = await service(request);
      if (response) return response;
    }
    return undefined;
  };
  const metered = meterPlatform(dispatch, usage, fidelity);
  installForgeSeam(
    [intercept ? (request) => intercept(request, () => metered(request)) : metered],
    LOCAL_APP,
    { allowLoopbackTargets: options.allowLoopbackTargets ?? false },
    {
      onCallAfterStop: (invocation) => usage.add(invocation, { callsAfterTimeout: 1 }),
      permissions: { scopes: manifest.scopes, external: { fetch: { backend: manifest.egressBackend } } },
    },
  );
  const egressAllowed = backendEgressRule(manifest.egressBackend);
  const egressLatencyMs = options.egressLatencyMs ?? fidelity.egressLatencyMs;
  if (!Number.isFinite(egressLatencyMs) || egressLatencyMs < 0) throw new RangeError(`egress latency must be a non-negative number of ms, got ${egressLatencyMs}`);
  setEgressRules({
    allows: egressAllowed,
    latencyMs: egressLatencyMs,
    ...(options.egressLatencyWait ? { wait: options.egressLatencyWait } : {}),
    asyncRequestTimeoutMs: fidelity.asyncEgressRequestTimeoutMs,
    onRequest: (invocation, outcome) =>
      usage.add(invocation, outcome === 'sent' ? { egressRequests: 1 } : outcome === 'refused' ? { egressRequests: 1, egressRefused: 1 } : { callsAfterTimeout: 1 }),
  });

  const scheduler = createScheduler(
    db,
    clock,
    manifest.scheduledTriggers.map((s) => ({ key: s.key, intervalMs: scheduledIntervalMs(s.interval), run: () => runtime.invokeScheduledTrigger(s.key) })),
    log,
    deliveryChaos('scheduled'),
  );

  return {
    db,
    clock,
    manifest,
    runtime,
    queues,
    jira,
    scheduler,
    fidelity,
    productEvents,
    emitProductEvent: (eventType, event) => productEvents.emit(eventType, event),
    usage: () => usage.report(),
    resetUsage: () => usage.reset(),
    async advanceClock(ms) {
      await clock.advance(ms);
      await queues.waitForIdle({ timeoutMs: 60_000 });
    },
    seedApiToken(token, accountId) {
      // Seeded in the platform's storage, as records of the shape the app stores (through its
      // storage adapter), not by running one of the app's use cases.
      if (token.length < MIN_API_TOKEN_LENGTH) throw new Error(`An API token must have at least ${MIN_API_TOKEN_LENGTH} characters.`);
      return runInInvocation({ moduleKey: 'offline-host', moduleType: 'host', functionKey: 'seed-api-token', timeoutMs: 25_000 }, async () => {
        const tokens = createKvsApiTokenStore();
        const hash = hashApiToken(token);
        if (await tokens.findByHash(hash)) return { created: false };
        const record = apiTokenRecordSchema.parse({ schemaVersion: 1, id: randomUUID(), name: 'Offline host token (--api-token)', hash, createdBy: accountId, createdAt: Date.now(), lastUsedAt: null });
        await tokens.save(record);
        return { created: true };
      });
    },
    async settle(timeoutMs = 30_000) {
      await queues.waitForIdle({ timeoutMs });
    },
    async stop() {
      stopPersistingClock();
      scheduler.stop();
      productEvents.stop();
      setEgressRules(undefined);
      await queues.stop();
      db.close();
    },
  };
}
