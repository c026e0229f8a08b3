import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { currentInvocation, runInInvocation, stopInvocation } from './invocation-context';
import { createInvocationRateLimiter, type InvocationRateLimits } from './invocation-rate';
import type { FunctionDeclaration, ManifestModel } from './manifest-model';
import { cloudIdOf, localIdOf, LOCAL_APP } from './forge-seam';
import type { UsageMeter } from './usage';
import type { ForgeWebTriggerRequest } from './web-triggers';

/** The app's entry module (`src/index.ts`): the exports manifest.yml names as handlers. */
export type AppEntryModule = Readonly<Record<string, unknown>>;

type Handler = (...args: unknown[]) => unknown;

export class FunctionTimeoutError extends Error {
  constructor(functionKey: string, seconds: number) {
    super(`Function ${functionKey} timed out after ${seconds} s`);
    this.name = 'FunctionTimeoutError';
  }
}

const SCHEDULED_INTERVAL_MS: Readonly<Record<string, number>> = {
  fiveMinute: 5 * 60_000,
  hour: 60 * 60_000,
  day: 24 * 60 * 60_000,
  week: 7 * 24 * 60 * 60_000,
};

export function scheduledIntervalMs(interval: string): number {
  const ms = SCHEDULED_INTERVAL_MS[interval];
  if (ms === undefined) throw new Error(`Unknown scheduled trigger interval ${interval}`);
  return ms;
}

/**
 * Invokes the app's real handlers the way Forge does: the same arguments, inside an invocation
 * (principal, module key, invocation id) that the platform seam answers from, with the time limit
 * of the function.
 */
