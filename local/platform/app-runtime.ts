import { randomUUID } from 'node:crypto';
import type { WebTriggerRequest, WebTriggerResponse } from '@forge/api';
import { runInInvocation } from './invocation-context';
import type { FunctionDeclaration, ManifestModel } from './manifest-model';
import { LOCAL_APP } from './forge-seam';

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
export function createAppRuntime(manifest: ManifestModel, app: AppEntryModule, options: { resolverTimeoutSeconds?: number } = {}) {
  const resolverTimeout = options.resolverTimeoutSeconds ?? 25;
  const installContext = LOCAL_APP.contextAri;

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
    meta: { moduleKey: string; moduleType: string; accountId?: string; timeoutSeconds?: number },
    args: unknown[],
  ): Promise<unknown> {
    const fn = declaration(functionKey);
    const handler = handlerOf(fn);
    const timeoutSeconds = meta.timeoutSeconds ?? fn.timeoutSeconds;
    return runInInvocation(
      { moduleKey: meta.moduleKey, moduleType: meta.moduleType, functionKey, timeoutMs: timeoutSeconds * 1000, ...(meta.accountId ? { accountId: meta.accountId } : {}) },
      async () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new FunctionTimeoutError(functionKey, timeoutSeconds)), timeoutSeconds * 1000);
          timer.unref();
        });
        try {
          return await Promise.race([Promise.resolve(handler(...args)), timeout]);
        } finally {
          clearTimeout(timer);
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
      const context = { moduleKey: module.key, localId: `${module.key}-local`, cloudId: LOCAL_APP.contextAri.split('/').pop(), extension: call.extensionContext };
      return invoke(
        module.resolverFunction,
        { moduleKey: module.key, moduleType: module.moduleType, accountId: call.accountId, timeoutSeconds: resolverTimeout },
        [{ call: { functionKey: call.functionKey, payload: call.payload, jobId: undefined }, context }, { principal: { accountId: call.accountId }, installContext }],
      );
    },

    async invokeConsumer(queueKey: string, event: unknown): Promise<unknown> {
      const consumer = manifest.consumers.find((c) => c.queue === queueKey);
      if (!consumer) throw new Error(`No consumer for queue ${queueKey} in manifest.yml`);
      return invoke(consumer.functionKey, { moduleKey: consumer.key, moduleType: 'consumer' }, [event, { installContext }]);
    },

    async invokeWebTrigger(moduleKey: string, request: WebTriggerRequest): Promise<WebTriggerResponse> {
      const trigger = manifest.webTriggers.find((w) => w.key === moduleKey);
      if (!trigger) throw new Error(`No web trigger ${moduleKey} in manifest.yml`);
      const result = await invoke(trigger.functionKey, { moduleKey, moduleType: 'webtrigger', timeoutSeconds: 55 }, [request, { installContext }]);
      return (result ?? { statusCode: 204 }) as WebTriggerResponse;
    },

    async invokeScheduledTrigger(moduleKey: string): Promise<unknown> {
      const trigger = manifest.scheduledTriggers.find((s) => s.key === moduleKey);
      if (!trigger) throw new Error(`No scheduled trigger ${moduleKey} in manifest.yml`);
      const event = { context: { cloudId: LOCAL_APP.contextAri.split('/').pop(), moduleKey }, contextToken: randomUUID() };
      return invoke(trigger.functionKey, { moduleKey, moduleType: 'scheduledTrigger' }, [event, { installContext }]);
    },

    /** Delivers a product event to every trigger subscribed to it; answers how many ran. */
    async emitProductEvent(eventType: string, event: Record<string, unknown>): Promise<number> {
      const subscribed = manifest.triggers.filter((t) => t.events.includes(eventType));
      for (const trigger of subscribed) {
        await invoke(trigger.functionKey, { moduleKey: trigger.key, moduleType: 'trigger' }, [{ eventType, ...event }, { installContext }]);
      }
      return subscribed.length;
    },
  };
}

export type AppRuntime = ReturnType<typeof createAppRuntime>;
