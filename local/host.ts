import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ensureApiToken } from '../src/app/api-tokens';
import { systemClock } from '../src/app/clock';
import { createKvsApiTokenStore } from '../src/forge/kvs-api-token-store';
import { runInInvocation } from './platform/invocation-context';
import { join, resolve } from 'node:path';
import { installVirtualClock, type VirtualClock } from './platform/clock';
import { openHostDatabase, readMeta, writeMeta, type HostDatabase } from './platform/database';
import { installEgressFetch, setEgressImplementation } from './platform/egress';
import { installForgeSeam, LOCAL_APP, type PlatformRequest, type PlatformService } from './platform/forge-seam';
import { createAppRuntime, scheduledIntervalMs, type AppEntryModule, type AppRuntime } from './platform/app-runtime';
import { parseManifest, type ManifestModel } from './platform/manifest-model';
import { createScheduler } from './platform/scheduler';
import { createWebTriggerUrlService } from './platform/web-triggers';
import { createKvsService, loadEntityDeclarations } from './platform/kvs';
import { createQueueService, type ChaosOptions } from './platform/queues';
import { createJiraSite, type JiraStandIn } from './platform/jira-site';

export const REPO_ROOT = resolve(__dirname, '..');

export interface HostOptions {
  /** SQLite file of the host's state, or ':memory:' (tests). */
  readonly databaseFile: string;
  /** The app's entry module (`src/index.ts`). */
  readonly app: AppEntryModule;
  readonly manifestText?: string;
  readonly chaos?: ChaosOptions;
  /** Base URL the host's HTTP server answers on (web trigger URLs are built from it). */
  readonly baseUrl?: () => string;
  /** The fetch the app's egress uses (e.g. one trusting the demo receiver's certificate). */
  readonly egressFetch?: typeof globalThis.fetch;
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
  const runtime = createAppRuntime(manifest, options.app);

  const jira = createJiraSite();
  const queues = createQueueService(db, {
    clock,
    invokeConsumer: (queueKey: string, event: unknown) => runtime.invokeConsumer(queueKey, event),
    // Dispatching starts when the owner says so (after seeding, or never in restart tests).
    autoStart: false,
    ...(options.chaos ? { chaos: options.chaos } : {}),
    log,
  });
  const services: PlatformService[] = [
    createKvsService(db, { entities: loadEntityDeclarations(manifestText) }),
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
  installForgeSeam(intercept ? [(request) => intercept(request, () => dispatch(request))] : services, LOCAL_APP, { allowLoopbackTargets: options.allowLoopbackTargets ?? false });

  const scheduler = createScheduler(
    db,
    clock,
    manifest.scheduledTriggers.map((s) => ({ key: s.key, intervalMs: scheduledIntervalMs(s.interval), run: () => runtime.invokeScheduledTrigger(s.key) })),
    log,
  );

  return {
    db,
    clock,
    manifest,
    runtime,
    queues,
    jira,
    scheduler,
    async advanceClock(ms) {
      await clock.advance(ms);
      await queues.waitForIdle({ timeoutMs: 60_000 });
    },
    seedApiToken(token, accountId) {
      return runInInvocation({ moduleKey: 'offline-host', moduleType: 'host', functionKey: 'seed-api-token', timeoutMs: 25_000 }, () =>
        ensureApiToken({ tokens: createKvsApiTokenStore(), clock: systemClock, ids: { newId: randomUUID }, randomBytes }, 'Offline host token (--api-token)', accountId, token),
      );
    },
    async settle(timeoutMs = 30_000) {
      await queues.waitForIdle({ timeoutMs });
    },
    async stop() {
      stopPersistingClock();
      scheduler.stop();
      await queues.stop();
      db.close();
    },
  };
}
