import { kvs } from '@forge/kvs';
import * as app from '../../src/index';
import { runInInvocation } from '../../local/platform/invocation-context';
import type { FieldChangeRecord } from '../../src/domain/records';
import { createForgeHost, type ForgeHost, type HostOptions } from '../../local/host';
import { fidelityFromEnv } from '../../local/platform/fidelity';
import { DEMO_USERS } from '../../local/platform/jira-site';
import type { ResolverDefs, ResolverResult, ResolverValue as Value } from '../../src/shared/resolver-contract';

export type DemoUserName = keyof typeof DEMO_USERS;

type Input<K extends keyof ResolverDefs> = Parameters<ResolverDefs[K]>[0];

/**
 * An in-process offline host running the real app (`src/index.ts`) with the unmodified SDKs,
 * for tests that cross the platform boundary. One per test file (jest gives each file its own
 * globals, and the seam lives on them).
 */
export interface TestHost {
  readonly host: ForgeHost;
  /** Calls a resolver as the platform does, with `user` as the principal. */
  invoke<K extends keyof ResolverDefs>(user: DemoUserName, name: K, ...payload: Input<K> extends undefined ? [] : [Input<K>]): Promise<ResolverResult<Value<K>>>;
  /** Like invoke, but fails the test unless the result is ok. */
  invokeOk<K extends keyof ResolverDefs>(user: DemoUserName, name: K, ...payload: Input<K> extends undefined ? [] : [Input<K>]): Promise<Value<K>>;
  accountId(user: DemoUserName): string;
  stop(): Promise<void>;
}

/**
 * `fidelity` defaults to `FORGE_FIDELITY` (strict in the second jest project, see jest.config.js),
 * so the same tests run against the kind host and against Forge's behaviour in time and at scale.
 */
export async function startTestHost(options: Partial<HostOptions> & { seedCatalog?: boolean } = {}): Promise<TestHost> {
  const host = createForgeHost({ databaseFile: ':memory:', app, fidelity: fidelityFromEnv(), ...options });
  current = host;
  host.queues.start();
  if (options.seedCatalog !== false) await host.runtime.emitProductEvent('avi:forge:installed:app', { context: { cloudId: 'test' } });
  const projectPage = host.manifest.uiModules.find((m) => m.moduleType === 'jira:projectPage');
  if (!projectPage) throw new Error('no project page in manifest.yml');

  const invoke = async (user: DemoUserName, name: string, payload?: unknown) =>
    host.runtime.invokeResolver({
      moduleKey: projectPage.key,
      functionKey: name,
      payload: payload ?? {},
      accountId: DEMO_USERS[user].accountId,
      extensionContext: { type: 'jira:projectPage' },
    });

  return {
    host,
    invoke: invoke as TestHost['invoke'],
    invokeOk: (async (user: DemoUserName, name: string, payload?: unknown) => {
      const result = (await invoke(user, name, payload)) as ResolverResult<unknown>;
      if (!result.ok) throw new Error(`${name} as ${user} failed: ${result.error.code}: ${result.error.message}`);
      return result.value;
    }) as TestHost['invokeOk'],
    accountId: (user) => DEMO_USERS[user].accountId,
    stop: () => host.stop(),
  };
}

/** Runs `fn` inside an app invocation, so the SDKs reach the host's platform (storage reads in tests). */
export function asApp<T>(fn: () => Promise<T>): Promise<T> {
  return runInInvocation({ moduleKey: 'test', moduleType: 'test', functionKey: 'test', timeoutMs: 30_000 }, fn);
}

/** The test host of this file (one per file), for helpers that wait on the platform. */
let current: ForgeHost | undefined;

/**
 * Lets index queries catch up with the writes made so far (strict fidelity: they lag by
 * `indexLagMs`), by moving the virtual clock that far; a test observer reading through an index
 * must do this first, as the app must never conclude "nothing there" from one fresh query.
 */
export async function queriesCaughtUp(): Promise<void> {
  const lag = current?.fidelity.indexLagMs ?? 0;
  if (current && lag > 0) await current.advanceClock(lag);
}

/** Every change record of a project, oldest first, read through the real `@forge/kvs` (after queries caught up). */
export async function changeRecords(projectId: number): Promise<FieldChangeRecord[]> {
  await queriesCaughtUp();
  return asApp(async () => {
    const records: FieldChangeRecord[] = [];
    let cursor: string | undefined;
    do {
      let query = kvs.entity<FieldChangeRecord>('field-change').query().index('by-project', { partition: [projectId] }).limit(100);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany();
      records.push(...page.results.map((r) => r.value));
      cursor = page.nextCursor;
    } while (cursor);
    return records.sort((a, b) => a.revision - b.revision);
  });
}
