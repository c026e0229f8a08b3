import { diffFieldValues } from '../domain/fields/change-diff';
import { computedValues, formulaKinds } from '../domain/fields/computed-fields';
import { accessOf, fieldPermissions, membershipNeeded, rolesNamed, type FieldPermission } from '../domain/fields/field-access';
import type { FieldDefinition } from '../domain/fields/field-definition';
import { parseFieldInput, projectKeysOf, unknownProject, type StoredValue } from '../domain/fields/field-values';
import type { FieldChangeRecord, ProjectFieldsRecord } from '../domain/records';
import { describeAudience } from '../shared/field-access';
import { isComputedFieldType } from '../shared/field-types';
import { accountIdsIn } from '../shared/people-in-values';
import type { ProjectFieldsView, ProjectPageView, SaveProjectFieldsInput, SaveProjectFieldsOutcome } from '../shared/resolver-contract';
import { AppError, forbidden, invalidInput, notFound } from './app-error';
import { loadFieldCatalog } from './field-catalog';
import {
  ConcurrentWriteError,
  InboxNoteOutdatedError,
  type ChangeEventPublisher,
  type Clock,
  type FieldCatalogStore,
  type FieldChangeStore,
  type IdGenerator,
  type JiraAsUser,
  type JiraMembership,
  type ProjectAccess,
  type ProjectFieldsStore,
} from './ports';

export interface ProjectFieldsDeps {
  readonly catalog: FieldCatalogStore;
  readonly projects: ProjectFieldsStore;
  readonly changes: FieldChangeStore;
  readonly publisher: ChangeEventPublisher;
  /** Jira as the user of this invocation. */
  readonly jira: JiraAsUser;
  /** Their groups and project roles, for fields whose values only some people see or edit. */
  readonly membership: JiraMembership;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The platform's principal: the user who saves. */
  readonly accountId: string;
}

async function requireAccess(jira: JiraAsUser, projectKey: string): Promise<ProjectAccess> {
  const access = await jira.projectAccess(projectKey);
  // Not found and not browsable look the same, so project keys do not leak.
  if (!access || !access.canBrowse) throw notFound(`Project ${projectKey} does not exist or you do not have permission to browse it.`);
  return access;
}

/**
 * What this person may do with each field here (field values security). Jira is asked about their
 * groups and roles only when some field names groups or roles, and never for a Jira admin.
 */
async function permissionsHere(deps: Pick<ProjectFieldsDeps, 'membership' | 'accountId'>, access: ProjectAccess, fields: readonly FieldDefinition[]): Promise<Map<number, FieldPermission>> {
  const need = access.isJiraAdmin ? { roles: false, groups: false } : membershipNeeded(fields);
  // A role's actors may be groups: roles need the groups too.
  const groupIds = need.roles || need.groups ? await deps.membership.groupIdsOf(deps.accountId) : new Set<string>();
  const roleIds = need.roles ? await deps.membership.rolesOf(String(access.project.id), deps.accountId, rolesNamed(fields), groupIds) : new Set<number>();
  return fieldPermissions(fields, { accountId: deps.accountId, jiraAdmin: access.isJiraAdmin, canBrowse: access.canBrowse, projectAdmin: access.isProjectAdmin, roleIds, groupIds });
}

/** Stored values of fields that still exist (and are not computed), keyed by field id. */
function currentValues(record: ProjectFieldsRecord | undefined, fields: readonly FieldDefinition[]): Record<string, StoredValue> {
  const known = new Set(fields.filter((f) => !isComputedFieldType(f.type)).map((f) => String(f.id)));
  return Object.fromEntries(Object.entries(record?.values ?? {}).filter(([id]) => known.has(id))) as Record<string, StoredValue>;
}

export async function getProjectFields(deps: Pick<ProjectFieldsDeps, 'catalog' | 'projects' | 'jira' | 'membership' | 'accountId'>, projectKey: string): Promise<ProjectFieldsView> {
  const access = await requireAccess(deps.jira, projectKey);
  const [catalog, record] = await Promise.all([loadFieldCatalog(deps.catalog), deps.projects.load(access.project.id)]);
  const permissions = await permissionsHere(deps, access, catalog.fields);
  // Formulas are worked out from every field (a formula is only shown to who sees its inputs).
  const all = catalog.fields;
  const stored = currentValues(record, all);
  // Formulas and automatic fields are worked out on every read: never stored, so never stale.
  const computed = computedValues(all, stored, { updatedAt: record?.updatedAt, createdAt: catalog.record.installedAt, createdBy: catalog.record.installedBy });
  const kinds = formulaKinds(all);
  // Only the fields this person may see, without their rules (who else sees them is not theirs to know).
  const visible = all.filter((f) => permissions.get(f.id)?.view === true);
  const shown = new Set(visible.map((f) => String(f.id)));
  const only = <T>(record: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(record).filter(([id]) => shown.has(id)));
  const editable = visible.filter((f) => permissions.get(f.id)?.edit === true).map((f) => f.id);
  const visibleKinds = only(kinds);
  return {
    project: access.project,
    canEdit: editable.length > 0,
    editableFieldIds: editable,
    revision: record?.revision ?? 0,
    fields: visible.map(({ access: _rules, ...definition }) => definition),
    values: only({ ...stored, ...computed }),
    ...(Object.keys(visibleKinds).length > 0 ? { formulaKinds: visibleKinds } : {}),
  };
}

