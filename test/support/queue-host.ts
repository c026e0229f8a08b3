/**
 * Test support for the queue host's tests: a service on a database, installed behind the real
 * `__forge_fetch__`, and a raw push that bypasses the SDK's client-side checks (to prove the host
 * enforces the limits itself) but still lets the SDK turn the answer into its own errors.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { __requestAtlassianAsApp } from '@forge/api';
import { PUSH_PATH } from '@forge/events/out/queries';
import { validatePushAPIResponse } from '@forge/events/out/validators';
import { type PushRequest } from '@forge/events/out/types';
import { openHostDatabase, type HostDatabase } from '../../local/platform/database';
import { installForgeSeam, uninstallForgeSeam } from '../../local/platform/forge-seam';
import { runInInvocation } from '../../local/platform/invocation-context';
import { type VirtualClock } from '../../local/platform/clock';
import { createQueueService, type AsyncEventForConsumer, type QueueService, type QueueServiceOptions } from '../../local/platform/queues/queue-service';

export interface TestQueueHost {
  db: HostDatabase;
  queues: QueueService;
  received: AsyncEventForConsumer[];
  dispose(): Promise<void>;
}

export function startQueueHost(
  clock: VirtualClock,
  options: Partial<QueueServiceOptions> & { file?: string } = {},
): TestQueueHost {
  const { file, ...rest } = options;
  const db = openHostDatabase(file ?? ':memory:');
  const received: AsyncEventForConsumer[] = [];
  const consumer = rest.invokeConsumer;
  const queues = createQueueService(db, {
    clock,
    pollIntervalMs: 20,
    consumerTimeoutMs: 5_000,
    ...rest,
    invokeConsumer: async (queueKey, event) => {
      received.push(event);
      return consumer ? consumer(queueKey, event) : undefined;
    },
  });
  installForgeSeam([queues.service]);
  return {
    db,
    queues,
    received,
    async dispose() {
      await queues.stop({ graceMs: 50 });
      if (db.open) db.close();
      uninstallForgeSeam();
    },
  };
}

/** Runs `fn` as a Forge function invocation (as a resolver or trigger would push). */
export function asInvocation<T>(fn: () => Promise<T>): Promise<T> {
  return runInInvocation({ moduleKey: 'test-module', moduleType: 'core:function', functionKey: 'test-fn', timeoutMs: 25_000 }, fn);
}

/** A push request as `Queue.push` builds it, sent without the SDK's client-side validation. */
export async function rawPush(payload: unknown[], queueName = 'test-queue'): Promise<{ jobId: string; status: number }> {
  const request = {
    queueName,
    jobId: randomUUID(),
    type: 'avi:forge:app:event',
    schema: 'ari:cloud:ecosystem::forge/app-event-2',
    payload,
    time: new Date().toISOString(),
  };
  const response = await asInvocation(() =>
    __requestAtlassianAsApp(PUSH_PATH, { method: 'POST', body: JSON.stringify(request), headers: { 'content-type': 'application/json' } }),
  );
  // The SDK's own answer handling: 413 -> PayloadTooBigError, 429 -> RateLimitError, other -> InternalServerError.
  await validatePushAPIResponse(request as unknown as PushRequest, response, { jobId: request.jobId });
  return { jobId: request.jobId, status: response.status };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls (real time) until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}
