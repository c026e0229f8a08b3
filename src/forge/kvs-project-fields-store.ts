import { kvs, Filter, FilterConditions, WhereConditions } from '@forge/kvs';
import { ConcurrentWriteError, type FieldChangeStore, type ProjectFieldsStore } from '../app/ports';
import {
  fieldChangeRecordSchema,
  parseStoredRecord,
  projectFieldsRecordSchema,
  type FieldChangeRecord,
  type ProjectFieldsRecord,
} from '../domain/records';
import { ENTITY, INDEX, storageKeys } from './storage-keys';

const PAGE = 100;

export function createKvsProjectFieldsStore(): ProjectFieldsStore {
  const values = kvs.entity<ProjectFieldsRecord>(ENTITY.projectFields);

  async function load(projectId: number): Promise<ProjectFieldsRecord | undefined> {
    const key = storageKeys.projectFields(projectId);
    const value = await values.get(key);
    return value === undefined ? undefined : parseStoredRecord(projectFieldsRecordSchema, 'project fields', key, value);
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

  return {
    load,

    async saveWithChange(next, change, expectedRevision) {
      const key = storageKeys.projectFields(next.projectId);
      const changeKey = storageKeys.fieldChange(change.changeId);
      try {
        if (expectedRevision === 0) {
          // First save of the project: create an empty revision-0 record if none exists, so the
          // save below is one conditional transaction like every other.
          await values.set(key, { ...next, revision: 0, values: {} }, { keyPolicy: 'FAIL_IF_EXISTS' }).catch(() => undefined);
        }
        await kvs
          .transact()
          .set(key, next, {
            entityName: ENTITY.projectFields,
            conditions: new Filter<ProjectFieldsRecord>().and('revision', FilterConditions.equalTo(expectedRevision)),
          })
          .set(changeKey, change, { entityName: ENTITY.fieldChange })
          .execute();
      } catch (error) {
        if (error instanceof ConcurrentWriteError) throw error;
        const stored = await load(next.projectId);
        if ((stored?.revision ?? 0) !== expectedRevision) throw new ConcurrentWriteError(`The fields of project ${next.projectKey}`);
        throw error;
      }
    },

    async updateProjectRef(project) {
      const current = await load(project.id);
      if (!current || (current.projectKey === project.key && current.projectName === project.name)) return;
      await values.set(storageKeys.projectFields(project.id), { ...current, projectKey: project.key, projectName: project.name });
    },

    async deleteProject(projectId) {
      await values.delete(storageKeys.projectFields(projectId));
    },

    async removeFieldValues(fieldId) {
      let touched = 0;
      const id = String(fieldId);
      for await (const { key, record } of allProjects()) {
        if (!(id in record.values)) continue;
        const { [id]: _removed, ...rest } = record.values;
        await values.set(key, { ...record, values: rest });
        touched += 1;
      }
      return touched;
    },

    async countProjectsWithValue(fieldId) {
      let count = 0;
      for await (const { record } of allProjects()) if (String(fieldId) in record.values) count += 1;
      return count;
    },
  };
}

export function createKvsFieldChangeStore(): FieldChangeStore {
  const changes = kvs.entity<FieldChangeRecord>(ENTITY.fieldChange);
  return {
    async load(changeId) {
      const key = storageKeys.fieldChange(changeId);
      const value = await changes.get(key);
      return value === undefined ? undefined : parseStoredRecord(fieldChangeRecordSchema, 'field change', key, value);
    },
    async markPushed(changeId) {
      const key = storageKeys.fieldChange(changeId);
      const value = await changes.get(key);
      if (value === undefined) return;
      const record = parseStoredRecord(fieldChangeRecordSchema, 'field change', key, value);
      if (record.pushState !== 'pushed') await changes.set(key, { ...record, pushState: 'pushed' });
    },
    async listPending(limit) {
      const page = await changes
        .query()
        .index(INDEX.fieldChangeByPushState, { partition: ['pending'] })
        .where(WhereConditions.greaterThanEqualTo(0))
        .limit(Math.min(limit, PAGE))
        .getMany();
      return page.results.map((item) => parseStoredRecord(fieldChangeRecordSchema, 'field change', item.key, item.value));
    },
  };
}
