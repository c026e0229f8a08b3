import { isDeepStrictEqual } from 'node:util';
import { kvs, Filter, FilterConditions } from '@forge/kvs';
import { ConcurrentWriteError, LeaseLostError, StaleDeliveriesError, type PokeAnswer, type WebhookSecretStore, type WebhookStateStore, type WebhookStore } from '../app/ports';
import { isConditionalCheckFailed, isKeyNotFound } from './kvs-errors';
import { RETENTION_DAYS, wakeUpPending } from '../domain/delivery-policy';
import {
  parseStoredRecord,
  STATE_INBOX_MAX,
  WAKE_IDS,
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

/** A transaction holds at most 25 operations: the state record and 24 others. */
const OPS_PER_COMMIT = 24;
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


function mergeIds(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].slice(0, STATE_INBOX_MAX);
}

export function initialWebhookState(webhookId: string): WebhookStateRecord {
  return {
    schemaVersion: 1,
    webhookId,
    version: 0,
    leaseOwner: '',
    leaseUntil: 0,
    rerun: false,
    inbox: [],
    wakeAt: 0,
    drainStartedAt: 0,
    lastRunAt: null,
    lastResult: null,
    lastStatusCode: null,
    lastError: null,
    lastSuccessAt: null,
    failedSinceSuccess: 0,
    hours: [],
  };
}

