import { isDeepStrictEqual } from 'node:util';
import { kvs, Filter, FilterConditions } from '@forge/kvs';
import { ConcurrentWriteError, LeaseLostError, StaleDeliveriesError, type WebhookSecretStore, type WebhookStateStore, type WebhookStore } from '../app/ports';
import { isConditionalCheckFailed, isKeyNotFound } from './kvs-errors';
import { RETENTION_DAYS } from '../domain/delivery-policy';
import { initialWebhookState, mergeConcurrent } from '../domain/webhook-lease';
import {
  parseStoredRecord,
  webhookRecordSchema,
  webhookRegistrySchema,
  webhookStateRecordSchema,
  type AttemptRecord,
  type DeliveryRecord,
  type WebhookRecord,
  type WebhookRegistryRecord,
  type WebhookStateRecord,
} from '../domain/records';
import { ENTITY, storageKeys } from './storage-keys';

const retention = { ttl: { value: RETENTION_DAYS, unit: 'DAYS' as const } };

/**
 * Webhooks by id, and a registry record of all their ids. The fan-out reads the registry by key
 * (strongly consistent) rather than an index (which lags writes): a webhook created a moment ago
 * must receive the very next change.
 */
export function createKvsWebhookStore(): WebhookStore {
  const webhooks = kvs.entity<WebhookRecord>(ENTITY.webhook);
  const registries = kvs.entity<WebhookRegistryRecord>(ENTITY.webhookRegistry);
  const parse = (key: string, value: unknown) => parseStoredRecord(webhookRecordSchema, 'webhook', key, value);
  const registryKey = storageKeys.webhookRegistry();

  async function load(id: string): Promise<WebhookRecord | undefined> {
    const key = storageKeys.webhook(id);
    const value = await webhooks.get(key);
    return value === undefined ? undefined : parse(key, value);
  }

  async function registry(): Promise<WebhookRegistryRecord> {
    const value = await registries.get(registryKey);
    return value === undefined ? { schemaVersion: 1, version: 0, ids: [] } : parseStoredRecord(webhookRegistrySchema, 'webhook registry', registryKey, value);
  }

  /** Changes the registry and the webhook record in one transaction, conditional on the registry's version. */
  async function withRegistry(change: (ids: string[]) => string[], write: (tx: ReturnType<typeof kvs.transact>) => ReturnType<typeof kvs.transact>, committed: () => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const current = await registry();
      const next: WebhookRegistryRecord = { schemaVersion: 1, version: current.version + 1, ids: change([...current.ids]) };
      const condition =
        current.version === 0
          ? new Filter<WebhookRegistryRecord>().and('version', FilterConditions.notExists())
          : new Filter<WebhookRegistryRecord>().and('version', FilterConditions.equalTo(current.version));
      try {
        await write(kvs.transact().set(registryKey, next, { entityName: ENTITY.webhookRegistry, conditions: condition })).execute();
        return;
      } catch (error) {
        if (await committed()) return; // the answer was lost, not the write
        if ((await registry()).version === current.version) throw error; // not a race: a real failure
      }
    }
    throw new ConcurrentWriteError('The list of webhooks');
  }

  return {
    load,
    async list() {
      const { ids } = await registry();
      const records: WebhookRecord[] = [];
      for (let i = 0; i < ids.length; i += 25) {
        const result = await kvs.batchGet<unknown>(ids.slice(i, i + 25).map((id) => ({ key: storageKeys.webhook(id), entityName: ENTITY.webhook })));
        for (const item of result.successfulKeys) records.push(parse(item.key, item.value));
      }
      return records.sort((a, b) => a.createdAt - b.createdAt);
    },
    async create(record) {
      await withRegistry(
        (ids) => (ids.includes(record.id) ? ids : [...ids, record.id]),
        (tx) => tx.set(storageKeys.webhook(record.id), record, { entityName: ENTITY.webhook, conditions: new Filter<WebhookRecord>().and('id', FilterConditions.notExists()) }),
        async () => (await registry()).ids.includes(record.id) && (await load(record.id)) !== undefined,
      );
    },
    async save(next) {
      const key = storageKeys.webhook(next.id);
      try {
        await kvs
          .transact()
          .set(key, next, { entityName: ENTITY.webhook, conditions: new Filter<WebhookRecord>().and('version', FilterConditions.equalTo(next.version - 1)) })
          .execute();
      } catch (error) {
        const stored = await load(next.id);
        if (stored && isDeepStrictEqual(stored, next)) return; // committed; only the answer was lost
        if (!stored || stored.version !== next.version - 1) throw new ConcurrentWriteError(`Webhook ${next.name}`);
        throw error;
      }
    },
    async delete(id) {
      await withRegistry(
        (ids) => ids.filter((other) => other !== id),
        (tx) => tx.delete(storageKeys.webhook(id), { entityName: ENTITY.webhook }),
        async () => !(await registry()).ids.includes(id),
      );
    },
  };
}

