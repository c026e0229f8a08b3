import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { kvs, Filter, FilterConditions } from '@forge/kvs';
import { z } from 'zod';
import { ConcurrentWriteError, LeaseLostError, StaleDeliveriesError, WebhookNameTakenError, type WebhookSecretStore, type WebhookStateStore, type WebhookStore } from '../app/ports';
import { isConditionalCheckFailed, isKeyNotFound } from '../app/storage-errors';
import { RETENTION_DAYS } from '../domain/delivery-policy';
import { initialWebhookState, mergeConcurrent } from '../domain/webhook-lease';
import { webhookNameKey } from '../domain/webhook-name';
import {
  parseStoredRecord,
  webhookRecordSchema,
  webhookRegistrySchema,
  webhookStateRecordSchema,
  type AttemptRecord,
  type DeliveryRecord,
  type WebhookRecord,
  type WebhookStateRecord,
} from '../domain/records';
import { batchGetAll } from './kvs-batch-read';
import { ENTITY, storageKeys } from './storage-keys';
import { deliveryStillAsRead, toStoredDelivery } from './stored-delivery';

const retention = { ttl: { value: RETENTION_DAYS, unit: 'DAYS' as const } };

/** Which webhook holds a name (a record per name, keyed by its hash); `name` as the webhook stores it. */
const nameClaimSchema = z.object({ schemaVersion: z.literal(1), webhookId: z.string().min(1), name: z.string().min(1) });
type NameClaim = z.infer<typeof nameClaimSchema>;

/**
 * The registry as this store writes it: `namesClaimed` once every webhook listed has its name
 * claimed. Registries written before names were claimed lack it, and the first write that needs
 * the claims claims the names of the webhooks already there (once, oldest first).
 */
const registrySchema = webhookRegistrySchema.extend({ namesClaimed: z.boolean().optional() });
type Registry = z.infer<typeof registrySchema>;

const nameKeyOf = (name: string): string => storageKeys.webhookName(createHash('sha256').update(webhookNameKey(name), 'utf8').digest('hex'));
const sameName = (a: string, b: string): boolean => webhookNameKey(a) === webhookNameKey(b);

/**
 * Webhooks by id, and a registry record of all their ids. The fan-out reads the registry by key
 * (strongly consistent) rather than an index (which lags writes): a webhook created a moment ago
 * must receive the very next change. Each name is claimed by a record of its own, written in the
 * same transaction as the webhook, so a name is checked with one read whatever the number of
 * webhooks, and two admins creating the same name at once cannot both succeed.
 */