export function createAppRuntime(
  manifest: ManifestModel,
  app: AppEntryModule,
  options: { resolverTimeoutSeconds?: number; usage?: UsageMeter; invocationLimits?: InvocationRateLimits } = {},
) {
  const resolverTimeout = options.resolverTimeoutSeconds ?? 25;
  // User-led invocations (resolvers, web triggers) count against Forge's per-minute limits.
  const userLed = createInvocationRateLimiter(options.invocationLimits ?? { perUser: Number.POSITIVE_INFINITY, perInstallation: Number.POSITIVE_INFINITY });
  const installContext = LOCAL_APP.contextAri;
  const cloudId = cloudIdOf(LOCAL_APP);
  // The platform's second handler argument, as Forge gives it to every function: the
  // installation's context, license and installation (the resolver copies them into `context`).
  const platformPayload = {
    installContext,
    license: { isActive: true, billingPeriod: 'MONTHLY', isEvaluation: false, type: 'commercial' },
    installation: { ari: { installationId: LOCAL_APP.installationId }, contexts: [{ ari: installContext }] },
  };

  function handlerOf(fn: FunctionDeclaration): Handler {
    const handler = app[fn.exportName];
    if (typeof handler !== 'function') throw new Error(`manifest.yml function ${fn.key}: src/index.ts does not export a function named ${fn.exportName}`);
    return handler as Handler;
  }

  function declaration(functionKey: string): FunctionDeclaration {
    const fn = manifest.functions.get(functionKey);
    if (!fn) throw new Error(`manifest.yml declares no function ${functionKey}`);
    return fn;
  }

  async function invoke(
    functionKey: string,
    meta: { moduleKey: string; moduleType: string; accountId?: string; timeoutSeconds?: number; chainId?: string },
    args: unknown[],
  ): Promise<unknown> {
    const fn = declaration(functionKey);
    const handler = handlerOf(fn);
    const timeoutSeconds = meta.timeoutSeconds ?? fn.timeoutSeconds;
    return runInInvocation(
      {
        moduleKey: meta.moduleKey,
        moduleType: meta.moduleType,
        functionKey,
        timeoutMs: timeoutSeconds * 1000,
        ...(meta.accountId ? { accountId: meta.accountId } : {}),
        ...(meta.chainId ? { chainId: meta.chainId } : {}),
      },
      async () => {
        const invocation = currentInvocation();
        const started = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // Forge ends the function here: whatever it still asks of the platform is refused.
            if (invocation) stopInvocation(invocation, `timed out after ${timeoutSeconds} s`);
            reject(new FunctionTimeoutError(functionKey, timeoutSeconds));
          }, timeoutSeconds * 1000);
          timer.unref();
        });
        try {
          return await Promise.race([Promise.resolve(handler(...args)), timeout]);
        } finally {
          clearTimeout(timer);
          options.usage?.add(invocation, { invocations: 1, invocationMs: Math.round(performance.now() - started) });
        }
      },
    );
  }

  return {
    manifest,

    /** A Custom UI `invoke` call: the principal comes from the platform's session, never from the page. */
    async invokeResolver(call: { moduleKey: string; functionKey: string; payload: unknown; accountId: string; extensionContext: Record<string, unknown> }) {
      const module = manifest.uiModules.find((m) => m.key === call.moduleKey);
      if (!module) throw new Error(`No UI module ${call.moduleKey} in manifest.yml`);
      if (!module.resolverFunction) throw new Error(`UI module ${call.moduleKey} has no resolver`);
      userLed.take(call.accountId);
      // The same ids `view.getContext()` gives the page (local/ui), as on Forge.
      const context = {
        moduleKey: module.key,
        localId: localIdOf(LOCAL_APP, module.key),
        cloudId,
        environmentId: LOCAL_APP.environmentId,
        environmentType: LOCAL_APP.environmentType,
        extension: call.extensionContext,
      };
      return invoke(
        module.resolverFunction,
        { moduleKey: module.key, moduleType: module.moduleType, accountId: call.accountId, timeoutSeconds: resolverTimeout },
        [{ call: { functionKey: call.functionKey, payload: call.payload, jobId: undefined }, context }, { principal: { accountId: call.accountId }, ...platformPayload }],
      );
    },

    /** `chainId`: the chain of the invocation that pushed the event (Forge's cyclic push limit counts per chain). */
    async invokeConsumer(queueKey: string, event: unknown, meta: { chainId?: string } = {}): Promise<unknown> {
      const consumer = manifest.consumers.find((c) => c.queue === queueKey);
      if (!consumer) throw new Error(`No consumer for queue ${queueKey} in manifest.yml`);
      return invoke(consumer.functionKey, { moduleKey: consumer.key, moduleType: 'consumer', ...(meta.chainId ? { chainId: meta.chainId } : {}) }, [event, platformPayload]);
    },

    /** The timeout of the consumer of `queueKey` (Forge: events for consumers over 55 s are at most 100 KB). */
    consumerTimeoutSeconds(queueKey: string): number | undefined {
      const consumer = manifest.consumers.find((c) => c.queue === queueKey);
      return consumer ? manifest.functions.get(consumer.functionKey)?.timeoutSeconds : undefined;
    },

    /** Answers what the function returned, unchecked: the HTTP side judges it as Forge does (local/platform/web-triggers.ts). */
    async invokeWebTrigger(moduleKey: string, request: ForgeWebTriggerRequest): Promise<unknown> {
      const trigger = manifest.webTriggers.find((w) => w.key === moduleKey);
      if (!trigger) throw new Error(`No web trigger ${moduleKey} in manifest.yml`);
      userLed.take(undefined);
      return invoke(trigger.functionKey, { moduleKey, moduleType: 'webtrigger', timeoutSeconds: 55 }, [request, { installContext }]);
    },

    async invokeScheduledTrigger(moduleKey: string): Promise<unknown> {
      const trigger = manifest.scheduledTriggers.find((s) => s.key === moduleKey);
      if (!trigger) throw new Error(`No scheduled trigger ${moduleKey} in manifest.yml`);
      const event = { context: { cloudId, moduleKey }, contextToken: randomUUID() };
      return invoke(trigger.functionKey, { moduleKey, moduleType: 'scheduledTrigger' }, [event, platformPayload]);
    },

    /** Delivers a product event to every trigger subscribed to it; answers how many ran. */
    async emitProductEvent(eventType: string, event: Record<string, unknown>): Promise<number> {
      const subscribed = manifest.triggers.filter((t) => t.events.includes(eventType));
      for (const trigger of subscribed) {
        await invoke(trigger.functionKey, { moduleKey: trigger.key, moduleType: 'trigger' }, [{ eventType, ...event }, platformPayload]);
      }
      return subscribed.length;
    },
  };
}

export type AppRuntime = ReturnType<typeof createAppRuntime>;
