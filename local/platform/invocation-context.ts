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
  /**
   * The chain this invocation belongs to: its own id when a user, trigger or schedule started it,
   * the pushing invocation's chain when a queue event did (Forge cuts a chain's pushes at 1,000).
   */
  readonly chainId: string;
}

const storage = new AsyncLocalStorage<Invocation>();
/** Invocations the platform stopped (timeout), and why: their later platform calls are refused. */
const stopped = new WeakMap<Invocation, string>();

export function runInInvocation<T>(
  invocation: Omit<Invocation, 'invocationId' | 'startedAtMs' | 'chainId'> & { invocationId?: string; startedAtMs?: number; chainId?: string },
  fn: () => Promise<T>,
): Promise<T> {
  const invocationId = invocation.invocationId ?? randomUUID();
  const full: Invocation = {
    ...invocation,
    invocationId,
    startedAtMs: invocation.startedAtMs ?? Date.now(),
    chainId: invocation.chainId ?? invocationId,
  };
  return storage.run(full, fn);
}

export function currentInvocation(): Invocation | undefined {
  return storage.getStore();
}

/** Marks the invocation as ended by the platform; what it still asks of the platform is refused. */
export function stopInvocation(invocation: Invocation, reason: string): void {
  stopped.set(invocation, reason);
}

export function stoppedReason(invocation: Invocation | undefined): string | undefined {
  return invocation ? stopped.get(invocation) : undefined;
}

/**
 * Thrown to code that calls the platform after its invocation was stopped. On Forge the function
 * is gone by then; here it keeps running (a process cannot kill one async function), so the
 * platform refuses everything it asks: no write, push or request lands after the cut.
 */
export class InvocationStoppedError extends Error {
  constructor(invocation: Invocation, reason: string) {
    super(`Forge host: ${invocation.moduleType} ${invocation.functionKey} was stopped (${reason}); its platform calls after that are refused, as Forge would have ended the function.`);
    this.name = 'InvocationStoppedError';
  }
}