export function createKvsWebhookStore(): WebhookStore {
  const webhooks = kvs.entity<WebhookRecord>(ENTITY.webhook);
  const registries = kvs.entity<Registry>(ENTITY.webhookRegistry);
  const claims = kvs.entity<NameClaim>(ENTITY.webhookName);
  const parse = (key: string, value: unknown) => parseStoredRecord(webhookRecordSchema, 'webhook', key, value);
  const registryKey = storageKeys.webhookRegistry();
  const claimOf = (record: WebhookRecord): NameClaim => ({ schemaVersion: 1, webhookId: record.id, name: record.name });
  const claimFree = () => new Filter<NameClaim>().and('webhookId', FilterConditions.notExists());
  const claimHeldBy = (webhookId: string) => new Filter<NameClaim>().and('webhookId', FilterConditions.equalTo(webhookId));
  const registryIs = (version: number) =>
    version === 0 ? new Filter<Registry>().and('version', FilterConditions.notExists()) : new Filter<Registry>().and('version', FilterConditions.equalTo(version));

  async function load(id: string): Promise<WebhookRecord | undefined> {
    const key = storageKeys.webhook(id);
    const value = await webhooks.get(key);
    return value === undefined ? undefined : parse(key, value);
  }

  async function loadMany(ids: readonly string[]): Promise<WebhookRecord[]> {
    const items = await batchGetAll(ids.map((id) => storageKeys.webhook(id)), ENTITY.webhook);
    return items.map((item) => parse(item.key, item.value)).sort((a, b) => a.createdAt - b.createdAt);
  }

  async function registry(): Promise<Registry> {
    const value = await registries.get(registryKey);
    return value === undefined ? { schemaVersion: 1, version: 0, ids: [] } : parseStoredRecord(registrySchema, 'webhook registry', registryKey, value);
  }

  async function loadClaim(key: string): Promise<NameClaim | undefined> {
    const value = await claims.get(key);
    return value === undefined ? undefined : parseStoredRecord(nameClaimSchema, 'webhook name', key, value);
  }

  /**
   * The webhook a claim names, if it still holds that name. A claim can outlive its holder's name
   * only through a write interrupted between platforms (never by this store's own transactions);
   * such a claim is free to take over.
   */
  async function holderOf(claim: NameClaim | undefined, name: string): Promise<WebhookRecord | undefined> {
    if (!claim) return undefined;
    const holder = await load(claim.webhookId);
    return holder && sameName(holder.name, name) ? holder : undefined;
  }

  /** The registry, once every webhook in it has its name claimed (claims the missing ones first: webhooks created before names were). */
  async function claimedRegistry(): Promise<Registry> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const current = await registry();
      if (current.namesClaimed === true || current.ids.length === 0) return current;
      await claimExistingNames(await loadMany(current.ids));
      const next: Registry = { ...current, version: current.version + 1, namesClaimed: true };
      try {
        await kvs.transact().set(registryKey, next, { entityName: ENTITY.webhookRegistry, conditions: registryIs(current.version) }).execute();
        return next;
      } catch (error) {
        if ((await registry()).version === current.version) throw error; // not a race: a real failure
      }
    }
    throw new ConcurrentWriteError('The list of webhooks');
  }

  /** Claims each name of `existing` not claimed yet, for its oldest webhook (two could share one, from before names were checked in the same write). */
  async function claimExistingNames(existing: readonly WebhookRecord[]): Promise<void> {
    const byName = new Map<string, WebhookRecord>();
    for (const webhook of existing) {
      const key = nameKeyOf(webhook.name);
      if (!byName.has(key)) byName.set(key, webhook);
    }
    const entries = [...byName.entries()];
    for (let i = 0; i < entries.length; i += 25) {
      const chunk = entries.slice(i, i + 25);
      for (let attempt = 0; ; attempt += 1) {
        const found = await kvs.batchGet<unknown>(chunk.map(([key]) => ({ key, entityName: ENTITY.webhookName })));
        const claimed = new Set(found.successfulKeys.map((item) => item.key));
        const missing = chunk.filter(([key]) => !claimed.has(key));
        if (missing.length === 0) break;
        try {
          let tx = kvs.transact();
          for (const [key, webhook] of missing) tx = tx.set(key, claimOf(webhook), { entityName: ENTITY.webhookName, conditions: claimFree() });
          await tx.execute();
          break;
        } catch (error) {
          // Someone claimed one of them meanwhile: read the chunk again and claim what is still missing.
          if (!isConditionalCheckFailed(error) || attempt >= 3) throw error;
        }
      }
    }
  }

  /** Changes the registry and other records in one transaction, conditional on the registry's version (which has every name claimed). */
  async function withRegistry(change: (ids: string[]) => string[], write: (tx: ReturnType<typeof kvs.transact>) => ReturnType<typeof kvs.transact>, committed: () => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const current = await claimedRegistry();
      const next: Registry = { schemaVersion: 1, version: current.version + 1, ids: change([...current.ids]), namesClaimed: true };
      try {
        await write(kvs.transact().set(registryKey, next, { entityName: ENTITY.webhookRegistry, conditions: registryIs(current.version) })).execute();
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
      return loadMany((await registry()).ids);
    },
    async findByName(name) {
      const key = nameKeyOf(name);
      const claim = await loadClaim(key);
      if (claim) return holderOf(claim, name);
      // No claim: free, unless the webhooks are older than their claims and not yet claimed.
      const before = await registry();
      if (before.namesClaimed === true || before.ids.length === 0) return undefined;
      await claimedRegistry();
      return holderOf(await loadClaim(key), name);
    },
    async create(record) {
      const key = nameKeyOf(record.name);
      // A stale claim (its webhook gone or renamed) being taken over: the holder it names.
      let staleHolder: string | undefined;
      for (let attempt = 0; attempt < 8; attempt += 1) {
        try {
          await withRegistry(
            (ids) => (ids.includes(record.id) ? ids : [...ids, record.id]),
            (tx) =>
              tx
                .set(storageKeys.webhook(record.id), record, { entityName: ENTITY.webhook, conditions: new Filter<WebhookRecord>().and('id', FilterConditions.notExists()) })
                .set(key, claimOf(record), { entityName: ENTITY.webhookName, conditions: staleHolder === undefined ? claimFree() : claimHeldBy(staleHolder) }),
            async () => (await registry()).ids.includes(record.id) && (await load(record.id)) !== undefined,
          );
          return;
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
          const claim = await loadClaim(key);
          if (!claim || claim.webhookId === record.id) {
            if (staleHolder === undefined) throw error;
            staleHolder = undefined; // the stale claim went meanwhile
            continue;
          }
          const holder = await holderOf(claim, record.name);
          if (holder) throw new WebhookNameTakenError(holder.name);
          if (staleHolder === claim.webhookId) throw error;
          staleHolder = claim.webhookId;
        }
      }
      throw new ConcurrentWriteError(`The name ${record.name}`);
    },
    async save(next, options = {}) {
      const key = storageKeys.webhook(next.id);
      const previousName = options.previousName;
      const renamed = previousName !== undefined && previousName !== next.name;
      for (let attempt = 0; attempt < 8; attempt += 1) {
        let tx = kvs.transact().set(key, next, { entityName: ENTITY.webhook, conditions: new Filter<WebhookRecord>().and('version', FilterConditions.equalTo(next.version - 1)) });
        if (renamed) {
          await claimedRegistry();
          const newKey = nameKeyOf(next.name);
          const oldKey = nameKeyOf(previousName);
          const wanted = await loadClaim(newKey);
          if (wanted && wanted.webhookId !== next.id) {
            const holder = await holderOf(wanted, next.name);
            if (holder) throw new WebhookNameTakenError(holder.name);
          }
          // Free (or held by this webhook, or stale): claimed as long as it is still as read.
          tx = tx.set(newKey, claimOf(next), { entityName: ENTITY.webhookName, conditions: wanted ? claimHeldBy(wanted.webhookId) : claimFree() });
          if (oldKey !== newKey && (await loadClaim(oldKey))?.webhookId === next.id) tx = tx.delete(oldKey, { entityName: ENTITY.webhookName, conditions: claimHeldBy(next.id) });
        }
        try {
          await tx.execute();
          return;
        } catch (error) {
          const stored = await load(next.id);
          if (stored && isDeepStrictEqual(stored, next)) return; // committed; only the answer was lost
          if (!stored || stored.version !== next.version - 1) throw new ConcurrentWriteError(`Webhook ${next.name}`);
          // The webhook is as expected, so a claim changed meanwhile: look again.
          if (!renamed || !isConditionalCheckFailed(error)) throw error;
        }
      }
      throw new ConcurrentWriteError(`The name ${next.name}`);
    },
    async delete(id) {
      const record = await load(id);
      const key = record ? nameKeyOf(record.name) : undefined;
      const ownsName = key !== undefined && (await loadClaim(key))?.webhookId === id;
      await withRegistry(
        (ids) => ids.filter((other) => other !== id),
        (tx) => {
          const without = tx.delete(storageKeys.webhook(id), { entityName: ENTITY.webhook });
          return key !== undefined && ownsName ? without.delete(key, { entityName: ENTITY.webhookName, conditions: claimHeldBy(id) }) : without;
        },
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
      tx = tx.set(storageKeys.delivery(write.record.deliveryId), toStoredDelivery(write.record), { entityName: ENTITY.delivery, ...(was ? { conditions: deliveryStillAsRead(was) } : {}) }, retention);
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