/**
 * The drain's state per webhook. Every write is conditional on the version read, so the lease
 * holder's status writes, a rerun asked for by a wake-up and a noted wake-up never overwrite
 * each other; a write whose answer was lost is told from a conflict by re-reading.
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

  /** Writes `next` (version + 1) if the stored version is still `expected.version`; answers whether it did. */
  async function writeIf(
    expected: WebhookStateRecord,
    next: WebhookStateRecord,
    extra: { deliveries?: readonly DeliveryRecord[]; attempts?: readonly AttemptRecord[]; expectedDeliveries?: ReadonlyMap<string, DeliveryRecord> } = {},
  ): Promise<boolean> {
    let tx = kvs.transact().set(storageKeys.webhookState(next.webhookId), next, { entityName: ENTITY.webhookState, conditions: versionIs(expected.version) });
    for (const d of extra.deliveries ?? []) {
      const was = extra.expectedDeliveries?.get(d.deliveryId);
      tx = tx.set(storageKeys.delivery(d.deliveryId), d, { entityName: ENTITY.delivery, ...(was ? { conditions: deliveryIs(was) } : {}) }, retention);
    }
    for (const a of extra.attempts ?? []) tx = tx.set(storageKeys.attempt(a.deliveryId, a.attempt), a, undefined, retention);
    try {
      await tx.execute();
      return true;
    } catch (error) {
      const stored = await load(next.webhookId);
      if (stored && isDeepStrictEqual(stored, next)) return true;
      if ((stored?.version ?? 0) !== expected.version) return false;
      // The state was as expected, so a failed condition was a delivery's.
      if (extra.expectedDeliveries && extra.expectedDeliveries.size > 0 && isConditionalCheckFailed(error)) throw new StaleDeliveriesError(next.webhookId);
      throw error;
    }
  }

  /** Applies `mutate` to the latest state until a conditional write holds (a few tries). */
  async function update(webhookId: string, mutate: (current: WebhookStateRecord) => WebhookStateRecord | undefined): Promise<WebhookStateRecord | undefined> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const current = (await load(webhookId)) ?? initialWebhookState(webhookId);
      const wanted = mutate(current);
      if (!wanted) return current;
      const next = { ...wanted, version: current.version + 1 };
      if (await writeIf(current, next)) return next;
    }
    throw new ConcurrentWriteError(`The delivery state of webhook ${webhookId}`);
  }

  /**
   * `update` for many webhooks at once: states read 25 per batch and written back 25 per
   * conditional transaction; a chunk whose transaction fails (another writer, a lost answer) is
   * done one by one with `update`. `mutate` is called again on the latest state then, so it must
   * only depend on its argument.
   */
  async function updateMany(webhookIds: readonly string[], mutate: (current: WebhookStateRecord) => WebhookStateRecord | undefined): Promise<void> {
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
  }

  const leaseActive = (s: WebhookStateRecord, now: number) => s.leaseOwner !== '' && s.leaseUntil > now;
  /** Asks the lease holder to drain again, handing it the ids it should read by key; undefined when it knows already. */
  const askRerun = (current: WebhookStateRecord, ids: readonly string[]): WebhookStateRecord | undefined => {
    const inbox = mergeIds(current.inbox, ids);
    return current.rerun && inbox.length === current.inbox.length ? undefined : { ...current, rerun: true, inbox };
  };
  /** What another writer added meanwhile is kept: a rerun asked for, the ids it named, a wake-up noted. */
  const merged = (ours: WebhookStateRecord, stored: WebhookStateRecord): WebhookStateRecord => ({
    ...ours,
    version: stored.version,
    rerun: ours.rerun || stored.rerun,
    inbox: mergeIds(ours.inbox, stored.inbox),
    wakeAt: Math.max(ours.wakeAt, stored.wakeAt),
  });

  return {
    load,

    async loadMany(webhookIds) {
      const found = new Map<string, WebhookStateRecord>();
      for (let i = 0; i < webhookIds.length; i += 25) {
        for (const [id, state] of (await readBatch(webhookIds.slice(i, i + 25))).found) found.set(id, state);
      }
      return found;
    },

    async acquire(webhookId, owner, nowMs, leaseMs, ids = []) {
      let busy = false;
      const next = await update(webhookId, (current) => {
        busy = leaseActive(current, nowMs) && current.leaseOwner !== owner;
        // Busy: ask the holder to drain again before it lets go, so this wake-up is not lost.
        if (busy) return askRerun(current, ids);
        return { ...current, leaseOwner: owner, leaseUntil: nowMs + leaseMs, rerun: false, drainStartedAt: nowMs };
      });
      return busy || !next ? { kind: 'busy' } : { kind: 'acquired', state: next };
    },

    async commit(owner, state, deliveries, attempts, options = {}) {
      const ops: ({ kind: 'delivery'; d: DeliveryRecord } | { kind: 'attempt'; a: AttemptRecord })[] = [
        ...deliveries.map((d) => ({ kind: 'delivery' as const, d })),
        ...attempts.map((a) => ({ kind: 'attempt' as const, a })),
      ];
      let current = state;
      let index = 0;
      do {
        const chunk = ops.slice(index, index + OPS_PER_COMMIT);
        const extra = {
          deliveries: chunk.flatMap((op) => (op.kind === 'delivery' ? [op.d] : [])),
          attempts: chunk.flatMap((op) => (op.kind === 'attempt' ? [op.a] : [])),
          ...(options.expected ? { expectedDeliveries: options.expected } : {}),
        };
        let written = false;
        for (let attempt = 0; attempt < 8 && !written; attempt += 1) {
          const next = { ...current, version: current.version + 1 };
          if (await writeIf(current, next, extra)) {
            current = next;
            written = true;
            break;
          }
          // Someone else wrote: a rerun asked for, or a wake-up noted. Keep theirs, unless the lease is gone.
          const stored = await load(state.webhookId);
          if (!stored || stored.leaseOwner !== owner) throw new LeaseLostError(state.webhookId);
          current = merged(current, stored);
        }
        if (!written) throw new ConcurrentWriteError(`The delivery state of webhook ${state.webhookId}`);
        index += OPS_PER_COMMIT;
      } while (index < ops.length);
      return current;
    },

    async release(owner, state, options = {}) {
      let current = state;
      for (let attempt = 0; attempt < 8; attempt += 1) {
        if (current.rerun && !options.force) return { kind: 'rerun', state: { ...current, rerun: false } };
        // Let go by force (the caller wakes a new drain): the ids handed over meanwhile stay for it.
        const next = { ...current, leaseOwner: '', leaseUntil: 0, rerun: false, inbox: options.force ? current.inbox : [], version: current.version + 1 };
        if (await writeIf(current, next)) return { kind: 'released' };
        const stored = await load(state.webhookId);
        if (!stored || stored.leaseOwner !== owner) return { kind: 'released' };
        current = merged(current, stored);
      }
      throw new ConcurrentWriteError(`The delivery state of webhook ${state.webhookId}`);
    },

    async pokeMany(pokes, nowMs, planWakeAt) {
      const answers = new Map<string, PokeAnswer>();
      const idsOf = new Map(pokes.map((p) => [p.webhookId, p.deliveryIds]));
      // A webhook's answer and planned time are decided once: a chunk done again one by one
      // keeps them, so the order of planned wake-ups stays the order of the list.
      const planned = new Map<string, number>();
      await updateMany(
        pokes.map((p) => p.webhookId),
        (current) => {
          const ids = idsOf.get(current.webhookId) ?? [];
          if (leaseActive(current, nowMs)) {
            answers.set(current.webhookId, 'rerun-requested');
            return askRerun(current, ids);
          }
          // An immediate wake-up noted a moment ago has not been taken yet: it will find this work,
          // by key from the inbox (the index may not show it yet).
          if (wakeUpPending(current) && current.wakeAt <= nowMs + 1000 && current.wakeAt > nowMs - 60_000) {
            answers.set(current.webhookId, 'wake-pending');
            const inbox = mergeIds(current.inbox, ids);
            return inbox.length === current.inbox.length ? undefined : { ...current, inbox };
          }
          // A wake-up is needed: noted now, with the time the caller will push it, so the next
          // change and the sweeper know it is on its way. A wake-up carries 100 ids: the rest of a
          // large batch waits in the inbox for the drain it starts.
          answers.set(current.webhookId, 'needs-wake');
          let wakeAt = planned.get(current.webhookId);
          if (wakeAt === undefined) {
            wakeAt = planWakeAt(planned.size);
            planned.set(current.webhookId, wakeAt);
          }
          return { ...current, wakeAt, inbox: mergeIds(current.inbox, ids.slice(WAKE_IDS)) };
        },
      );
      return answers;
    },

    async noteWakeUps(wakes) {
      const at = new Map(wakes.map((w) => [w.webhookId, w.wakeAt]));
      await updateMany(
        wakes.map((w) => w.webhookId),
        (current) => ({ ...current, wakeAt: at.get(current.webhookId) ?? current.wakeAt }),
      );
    },

    async delete(webhookId) {
      await states.delete(storageKeys.webhookState(webhookId));
    },
  };
}