/** Secrets only through kvs.*Secret, under their own keys; never logged, never returned but here. */
export function createKvsWebhookSecretStore(): WebhookSecretStore {
  return {
    async load(webhookId, options = {}) {
      const current = await kvs.getSecret<string>(storageKeys.webhookSecret(webhookId, 'current'));
      if (typeof current !== 'string') return undefined;
      if (options.previous === false) return { current, previous: undefined };
      const previous = await kvs.getSecret<string>(storageKeys.webhookSecret(webhookId, 'previous'));
      return { current, previous: typeof previous === 'string' ? previous : undefined };
    },
    async rotate(webhookId, secret, previousTtlMs) {
      const old = await kvs.getSecret<string>(storageKeys.webhookSecret(webhookId, 'current'));
      if (typeof old === 'string' && previousTtlMs > 0) {
        await kvs.setSecret(storageKeys.webhookSecret(webhookId, 'previous'), old, { ttl: { value: Math.ceil(previousTtlMs / 1000), unit: 'SECONDS' } });
      }
      await kvs.setSecret(storageKeys.webhookSecret(webhookId, 'current'), secret);
    },
    async delete(webhookId) {
      await Promise.all([
        kvs.deleteSecret(storageKeys.webhookSecret(webhookId, 'current')).catch(ignoreMissing),
        kvs.deleteSecret(storageKeys.webhookSecret(webhookId, 'previous')).catch(ignoreMissing),
      ]);
    },
  };
}

function ignoreMissing(error: unknown): void {
  if (isKeyNotFound(error)) return;
  throw error;
}


/** Forge caps a transaction at 25 operations and (a known platform bug) 1 MB: the state record and up to 24 others, well under 1 MB. */
const OPS_PER_COMMIT = 24;
const BYTES_PER_COMMIT = 900 * 1024;

type StateWrite = { readonly kind: 'delivery'; readonly record: DeliveryRecord } | { readonly kind: 'attempt'; readonly record: AttemptRecord };

