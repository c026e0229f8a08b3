import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The invocation the platform is serving right now. Many invocations run at once in one host
 * process, so everything the SDKs ask the platform (`__forge_fetch__`, `__forge_runtime__`) is
 * answered from the invocation found here, never from a process-wide variable.
 */
export interface Invocation {
  readonly invocationId: string;
  readonly moduleKey: string;
  readonly moduleType: string;
  readonly functionKey: string;
  /** Account of the user the platform invokes the function for; absent for app-only invocations. */
  readonly accountId?: string;
  readonly startedAtMs: number;
  readonly timeoutMs: number;
}

const storage = new AsyncLocalStorage<Invocation>();

export function runInInvocation<T>(
  invocation: Omit<Invocation, 'invocationId' | 'startedAtMs'> & { invocationId?: string; startedAtMs?: number },
  fn: () => Promise<T>,
): Promise<T> {
  const full: Invocation = {
    ...invocation,
    invocationId: invocation.invocationId ?? randomUUID(),
    startedAtMs: invocation.startedAtMs ?? Date.now(),
  };
  return storage.run(full, fn);
}

export function currentInvocation(): Invocation | undefined {
  return storage.getStore();
}
