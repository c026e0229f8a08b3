import { isDeepStrictEqual } from 'node:util';
import { kvs, Filter, FilterConditions, WhereConditions } from '@forge/kvs';
import { ConcurrentWriteError, InboxNoteOutdatedError, type ProjectSave, type SaveOutcome, type FanOutChangeStore, type FieldChangeStore, type ProjectFieldsStore } from '../app/ports';
import { RETENTION_DAYS } from '../domain/delivery-policy';
import {
  fieldChangeRecordSchema,
  parseStoredRecord,
  projectFieldsRecordSchema,
  StoredRecordError,
  type FieldChangeRecord,
  type PushState,
  type ProjectFieldsRecord,
} from '../domain/records';
import { isConditionalCheckFailed, isStorageRateLimited } from '../app/storage-errors';
import { withInboxWrite } from './fan-out-inbox';
import { ITEM_OVERHEAD_BYTES, KVS_WRITE_LIMITS, planWriteRequests } from './kvs-limits';
import { batchGetAll } from './kvs-batch-read';
import { ENTITY, INDEX, storageKeys } from './storage-keys';

const PAGE = 100;

export function createKvsProjectFieldsStore(): ProjectFieldsStore {
  const values = kvs.entity<ProjectFieldsRecord>(ENTITY.projectFields);

  async function load(projectId: number): Promise<ProjectFieldsRecord | undefined> {
    const key = storageKeys.projectFields(projectId);
    const value = await values.get(key);
    return value === undefined ? undefined : parseStoredRecord(projectFieldsRecordSchema, 'project fields', key, value);
  }

  async function loadMany(projectIds: readonly number[]): Promise<Map<number, ProjectFieldsRecord>> {
    const items = await batchGetAll(projectIds.map((id) => storageKeys.projectFields(id)), ENTITY.projectFields);
    const records = items.map((item) => parseStoredRecord(projectFieldsRecordSchema, 'project fields', item.key, item.value));
    return new Map(records.map((record) => [record.projectId, record]));
  }

  async function* allProjects(): AsyncGenerator<{ key: string; record: ProjectFieldsRecord }> {
    let cursor: string | undefined;
    do {
      let query = values.query().index(INDEX.projectFieldsByUpdated).limit(PAGE);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany();
      for (const item of page.results) yield { key: item.key, record: parseStoredRecord(projectFieldsRecordSchema, 'project fields', item.key, item.value) };
      cursor = page.nextCursor;
    } while (cursor);
  }

  /**
   * Rewrites a project's record without a new revision (rename, field removal), conditional on
   * the revision read, retrying when a save got in between. `mutate` answers undefined for
   * "nothing to change". Answers whether it wrote.
   */
  async function rewrite(projectId: number, mutate: (current: ProjectFieldsRecord) => ProjectFieldsRecord | undefined): Promise<boolean> {
    const key = storageKeys.projectFields(projectId);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const current = await load(projectId);
      if (!current) return false;
      const next = mutate(current);
      if (!next) return false;
      try {
        await kvs
          .transact()
          .set(key, next, { entityName: ENTITY.projectFields, conditions: new Filter<ProjectFieldsRecord>().and('revision', FilterConditions.equalTo(current.revision)) })
          .execute();
        return true;
      } catch (error) {
        const stored = await load(projectId);
        if (isDeepStrictEqual(stored, next)) return true; // committed; only the answer was lost
        if (stored?.revision === current.revision) throw error; // not a lost race: a real failure
      }
    }
    throw new ConcurrentWriteError(`The fields of project ${projectId}`);
  }

  const saveWithChange: ProjectFieldsStore['saveWithChange'] = async (next, change, expectedRevision, note) => {
    try {
      const tx = withSave(kvs.transact(), { next, change, expectedRevision });
      await (note ? withInboxWrite(tx, note) : tx).execute();
    } catch (error) {
      if (error instanceof ConcurrentWriteError) throw error;
      const stored = await load(next.projectId);
      // The transaction committed and only its answer was lost: that is this save, not a conflict.
      if (stored?.lastChangeId === change.changeId) return;
      if ((stored?.revision ?? 0) !== expectedRevision) throw new ConcurrentWriteError(`The fields of project ${next.projectKey}`);
      // The values were as expected, so the condition that failed was the inbox's (another save noted its change first).
      if (note && isConditionalCheckFailed(error)) throw new InboxNoteOutdatedError();
      throw error;
    }
  };

  /** Saves in one transaction; when it fails, each alone (which says which failed, and saves the others). */
  async function saveGroup(saves: readonly ProjectSave[]): Promise<SaveOutcome[]> {
    try {
      let tx = kvs.transact();
      for (const save of saves) tx = withSave(tx, save);
      await tx.execute();
      return saves.map(() => ({ ok: true as const }));
    } catch (error) {
      // Forge's storage rate: nothing of the transaction was written, and each alone now would meet it too.
      if (isStorageRateLimited(error)) return saves.map(() => ({ ok: false as const, error }));
    }
    const outcomes: SaveOutcome[] = [];
    for (const save of saves) {
      try {
        await saveWithChange(save.next, save.change, save.expectedRevision);
        outcomes.push({ ok: true });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }

  return {
    load,
    loadMany,

    saveWithChange,

    async saveManyWithChanges(saves) {
      const outcomes: SaveOutcome[] = [];
      // Two writes per save: as many saves per transaction as Forge's operations and bytes allow.
      const groups = planWriteRequests(saves, (save) => ({ key: storageKeys.projectFields(save.next.projectId), value: [save.next, save.change] }), {
        maxOperations: Math.floor(KVS_WRITE_LIMITS.maxOperations / 2),
        maxRequestBytes: KVS_WRITE_LIMITS.maxRequestBytes - ITEM_OVERHEAD_BYTES,
      });
      for (const group of groups) outcomes.push(...(await saveGroup(group)));
      return outcomes;
    },

    async updateProjectRef(project) {
      await rewrite(project.id, (current) =>
        current.projectKey === project.key && current.projectName === project.name ? undefined : { ...current, projectKey: project.key, projectName: project.name },
      );
    },

    async deleteProject(projectId) {
      await values.delete(storageKeys.projectFields(projectId));
    },

    async removeFieldValuesPage(fieldId, doneThrough, limit) {
      const id = String(fieldId);
      // One more than the page is read to see where the next page starts: the position kept is an
      // `updatedAt`, so a page ends on a whole timestamp (projects sharing the next one are left
      // to the next page). If every project read shares one timestamp, this run reads on (its
      // cursor lives only in this run) until the timestamp changes.
      const size = Math.min(limit, PAGE - 1);
      const where = doneThrough === undefined ? WhereConditions.greaterThanEqualTo(0) : WhereConditions.greaterThan(doneThrough);
      const listed = () => values.query().index(INDEX.projectFieldsByUpdated).where(where);
      const first = await listed().limit(size + 1).getMany();
      let items = first.results.slice(0, size);
      const next = first.results[size];
      let end = next === undefined;
      if (next !== undefined) {
        const boundary = updatedAtOf(next.value);
        const before = items.filter((item) => updatedAtOf(item.value) < boundary);
        if (before.length > 0) items = before;
        else {
          items = [...first.results];
          let cursor = first.nextCursor;
          end = cursor === undefined;
          while (cursor) {
            const more = await listed().limit(PAGE).cursor(cursor).getMany();
            const same = more.results.filter((item) => updatedAtOf(item.value) === boundary);
            items.push(...same);
            const onlySame = same.length === more.results.length;
            cursor = onlySame ? more.nextCursor : undefined;
            end = onlySame && more.nextCursor === undefined;
          }
        }
      }
      let cleaned = 0;
      for (const item of items) {
        let record: ProjectFieldsRecord;
        try {
          record = parseStoredRecord(projectFieldsRecordSchema, 'project fields', item.key, item.value);
        } catch (error) {
          // One record of an unexpected shape must not stop the cleanup of every other project.
          if (!(error instanceof StoredRecordError)) throw error;
          console.error(`field cleanup: skipped ${error.message}`);
          continue;
        }
        if (!(id in record.values)) continue;
        // The query result may be stale: re-read and write conditionally, so a save is never undone.
        const changed = await rewrite(record.projectId, (current) => {
          if (!(id in current.values)) return undefined;
          const { [id]: _removed, ...rest } = current.values;
          return { ...current, values: rest };
        });
        if (changed) cleaned += 1;
      }
      const lastDone = items.at(-1);
      return { cleaned, doneThrough: lastDone === undefined ? doneThrough : updatedAtOf(lastDone.value), end };
    },

    async countProjectsWithValue(fieldId) {
      let count = 0;
      for await (const { record } of allProjects()) if (String(fieldId) in record.values) count += 1;
      return count;
    },
  };
}

/** The index's range value of a listed project (a record the index lists always has one). */
function updatedAtOf(value: unknown): number {
  const at = (value as { updatedAt?: unknown } | undefined)?.updatedAt;
  return typeof at === 'number' ? at : 0;
}

const changeRetention = { ttl: { value: RETENTION_DAYS, unit: 'DAYS' as const } };

/**
 * The condition of a save: the revision it read. A project's first save (revision 0) finds no
 * record, or an empty one an earlier version of the app wrote before the first save; no separate
 * write creates one first.
 */
function asExpected(revision: number) {
  if (revision === 0) return new Filter<ProjectFieldsRecord>().or('revision', FilterConditions.notExists()).or('revision', FilterConditions.equalTo(0));
  return new Filter<ProjectFieldsRecord>().and('revision', FilterConditions.equalTo(revision));
}

/** A save's two writes (values, conditional on the revision read, and the change record) added to a transaction. */
function withSave(tx: ReturnType<typeof kvs.transact>, save: ProjectSave): ReturnType<typeof kvs.transact> {
  return tx
    .set(storageKeys.projectFields(save.next.projectId), save.next, {
      entityName: ENTITY.projectFields,
      conditions: asExpected(save.expectedRevision),
    })
    .set(storageKeys.fieldChange(save.change.changeId), save.change, { entityName: ENTITY.fieldChange }, changeRetention);
}

/** Change records: kept 30 days (TTL), found by id, and by push state for the sweeper and the fan-out. */
export function createKvsFieldChangeStore(): FieldChangeStore & FanOutChangeStore {
  const changes = kvs.entity<FieldChangeRecord>(ENTITY.fieldChange);
  const parseChange = (key: string, value: unknown) => parseStoredRecord(fieldChangeRecordSchema, 'field change', key, value);

  async function load(changeId: string): Promise<FieldChangeRecord | undefined> {
    const key = storageKeys.fieldChange(changeId);
    const value = await changes.get(key);
    return value === undefined ? undefined : parseChange(key, value);
  }

  async function listByState(state: PushState, limit: number): Promise<FieldChangeRecord[]> {
    const page = await changes
      .query()
      .index(INDEX.fieldChangeByPushState, { partition: [state] })
      .where(WhereConditions.greaterThanEqualTo(0))
      .limit(Math.min(limit, PAGE))
      .getMany();
    // One record of an unexpected shape must not stop every other change from going out.
    return page.results.flatMap((item) => {
      try {
        return [parseChange(item.key, item.value)];
      } catch (error) {
        if (!(error instanceof StoredRecordError)) throw error;
        console.error(`changes: skipped ${error.message}`);
        return [];
      }
    });
  }

  /**
   * Moves a change forward only from `from` (never back: a fanned-out change stays fanned out).
   * `known` is the record as the caller just read it by key, saving a read.
   */
  async function advance(changeId: string, from: readonly PushState[], to: PushState, known?: FieldChangeRecord): Promise<void> {
    const record = known ?? (await load(changeId));
    if (!record || !from.includes(record.pushState)) return;
    try {
      await kvs
        .transact()
        .set(storageKeys.fieldChange(changeId), { ...record, pushState: to }, {
          entityName: ENTITY.fieldChange,
          conditions: new Filter<FieldChangeRecord>().and('pushState', FilterConditions.equalTo(record.pushState)),
        }, changeRetention)
        .execute();
    } catch (error) {
      const stored = await load(changeId);
      // Moved on meanwhile (by the fan-out, or this write whose answer was lost): nothing to do.
      if (stored && stored.pushState !== record.pushState) return;
      throw error;
    }
  }

  return {
    load,
    markPushed: (change) => advance(change.changeId, ['pending'], 'pushed', change),
    listPending: (limit) => listByState('pending', limit),
    async listUnfanned(limit) {
      const [pending, pushed] = await Promise.all([listByState('pending', limit), listByState('pushed', limit)]);
      return [...pending, ...pushed].sort((a, b) => a.timestamp - b.timestamp).slice(0, limit);
    },
    async loadMany(changeIds) {
      const items = await batchGetAll(changeIds.map((id) => storageKeys.fieldChange(id)), ENTITY.fieldChange);
      return items.map((item) => parseChange(item.key, item.value));
    },
    async markFannedOut(changes) {
      const open = changes.filter((c) => c.pushState !== 'fanned-out');
      // Change records carry the changed values (up to 200 KB each): grouped by bytes as well as
      // count, so each transaction stays under Forge's 1 MB.
      for (const chunk of planWriteRequests(open, (c) => ({ key: storageKeys.fieldChange(c.changeId), value: { ...c, pushState: 'fanned-out' } }))) {
        // One transaction for the chunk, each write conditional on the state read; if any moved on
        // meanwhile the whole chunk is refused, and each is then moved on its own.
        try {
          let tx = kvs.transact();
          for (const change of chunk) {
            tx = tx.set(storageKeys.fieldChange(change.changeId), { ...change, pushState: 'fanned-out' }, {
              entityName: ENTITY.fieldChange,
              conditions: new Filter<FieldChangeRecord>().and('pushState', FilterConditions.equalTo(change.pushState)),
            }, changeRetention);
          }
          await tx.execute();
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
          for (const change of chunk) await advance(change.changeId, ['pending', 'pushed'], 'fanned-out');
        }
      }
    },
  };
}