/**
 * The project page's start in one answer: the fields and values as `getProjectFields`, and the
 * names of the people they mention, asked of Jira as the user once the values are known (the
 * page would otherwise wait for the values, then ask again). The names are a convenience: when
 * Jira will not give them (no permission to browse users, Jira down), the page still shows its
 * fields, its people as "Unknown user", as it did when it asked for them separately.
 */
export async function getProjectPage(deps: Pick<ProjectFieldsDeps, 'catalog' | 'projects' | 'jira' | 'membership' | 'accountId'>, projectKey: string): Promise<ProjectPageView> {
  const view = await getProjectFields(deps, projectKey);
  const accountIds = accountIdsIn(view);
  if (accountIds.length === 0) return { ...view, users: [] };
  try {
    return { ...view, users: await deps.jira.getUsers(accountIds) };
  } catch (error) {
    console.warn(`project page of ${view.project.key}: the names of ${accountIds.length} people could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return { ...view, users: [] };
  }
}

/**
 * One save: validate every value against its definition, compute the real changes, then write the
 * new values and an immutable change record in one conditional write (based on the revision the
 * user saw), and push one `field-changes` event. A save without a real change writes nothing.
 */
export async function saveProjectFields(deps: ProjectFieldsDeps, input: SaveProjectFieldsInput): Promise<SaveProjectFieldsOutcome> {
  const access = await requireAccess(deps.jira, input.projectKey);
  const [{ fields }, record] = await Promise.all([loadFieldCatalog(deps.catalog), deps.projects.load(access.project.id)]);
  const permissions = await permissionsHere(deps, access, fields);
  if (![...permissions.values()].some((p) => p.edit)) throw forbidden(`You can view the fields of ${access.project.key} but not edit them. Jira admins and the project's administrators can.`);
  const revision = record?.revision ?? 0;
  if (input.baseRevision !== revision) throw staleRevision(access.project.key);

  const byId = new Map(fields.map((f) => [String(f.id), f]));
  const fieldErrors: Record<string, string> = {};
  const before = currentValues(record, fields);
  const after: Record<string, StoredValue> = { ...before };
  // Parsed by the entry point into a plain record (its input type is `unknown` until then).
  for (const [id, raw] of Object.entries(input.values as Readonly<Record<string, unknown>>)) {
    const definition = byId.get(id);
    const permission = definition ? permissions.get(definition.id) : undefined;
    // A field this person may not see is, for them, no field at all: the answer tells nothing of it.
    if (!definition || permission?.view !== true) {
      fieldErrors[id] = `There is no field with id ${id}. It may have been deleted; reload the page.`;
      continue;
    }
    if (!permission.edit && !isComputedFieldType(definition.type)) {
      fieldErrors[id] = `You can see ${definition.name} but not edit it. ${describeAudience(accessOf(definition).edit)} can${accessOf(definition).edit.everyone ? '' : ', and Jira admins'}.`;
      continue;
    }
    const parsed = parseFieldInput(definition, raw, before[id]);
    if (parsed.ok) after[id] = parsed.value;
    else fieldErrors[id] = parsed.error.message;
  }
  Object.assign(fieldErrors, await unbrowsableProjects(deps.jira, fields, before, after, fieldErrors));
  const problems = Object.keys(fieldErrors).length;
  if (problems > 0) {
    const first = Object.values(fieldErrors)[0];
    throw invalidInput(problems === 1 ? `Nothing was saved. ${first}` : `Nothing was saved: ${problems} fields have problems. ${first}`, fieldErrors);
  }

  const changes = diffFieldValues([...fields], before, after);
  if (changes.length === 0) return { revision, changedFieldIds: [] };

  const now = deps.clock.now();
  const nextRevision = revision + 1;
  const changeId = deps.ids.newId();
  const next: ProjectFieldsRecord = {
    schemaVersion: 1,
    projectId: access.project.id,
    projectKey: access.project.key,
    projectName: access.project.name,
    revision: nextRevision,
    values: Object.fromEntries(Object.entries(after).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))) as ProjectFieldsRecord['values'],
    updatedAt: now,
    updatedBy: deps.accountId,
    lastChangeId: changeId,
  };
  const change: FieldChangeRecord = {
    schemaVersion: 1,
    changeId,
    projectId: access.project.id,
    revision: nextRevision,
    user: deps.accountId,
    timestamp: now,
    project: access.project,
    fields: changes.map((c) => ({ id: c.id, name: c.name, type: c.type, value: { current: c.value.current, previous: c.value.previous } })),
    pushState: deps.publisher.pushesAfterwards === true ? 'pushed' : 'pending',
    // The chain of the project's changes: a drain walks it back to keep deliveries in order.
    ...(record?.lastChangeId !== undefined ? { previousChangeId: record.lastChangeId } : {}),
  };
  assertStorable(next, change);
  let noted: boolean;
  try {
    noted = await saveNotingChange(deps, next, change, revision);
  } catch (error) {
    if (error instanceof ConcurrentWriteError) throw staleRevision(access.project.key);
    throw error;
  }
  if (noted) return { revision: nextRevision, changedFieldIds: changes.map((c) => c.id) };

  // The change is saved; the event follows. The record stays `pending` until the fan-out has
  // made its deliveries (no write to mark it pushed: a save costs its one transaction and the
  // shared wake-up). If the push failed, or the fan-out has not run two minutes later, the sweeper
  // pushes it again; pushing twice is harmless. So the user's save succeeded either way.
  try {
    await deps.publisher.publishFieldChange(changeId);
  } catch (error) {
    console.warn(`save: change ${changeId} saved, event push deferred to the sweeper: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { revision: nextRevision, changedFieldIds: changes.map((c) => c.id) };
}

/** Saves noting their change in the same write, tried at most this often before publishing afterwards. */
const NOTE_TRIES = 3;

/**
 * Writes the values and the change; while a `field-changes` wake-up is on its way, the change id
 * goes into its inbox in the same transaction (one write, no event). Answers whether it did: if
 * not, the caller publishes. Saves of other projects noting at the same moment make the inbox's
 * condition fail: read it again, a few times, then save without the note.
 */
async function saveNotingChange(deps: Pick<ProjectFieldsDeps, 'projects' | 'publisher'>, next: ProjectFieldsRecord, change: FieldChangeRecord, revision: number): Promise<boolean> {
  for (let attempt = 0; attempt < NOTE_TRIES && deps.publisher.noteWithSave; attempt += 1) {
    const note = await deps.publisher.noteWithSave(change.changeId).catch((error: unknown) => {
      // The note is an optimisation: without it the change is published after the save.
      console.warn(`save: the fan-out inbox could not be read, the change is published after the save: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (!note) break;
    try {
      await deps.projects.saveWithChange(next, change, revision, note);
      return true;
    } catch (error) {
      if (!(error instanceof InboxNoteOutdatedError)) throw error;
    }
  }
  await deps.projects.saveWithChange(next, change, revision);
  return false;
}

/**
 * Related-project fields hold only projects the saver can browse: every key a save adds is asked
 * of Jira as the user (keys the field already held stay, as disabled options do). Not found and
 * not browsable read the same, so keys do not leak.
 */
async function unbrowsableProjects(
  jira: JiraAsUser,
  fields: readonly FieldDefinition[],
  before: Readonly<Record<string, StoredValue>>,
  after: Readonly<Record<string, StoredValue>>,
  known: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const problems: Record<string, string> = {};
  await Promise.all(
    fields
      .filter((f) => (f.type === 'project' || f.type === 'multiproject') && known[String(f.id)] === undefined)
      .map(async (field) => {
        const id = String(field.id);
        const held = new Set(projectKeysOf(field, before[id]));
        const added = projectKeysOf(field, after[id]).filter((key) => !held.has(key));
        const answers = await Promise.all(added.map(async (key) => ({ key, access: await jira.projectAccess(key) })));
        const refused = answers.find((a) => !a.access?.canBrowse);
        if (refused) problems[id] = unknownProject(field, refused.key).message;
      }),
  );
  return problems;
}

/** Forge keeps at most 240 KiB per stored value; stay clearly below it and say which fields to shorten. */
const MAX_RECORD_BYTES = 200 * 1024;
const utf8Bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

function assertStorable(next: ProjectFieldsRecord, change: FieldChangeRecord): void {
  const size = Math.max(utf8Bytes(next), utf8Bytes(change));
  if (size <= MAX_RECORD_BYTES) return;
  const largest = [...change.fields]
    .sort((a, b) => utf8Bytes(b.value) - utf8Bytes(a.value))
    .slice(0, 3)
    .map((f) => f.name);
  throw new AppError(
    'LIMIT_EXCEEDED',
    `Nothing was saved: this save is too large to store (${Math.ceil(size / 1024)} KiB; at most ${MAX_RECORD_BYTES / 1024} KiB including the previous values). Shorten the longest texts: ${largest.join(', ')}.`,
  );
}

function staleRevision(projectKey: string): AppError {
  return new AppError('STALE_REVISION', `Someone else saved the fields of ${projectKey} after you opened them. Nothing was saved: reload to see their changes, then make yours again.`);
}
