import { randomUUID } from 'node:crypto';
import { currentInvocation, InvocationStoppedError, stoppedReason, type Invocation } from './invocation-context';

/** The first argument the SDKs pass to `__forge_fetch__`. */
export interface ForgeFetchOptions {
  readonly type: string;
  readonly provider?: string;
  readonly remote?: string;
  readonly accountId?: string;
  readonly contextAri?: string;
}

/** One SDK call to the platform, as a service of the host sees it. */
export interface PlatformRequest {
  readonly options: ForgeFetchOptions;
  readonly path: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  /** The invocation that made the call; undefined when called outside any (a host bug in tests). */
  readonly invocation: Invocation | undefined;
}

/** A platform service answers the requests it owns and returns undefined for the others. */
export type PlatformService = (request: PlatformRequest) => Promise<Response | undefined>;

export interface AppIdentity {
  readonly appId: string;
  readonly environmentId: string;
  readonly environmentType: string;
  readonly appVersion: string;
  readonly installationId: string;
  /** The site (cloud id) ARI the app is installed in. */
  readonly contextAri: string;
}

/** The site's cloud id (the last part of the context ARI): the same in every context the host gives. */
export const cloudIdOf = (app: AppIdentity): string => app.contextAri.split('/').pop() ?? '';

/** A UI module's `localId`, as `view.getContext()` and the resolver's `context` both carry it. */
export const localIdOf = (app: AppIdentity, moduleKey: string): string => `ari:cloud:ecosystem::extension/${app.appId}/${app.environmentId}/static/${moduleKey}`;

export const LOCAL_APP: AppIdentity = {
  appId: '00000000-0000-4000-8000-000000000000',
  environmentId: '00000000-0000-4000-8000-00000000e000',
  environmentType: 'DEVELOPMENT',
  appVersion: '1.0.0',
  installationId: '00000000-0000-4000-8000-00000000f000',
  contextAri: 'ari:cloud:jira::site/00000000-0000-4000-8000-0000000051e0',
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function bodyText(body: unknown): Promise<string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return Buffer.from(body as ArrayBuffer).toString('utf8');
  if (body instanceof URLSearchParams) return body.toString();
  // Streams, Blobs, FormData: let the fetch Request do the reading.
  return new Request('http://local/', { method: 'POST', body: body as NonNullable<RequestInit["body"]>, duplex: 'half' } as RequestInit).text();
}

/**
 * Switches only the offline host sets. They live on `__forge_runtime__.localHost`, which the real
 * Forge runtime does not have, so deployed code always sees the defaults.
 */
export interface LocalHostFlags {
  /** Let webhooks target loopback addresses (the demo receiver). */
  readonly allowLoopbackTargets: boolean;
}

/** What the host learns from the seam itself (usage counting). */
export interface SeamHooks {
  /** A platform call of an invocation that was already stopped (refused). */
  onCallAfterStop?(invocation: Invocation): void;
  /** `permissions` of `appContext` (what `@forge/api`'s `permissions` reads): the manifest's. */
  readonly permissions?: { readonly scopes: readonly string[]; readonly external: Record<string, unknown> };
}

interface SeamState {
  services: PlatformService[];
  app: AppIdentity;
  flags: LocalHostFlags;
  hooks: SeamHooks;
}

let state: SeamState | undefined;

/**
 * Plugs the host in where Forge plugs the platform in: `global.__forge_fetch__` and
 * `global.__forge_runtime__`. The unmodified SDKs call these and nothing else.
 */
export function installForgeSeam(services: PlatformService[], app: AppIdentity = LOCAL_APP, flags: LocalHostFlags = { allowLoopbackTargets: false }, hooks: SeamHooks = {}): void {
  state = { services, app, flags, hooks };
  const g = globalThis as Record<string, unknown>;
  g.__forge_fetch__ = forgeFetch;
  g.__forge_runtime__ = makeRuntime();
}

export function uninstallForgeSeam(): void {
  state = undefined;
  const g = globalThis as Record<string, unknown>;
  delete g.__forge_fetch__;
  delete g.__forge_runtime__;
}

async function forgeFetch(options: ForgeFetchOptions, path: string, init: RequestInit = {}): Promise<Response> {
  if (!state) throw new Error('Forge host: the platform seam is not installed');
  const invocation = currentInvocation();
  const stopped = stoppedReason(invocation);
  if (invocation && stopped !== undefined) {
    // Forge has ended this function: nothing it asks for may happen (no write, no push).
    state.hooks.onCallAfterStop?.(invocation);
    throw new InvocationStoppedError(invocation, stopped);
  }
  const request: PlatformRequest = {
    options,
    path,
    method: (init.method ?? 'GET').toUpperCase(),
    headers: new Headers(init.headers as ConstructorParameters<typeof Headers>[0]),
    // The SDKs send strings: no await for those.
    body: typeof init.body === 'string' ? init.body : await bodyText(init.body),
    invocation,
  };
  for (const service of state.services) {
    const response = await service(request);
    if (response) return response;
  }
  // Forge answers an unknown proxy target with a proxy error header; the SDK turns it into ProxyRequestError.
  return new Response(JSON.stringify({ message: `Forge host has no service for ${options.type}/${options.remote ?? '-'} ${path}` }), {
    status: 501,
    headers: { 'content-type': 'application/json', 'forge-proxy-error': 'UNSUPPORTED_BY_LOCAL_HOST' },
  });
}

function makeRuntime(): object {
  const noopTimer = { stop: () => undefined };
  const metric = { incr: () => undefined, decr: () => undefined, measure: () => noopTimer, stop: () => undefined };
  const app = (): AppIdentity => {
    if (!state) throw new Error('Forge host: the platform seam is not installed');
    return state.app;
  };
  return {
    get localHost(): LocalHostFlags | undefined {
      return state?.flags;
    },
    proxy: { token: 'local-host', url: 'http://local-host' },
    get contextAri() {
      return app().contextAri;
    },
    container: { region: 'local', runtime: 'nodejs22.x', handler: 'index', appCodeDir: process.cwd() },
    get appContext() {
      const invocation = currentInvocation();
      const a = app();
      return {
        appId: a.appId,
        appVersion: a.appVersion,
        environmentId: a.environmentId,
        environmentType: a.environmentType,
        installationId: a.installationId,
        invocationId: invocation?.invocationId ?? 'outside-invocation',
        functionKey: invocation?.functionKey ?? '',
        moduleType: invocation?.moduleType ?? '',
        moduleKey: invocation?.moduleKey ?? '',
        permissions: state?.hooks.permissions ?? { scopes: [], external: {} },
      };
    },
    get aaid() {
      return currentInvocation()?.accountId;
    },
    lambdaContext: {
      get awsRequestId() {
        return currentInvocation()?.invocationId ?? randomUUID();
      },
      getRemainingTimeInMillis: () => {
        const invocation = currentInvocation();
        if (!invocation) return 0;
        return Math.max(0, invocation.startedAtMs + invocation.timeoutMs - Date.now());
      },
    },
    tracing: { traceId: randomUUID().replace(/-/g, ''), spanId: randomUUID().slice(0, 16) },
    metrics: { counter: () => metric, timing: () => metric, gauge: () => metric },
  };
}