/** Groups writes into transactions under both limits (the state record is counted in each). */
export function commitChunks(writes: readonly StateWrite[], stateBytes: number): StateWrite[][] {
  const chunks: StateWrite[][] = [];
  let current: StateWrite[] = [];
  let bytes = stateBytes;
  for (const write of writes) {
    const size = JSON.stringify(write.record).length + 200;
    if (current.length > 0 && (current.length >= OPS_PER_COMMIT || bytes + size > BYTES_PER_COMMIT)) {
      chunks.push(current);
      current = [];
      bytes = stateBytes;
    }
    current.push(write);
    bytes += size;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

/**
 * The drain's state per webhook. Every write is conditional on the version read, so the lease
 * holder's writes, a rerun asked for by a wake-up and a noted wake-up never overwrite each other;
 * a write whose answer was lost is told from a conflict by re-reading. What to write is decided by
 * the pure rules in domain/webhook-lease.ts and domain/wake-policy.ts.
 */
export function createKvsWebhookStateStore(): WebhookStateStore {
  const states = kvs.entity<WebhookStateRecord>(ENTITY.webhookState);
  const parse = (key: string, value: unknown) => parseStoredRecord(webhookStateRecordSchema, 'webhook state', key, value);

  async function load(webhookId: string): Promise<WebhookStateRecord | undefined> {
    const key = storageKeys.webhookState(webhookId);
    const value = await states.get(key);
    return value === undefined ? undefined : parse(key, value);
  }

  /** One batch read of up to 25 states: those found by webhook id, and the keys the batch could not read. */
  async function readBatch(webhookIds: readonly string[]): Promise<{ found: Map<string, WebhookStateRecord>; unread: Set<string> }> {
    const result = await kvs.batchGet<unknown>(webhookIds.map((id) => ({ key: storageKeys.webhookState(id), entityName: ENTITY.webhookState })));
    const found = new Map<string, WebhookStateRecord>();
    for (const item of result.successfulKeys) {
      const state = parse(item.key, item.value);
      found.set(state.webhookId, state);
    }
    return { found, unread: new Set(result.failedKeys.map((f) => f.key)) };
  }

  /** A delivery still as read: what a claim depends on (any write by another moves one of these). */
  const deliveryIs = (d: DeliveryRecord) =>
    new Filter<DeliveryRecord>()
      .and('status', FilterConditions.equalTo(d.status))
      .and('attempts', FilterConditions.equalTo(d.attempts))
      .and('inFlight', FilterConditions.equalTo(d.inFlight))
      .and('dueAt', FilterConditions.equalTo(d.dueAt));

  const versionIs = (version: number) =>
    version === 0 ? new Filter<WebhookStateRecord>().and('webhookId', FilterConditions.notExists()) : new Filter<WebhookStateRecord>().and('version', FilterConditions.equalTo(version));

  /** Writes `next` if the stored version is still `expected.version`, with other writes in the same transaction; answers whether it did. */
  async function writeIf(expected: WebhookStateRecord, next: WebhookStateRecord, writes: readonly StateWrite[] = [], expectedDeliveries?: ReadonlyMap<string, DeliveryRecord>): Promise<boolean> {
    let tx = kvs.transact().set(storageKeys.webhookState(next.webhookId), next, { entityName: ENTITY.webhookState, conditions: versionIs(expected.version) });
    for (const write of writes) {
      if (write.kind === 'attempt') {
        tx = tx.set(storageKeys.attempt(write.record.deliveryId, write.record.attempt), write.record, undefined, retention);
        continue;
      }
      const was = expectedDeliveries?.get(write.record.deliveryId);
      tx = tx.set(storageKeys.delivery(write.record.deliveryId), write.record, { entityName: ENTITY.delivery, ...(was ? { conditions: deliveryIs(was) } : {}) }, retention);
    }
    try {
      await tx.execute();
      return true;
    } catch (error) {
      const stored = await load(next.webhookId);
      if (stored && isDeepStrictEqual(stored, next)) return true;
      if ((stored?.version ?? 0) !== expected.version) return false;
      // The state was as expected, so a failed condition was a delivery's.
      if (expectedDeliveries && expectedDeliveries.size > 0 && isConditionalCheckFailed(error)) throw new StaleDeliveriesError(next.webhookId);
      throw error;
    }
  }

  async function update(webhookId: string, mutate: (current: WebhookStateRecord) => WebhookStateRecord | undefined): Promise<WebhookStateRecord> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const current = (await load(webhookId)) ?? initialWebhookState(webhookId);
      const wanted = mutate(current);
      if (!wanted) return current;
      const next = { ...wanted, version: current.version + 1 };
      if (await writeIf(current, next)) return next;
    }
    throw new ConcurrentWriteError(`The delivery state of webhook ${webhookId}`);
  }

  return {
    load,

    async loadMany(webhookIds) {
      const found = new Map<string, WebhookStateRecord>();
      for (let i = 0; i < webhookIds.length; i += 25) {
        for (const [id, state] of (await readBatch(webhookIds.slice(i, i + 25))).found) found.set(id, state);
      }
      return found;
    },

    update,

    async updateMany(webhookIds, mutate) {
      // States read 25 per batch and written back 25 per conditional transaction; a chunk whose
      // transaction fails (another writer, a lost answer) is done one by one with `update`.
      for (let i = 0; i < webhookIds.length; i += OPS_PER_COMMIT + 1) {
        const chunk = webhookIds.slice(i, i + OPS_PER_COMMIT + 1);
        // Keys the batch could not read are done one by one (they may exist).
        const { found: stored, unread } = await readBatch(chunk);
        const writes: { current: WebhookStateRecord; next: WebhookStateRecord }[] = [];
        const oneByOne: string[] = [];
        for (const id of chunk) {
          if (unread.has(storageKeys.webhookState(id))) {
            oneByOne.push(id);
            continue;
          }
          const current = stored.get(id) ?? initialWebhookState(id);
          const wanted = mutate(current);
          if (wanted) writes.push({ current, next: { ...wanted, version: current.version + 1 } });
        }
        if (writes.length > 0) {
          let tx = kvs.transact();
          for (const { current, next } of writes) tx = tx.set(storageKeys.webhookState(next.webhookId), next, { entityName: ENTITY.webhookState, conditions: versionIs(current.version) });
          try {
            await tx.execute();
          } catch {
            oneByOne.push(...writes.map((w) => w.next.webhookId));
          }
        }
        for (const id of oneByOne) await update(id, mutate);
      }
    },

    compareAndSet: (expected, next) => writeIf(expected, next),

    async commit(owner, state, deliveries, attempts, options = {}) {
      const writes: StateWrite[] = [...deliveries.map((record) => ({ kind: 'delivery' as const, record })), ...attempts.map((record) => ({ kind: 'attempt' as const, record }))];
      let current = state;
      for (const chunk of commitChunks(writes, JSON.stringify(state).length)) {
        let written = false;
        for (let attempt = 0; attempt < 8 && !written; attempt += 1) {
          const next = { ...current, version: current.version + 1 };
          if (await writeIf(current, next, chunk, options.expected)) {
            current = next;
            written = true;
            break;
          }
          // Someone else wrote: a rerun asked for, or a wake-up noted. Keep theirs, unless the lease is gone.
          const stored = await load(state.webhookId);
          if (!stored || stored.leaseOwner !== owner) throw new LeaseLostError(state.webhookId);
          current = mergeConcurrent(current, stored);
        }
        if (!written) throw new ConcurrentWriteError(`The delivery state of webhook ${state.webhookId}`);
      }
      return current;
    },

    async delete(webhookId) {
      await states.delete(storageKeys.webhookState(webhookId));
    },
  };
}
