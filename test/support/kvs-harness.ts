/** Test support for the KVS host's tests: a fresh KVS behind the seam and the SDK's errors. */
import { ForgeKvsAPIError } from '@forge/kvs';
import { openHostDatabase, type HostDatabase } from '../../local/platform/database';
import { installForgeSeam } from '../../local/platform/forge-seam';
import { runInInvocation } from '../../local/platform/invocation-context';
import { createKvsService, loadEntityDeclarations, type EntityDeclaration } from '../../local/platform/kvs';

/** Entities of the KVS tests, declared as in a manifest. */
export const TEST_MANIFEST = `
app:
  storage:
    entities:
      - name: delivery
        attributes:
          webhookId: { type: string }
          status: { type: string }
          createdAt: { type: integer }
          score: { type: float }
          urgent: { type: boolean }
          note: { type: string }
          tags: { type: any }
        indexes:
          - name: by-webhook
            partition: [webhookId]
            range: [createdAt]
          - name: by-webhook-status
            partition: [webhookId, status]
            range: [createdAt]
          - name: by-urgent
            partition: [urgent]
            range: [score]
          - status
      - name: counter
        attributes:
          revision: { type: integer }
          owner: { type: string }
`;

export const TEST_ENTITIES: EntityDeclaration[] = loadEntityDeclarations(TEST_MANIFEST);

/** A fresh KVS behind the seam; every SDK call of the test goes to it. */
export function installKvs(file = ':memory:', entities: readonly EntityDeclaration[] = TEST_ENTITIES): HostDatabase {
  const db = openHostDatabase(file);
  installForgeSeam([createKvsService(db, { entities })]);
  return db;
}

/** Runs `fn` as a Forge invocation does (the SDK's calls carry its context). */
export function invoke<T>(fn: () => Promise<T>): Promise<T> {
  return runInInvocation({ moduleKey: 'kvs-test', moduleType: 'core:function', functionKey: 'kvs-test-fn', timeoutMs: 25_000 }, fn);
}

/** The SDK's own error a call rejects with (fails the test when it resolves or throws anything else). */
export async function kvsError(call: () => Promise<unknown>): Promise<ForgeKvsAPIError> {
  let outcome: unknown;
  try {
    await invoke(call);
  } catch (error) {
    outcome = error;
  }
  if (!(outcome instanceof ForgeKvsAPIError)) throw new Error(`expected a ForgeKvsAPIError, got ${outcome === undefined ? 'success' : String(outcome)}`);
  return outcome;
}
