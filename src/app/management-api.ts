import type { FieldDefinition } from '../domain/fields/field-definition';
import { formatPayloadValue, parseFieldInput, type PayloadValue, type StoredValue } from '../domain/fields/field-values';
import { firstProblems } from '../shared/describe-issues';
import type { ProjectFieldsView } from '../shared/resolver-contract';
import { AppError, invalidInput } from './app-error';
import type { FieldCatalogStore, JiraAsUser, ProjectFieldsStore } from './ports';
import { getProjectFields, saveProjectFields, type ProjectFieldsDeps } from './project-fields';

/**
 * The management API's view of project fields: values in the payload formats of DESIGN.md
 * section 4 (what a webhook receiver gets can be sent back), fields named by id or by name, and
 * saves through the one save path of the project page (same checks, same one event per save).
 */

export interface ApiFieldValue {
  readonly id: number;
  readonly name: string;
  readonly type: FieldDefinition['type'];
  readonly value: PayloadValue;
}

export interface ApiProjectFields {
  readonly project: { readonly id: number; readonly key: string; readonly name: string };
  readonly revision: number;
  readonly canEdit: boolean;
  readonly fields: readonly ApiFieldValue[];
}

export interface ApiFieldChange {
  readonly id: number;
  readonly name: string;
  readonly type: FieldDefinition['type'];
  readonly value: { readonly current: PayloadValue; readonly previous: PayloadValue };
}

export interface ApiSaveOutcome {
  readonly project: { readonly id: number; readonly key: string; readonly name: string };
  readonly revision: number;
  /** The changes applied, as webhooks will carry them; empty when nothing changed. */
  readonly changes: readonly ApiFieldChange[];
}

export type ApiProjectFieldsDeps = Pick<ProjectFieldsDeps, 'catalog' | 'projects' | 'changes' | 'publisher' | 'jira' | 'membership' | 'clock' | 'ids' | 'accountId'>;

/** The view's definitions as the domain takes them (the view's arrays are read-only copies). */
function definitionsOf(fields: ProjectFieldsView['fields']): FieldDefinition[] {
  return fields.map(({ options, ...rest }) => (options ? { ...rest, options: [...options] } : rest));
}

export async function readProjectFields(deps: Pick<ProjectFieldsDeps, 'catalog' | 'projects' | 'jira' | 'membership' | 'accountId'>, projectKey: string): Promise<ApiProjectFields> {
  const view = await getProjectFields(deps, projectKey);
  return {
    project: view.project,
    revision: view.revision,
    canEdit: view.canEdit,
    fields: definitionsOf(view.fields).map((f) => ({ id: f.id, name: f.name, type: f.type, value: formatPayloadValue(f, view.values[String(f.id)] as StoredValue | undefined) })),
  };
}

/**
 * Field references as sent: digits are a field id, anything else a field name (exact, or
 * case-insensitive when that names one field only). Every unknown reference is listed.
 */
export function resolveFieldRefs(fields: readonly FieldDefinition[], values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const byId = new Map(fields.map((f) => [String(f.id), f]));
  // Without a prototype: a reference named `__proto__` is a key like any other here.
  const resolved = Object.create(null) as Record<string, unknown>;
  const errors = Object.create(null) as Record<string, string>;
  for (const [ref, value] of Object.entries(values)) {
    let field = /^\d+$/.test(ref) ? byId.get(ref) : fields.find((f) => f.name === ref);
    if (!field && !/^\d+$/.test(ref)) {
      const loose = fields.filter((f) => f.name.trim().toLowerCase() === ref.trim().toLowerCase());
      if (loose.length === 1) field = loose[0];
    }
    if (!field) {
      errors[ref] = `There is no field ${/^\d+$/.test(ref) ? `with id ${ref}` : `named "${ref}"`}. GET /fields lists them.`;
      continue;
    }
    if (String(field.id) in resolved) {
      errors[ref] = `${field.name} is named twice in this request.`;
      continue;
    }
    resolved[String(field.id)] = value;
  }
  const problems = Object.keys(errors);
  if (problems.length > 0) {
    // The first few in the message, every one (bounded by the entry point) in fieldErrors.
    const listed = problems.slice(0, 3).map((ref) => errors[ref]);
    const more = problems.length > 3 ? ` (${problems.length} field references have problems; the first 3 are named here.)` : '';
    throw invalidInput(`Nothing was saved: ${listed.join(' ')}${more}`, { ...errors });
  }
  return resolved;
}

/**
 * One save of one project, based on `baseRevision` when the caller names one (If-Match or
 * `revision`), else on the revision read just before. Answers the changes applied, with the
 * previous values of the revision it was based on (the conditional write guarantees they were current).
 */
export async function patchProjectFields(
  given: ApiProjectFieldsDeps,
  input: { projectKey: string; values: Readonly<Record<string, unknown>>; baseRevision?: number | undefined },
): Promise<ApiSaveOutcome> {
  // The save reads the project's record and asks Jira about access again: one read and one answer
  // serve both (the write is conditional on its revision; access cannot change meanwhile in a way that matters).
  const deps = { ...given, projects: onceLoadedProjects(given.projects), jira: onceAskedAccess(given.jira) };
  const view = await getProjectFields(deps, input.projectKey);
  const definitions = definitionsOf(view.fields);
  const values = resolveFieldRefs(definitions, input.values);
  const baseRevision = input.baseRevision ?? view.revision;
  // A stale revision is refused by the save itself; checking here first keeps the answer's
  // "previous" values those of the revision the save was really based on.
  if (baseRevision !== view.revision) {
    throw new AppError('STALE_REVISION', `The fields of ${view.project.key} are at revision ${view.revision}, not ${baseRevision}. Nothing was saved: read them again, then send your change with the new revision.`);
  }
  const outcome = await saveProjectFields(deps, { projectKey: view.project.key, baseRevision, values });
  const byId = new Map(definitions.map((f) => [f.id, f]));
  const changes: ApiFieldChange[] = [];
  for (const id of outcome.changedFieldIds) {
    const field = byId.get(id);
    if (!field) continue;
    const before = view.values[String(id)] as StoredValue | undefined;
    // The save accepted this input, so parsing it again gives the value it stored.
    const parsed = parseFieldInput(field, values[String(id)], before);
    changes.push({
      id,
      name: field.name,
      type: field.type,
      value: { current: formatPayloadValue(field, parsed.ok ? parsed.value : null), previous: formatPayloadValue(field, before) },
    });
  }
  return { project: view.project, revision: outcome.revision, changes };
}

export const BULK_MAX_PROJECTS = 100;

export type BulkProjectResult =
  | ({ readonly ok: true } & ApiSaveOutcome)
  | { readonly ok: false; readonly error: { code: string; message: string; fieldErrors?: Readonly<Record<string, string>>; fieldErrorCount?: number } };

/** A project's refusal as its result says it: at most 20 field problems, and their count when there were more. */
export function bulkResultError(error: AppError): Extract<BulkProjectResult, { ok: false }>['error'] {
  if (!error.fieldErrors) return { code: error.code, message: error.message };
  const { listed, total } = firstProblems(error.fieldErrors);
  return { code: error.code, message: error.message, fieldErrors: listed, ...(total > Object.keys(listed).length ? { fieldErrorCount: total } : {}) };
}

/** A project's record read once and reused for one save (which writes only if its revision is unchanged). */
function onceLoadedProjects(store: ProjectFieldsStore): ProjectFieldsStore {
  const loaded = new Map<number, ReturnType<ProjectFieldsStore['load']>>();
  return {
    ...store,
    load: (projectId) => {
      let record = loaded.get(projectId);
      if (!record) {
        record = store.load(projectId);
        loaded.set(projectId, record);
        record.catch(() => loaded.delete(projectId));
      }
      return record;
    },
    saveWithChange: (next, change, expectedRevision, note) => {
      loaded.delete(next.projectId);
      return store.saveWithChange(next, change, expectedRevision, note);
    },
  };
}

/** Jira's answer on access to a project asked once for one save (two Jira calls instead of four). */
function onceAskedAccess(jira: JiraAsUser): JiraAsUser {
  const asked = new Map<string, ReturnType<JiraAsUser['projectAccess']>>();
  return {
    ...jira,
    projectAccess: (projectKeyOrId) => {
      let answer = asked.get(projectKeyOrId);
      if (!answer) {
        answer = jira.projectAccess(projectKeyOrId);
        asked.set(projectKeyOrId, answer);
        answer.catch(() => asked.delete(projectKeyOrId));
      }
      return answer;
    },
  };
}

/** The catalog read once and reused for one request (a save still validates against it). */
export function onceLoadedCatalog(store: FieldCatalogStore): FieldCatalogStore {
  let loaded: ReturnType<FieldCatalogStore['load']> | undefined;
  return {
    load: () =>
      (loaded ??= store.load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      })),
    save: (next, expectedVersion) => {
      loaded = undefined;
      return store.save(next, expectedVersion);
    },
  };
}
