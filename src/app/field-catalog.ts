import { resolveFormulas } from '../domain/fields/computed-fields';
import { isDefaultFieldAccess, type FieldAccess } from '../shared/field-access';
import { buildDefaultCatalog } from '../domain/fields/default-catalog';
import { fieldDefinitionSchema, type FieldDefinition } from '../domain/fields/field-definition';
import { fieldCatalogRecordSchema, parseStoredRecord, type FieldCatalogRecord } from '../domain/records';
import { describeIssues } from '../shared/describe-issues';
import { formulaReferences, parseFormula, renameFormulaReference } from '../shared/field-formula';
import type { CreateFieldInput, DeleteFieldOutcome, FieldOptionInput, UpdateFieldInput } from '../shared/resolver-contract';
import { AppError, invalidInput, notFound } from './app-error';
import { startFieldCleanup, type FieldCleanupDeps } from './field-cleanup';
import { ConcurrentWriteError, type FieldCatalogStore, type ProjectFieldsStore } from './ports';

export interface FieldCatalogDeps {
  readonly catalog: FieldCatalogStore;
  readonly projects: ProjectFieldsStore;
}

/** Deleting a field also records and wakes the cleanup of its values. */
export type FieldDeletionDeps = FieldCatalogDeps & Pick<FieldCleanupDeps, 'cleanups' | 'cleanupQueue' | 'clock'>;

export interface FieldCatalog {
  readonly record: FieldCatalogRecord;
  readonly fields: readonly FieldDefinition[];
}

const EMPTY_CATALOG: FieldCatalogRecord = { schemaVersion: 1, version: 0, nextFieldId: 10000, nextOptionId: 1, fields: [] };

function readFields(record: FieldCatalogRecord): FieldDefinition[] {
  return record.fields.map((value, index) => parseStoredRecord(fieldDefinitionSchema, 'field definition', `catalog.fields[${index}]`, value));
}

/**
 * The catalog as stored. Install seeds the default catalog, but lifecycle events are not retried
 * (and older installs never saw ours): a site without a catalog gets it seeded on first read.
 */
export async function loadFieldCatalog(store: FieldCatalogStore): Promise<FieldCatalog> {
  let stored = await store.load();
  if (!stored) {
    await seedDefaultCatalog(store);
    stored = await store.load();
  }
  const record = stored ?? EMPTY_CATALOG;
  return { record, fields: readFields(record) };
}

/**
 * Applies `change` to the latest catalog and writes it conditionally, retrying a few times when
 * another admin changed the catalog meanwhile (the change is re-derived from the fresh copy).
 */
async function updateCatalog<T>(store: FieldCatalogStore, change: (catalog: FieldCatalog) => { fields: FieldDefinition[]; nextFieldId: number; nextOptionId: number; result: T }): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const stored = await store.load();
    const current = stored ?? EMPTY_CATALOG;
    const next = change({ record: current, fields: readFields(current) });
    const record: FieldCatalogRecord = {
      schemaVersion: 1,
      version: current.version + 1,
      nextFieldId: next.nextFieldId,
      nextOptionId: next.nextOptionId,
      fields: next.fields,
      ...(current.installedAt !== undefined ? { installedAt: current.installedAt } : {}),
      ...(current.installedBy !== undefined ? { installedBy: current.installedBy } : {}),
    };
    parseStoredRecord(fieldCatalogRecordSchema, 'field catalog', 'catalog', record);
    try {
      await store.save(record, stored ? current.version : undefined);
      return next.result;
    } catch (error) {
      if (!(error instanceof ConcurrentWriteError) || attempt >= 3) {
        if (error instanceof ConcurrentWriteError) throw new AppError('CONFLICT', 'The field catalog is being changed by someone else right now. Reload and try again.', undefined, { cause: error });
        throw error;
      }
    }
  }
}

function validateDefinition(candidate: unknown): FieldDefinition {
  const parsed = fieldDefinitionSchema.safeParse(candidate);
  if (!parsed.success) {
    const message = describeIssues(parsed.error, { root: '', max: parsed.error.issues.length });
    throw invalidInput(`The field definition is not valid: ${message}`);
  }
  return parsed.data;
}

/**
 * The catalog as it would be after a change, checked for its formulas: each names fields that
 * exist, of kinds it can combine, without depending on itself. The error names the formula.
 */
function assertFormulasValid(fields: readonly FieldDefinition[]): void {
  const resolved = resolveFormulas(fields);
  if (!resolved.ok) throw invalidInput(`The field definition is not valid: ${resolved.problem.message}.`, { [String(resolved.problem.fieldId)]: resolved.problem.message });
}

/** The formulas that name `field` (by its name, ignoring case). */
function formulasUsing(fields: readonly FieldDefinition[], field: FieldDefinition): FieldDefinition[] {
  return fields.filter((f) => {
    if (f.type !== 'formula' || f.id === field.id) return false;
    const parsed = parseFormula(f.expression ?? '');
    return parsed.ok && formulaReferences(parsed.value).some((name) => name.trim().toLowerCase() === field.name.trim().toLowerCase());
  });
}

function assertUniqueName(fields: readonly FieldDefinition[], name: string, exceptId?: number): void {
  const clash = fields.find((f) => f.id !== exceptId && f.name.trim().toLowerCase() === name.trim().toLowerCase());
  if (clash) throw new AppError('CONFLICT', `A field named "${clash.name}" already exists. Field names must be unique.`);
}

/** Gives new options ids from the catalog counter; keeps the ids of existing ones. */
type AssignedOption = { id: number; name: string; colour: string; enabled: boolean; valueId?: string };

function assignOptionIds(
  options: readonly FieldOptionInput[] | undefined,
  existing: readonly { id: number }[] | undefined,
  nextOptionId: number,
): { options: AssignedOption[] | undefined; nextOptionId: number } {
  if (!options) return { options: undefined, nextOptionId };
  const known = new Set((existing ?? []).map((o) => o.id));
  let next = nextOptionId;
  const assigned = options.map((o): AssignedOption => {
    // An empty value id is none: the option is named by its name only.
    const valueId = o.valueId?.trim() ? { valueId: o.valueId.trim() } : {};
    if (o.id !== undefined) {
      if (!known.has(o.id)) throw invalidInput(`Option "${o.name}" names id ${o.id}, which this field does not have. Leave the id out for a new option.`);
      return { id: o.id, name: o.name.trim(), colour: o.colour, enabled: o.enabled, ...valueId };
    }
    const id = next;
    next += 1;
    return { id, name: o.name.trim(), colour: o.colour, enabled: o.enabled, ...valueId };
  });
  return { options: assigned, nextOptionId: next };
}

export async function createField(deps: FieldCatalogDeps, input: CreateFieldInput): Promise<FieldDefinition> {
  return updateCatalog(deps.catalog, ({ record, fields }) => {
    assertUniqueName(fields, input.name);
    const { options, nextOptionId } = assignOptionIds(input.options, [], record.nextOptionId);
    const definition = validateDefinition({
      id: record.nextFieldId,
      name: input.name.trim(),
      type: input.type,
      ...(input.description?.trim() ? { description: input.description.trim() } : {}),
      ...(options ? { options } : {}),
      ...(input.decimals !== undefined ? { decimals: input.decimals } : input.type === 'number' || input.type === 'formula' ? { decimals: 0 } : {}),
      ...affixes(input),
      ...(input.expression !== undefined ? { expression: input.expression.trim() } : {}),
      ...accessRules(input.access),
    });
    const next = [...fields, definition];
    assertFormulasValid(next);
    return { fields: next, nextFieldId: record.nextFieldId + 1, nextOptionId, result: definition };
  });
}

export async function updateField(deps: FieldCatalogDeps, input: UpdateFieldInput): Promise<FieldDefinition> {
  return updateCatalog(deps.catalog, ({ record, fields }) => {
    const current = fields.find((f) => f.id === input.id);
    if (!current) throw notFound(`There is no field with id ${input.id}. It may have been deleted; reload the list.`);
    if (input.name !== undefined) assertUniqueName(fields, input.name, current.id);
    const { options, nextOptionId } = assignOptionIds(input.options, current.options, record.nextOptionId);
    const { description: _oldDescription, prefix: _oldPrefix, suffix: _oldSuffix, access: oldAccess, ...rest } = current;
    const description = input.description !== undefined ? input.description.trim() : current.description;
    const definition = validateDefinition({
      ...rest,
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(description ? { description } : {}),
      ...(options ? { options } : {}),
      ...(input.decimals !== undefined ? { decimals: input.decimals } : {}),
      ...affixes({ prefix: input.prefix ?? current.prefix, suffix: input.suffix ?? current.suffix }),
      ...(input.expression !== undefined ? { expression: input.expression.trim() } : {}),
      ...accessRules(input.access ?? oldAccess),
    });
    // A renamed field keeps the formulas that use it: their references follow the new name.
    const renamed = definition.name !== current.name;
    const users = renamed ? new Set(formulasUsing(fields, current).map((f) => f.id)) : new Set<number>();
    if (renamed && users.size > 0 && /[{}]/.test(definition.name)) {
      throw invalidInput(`${current.name} is used by a formula, and a field name with { or } cannot be named in a formula. Choose a name without braces.`);
    }
    const next = fields.map((f) => {
      if (f.id === definition.id) return definition;
      if (users.has(f.id)) return { ...f, expression: renameFormulaReference(f.expression ?? '', current.name, definition.name) };
      return f;
    });
    assertFormulasValid(next);
    return { fields: next, nextFieldId: record.nextFieldId, nextOptionId, result: definition };
  });
}

/** Who sees and edits a field's values: stored only when not the default. */
function accessRules(access: FieldAccess | undefined): { access?: FieldAccess } {
  return access && !isDefaultFieldAccess(access) ? { access } : {};
}

/** Prefix and suffix as sent: trimmed, and an empty one is none. */
function affixes(input: { prefix?: string | undefined; suffix?: string | undefined }): { prefix?: string; suffix?: string } {
  const prefix = input.prefix?.trim();
  const suffix = input.suffix?.trim();
  return { ...(prefix ? { prefix } : {}), ...(suffix ? { suffix } : {}) };
}

export async function countFieldUsage(deps: FieldCatalogDeps, id: number): Promise<{ id: number; projectsWithValues: number }> {
  const { fields } = await loadFieldCatalog(deps.catalog);
  if (!fields.some((f) => f.id === id)) throw notFound(`There is no field with id ${id}.`);
  return { id, projectsWithValues: await deps.projects.countProjectsWithValue(id) };
}

/**
 * Removes the definition (its id is never reused) and hands the removal of its values to the
 * `field-cleanup` queue: a site may have thousands of projects, more than a 25 s resolver can
 * visit. Values of a deleted field are ignored on read meanwhile. Answers how many projects held
 * a value (an index count: a save a moment ago may be missing from it; the cleanup still finds it).
 */
export async function deleteField(deps: FieldDeletionDeps, id: number): Promise<DeleteFieldOutcome> {
  const { fields: catalogFields } = await loadFieldCatalog(deps.catalog);
  const field = catalogFields.find((f) => f.id === id);
  if (!field) throw notFound(`There is no field with id ${id}. It may have been deleted already.`);
  const users = formulasUsing(catalogFields, field);
  if (users.length > 0) {
    throw new AppError('CONFLICT', `${field.name} is used by the formula${users.length === 1 ? '' : 's'} ${users.map((f) => f.name).join(', ')}. Change or delete ${users.length === 1 ? 'that formula' : 'those formulas'} first.`);
  }
  const projectsWithValues = await deps.projects.countProjectsWithValue(id);
  // The job is recorded before the definition goes, so no failure in between leaves values
  // without one; the cleanup never touches a field that still exists.
  const job = await startFieldCleanup(deps, field, projectsWithValues);
  try {
    await updateCatalog(deps.catalog, ({ record, fields }) => {
      if (!fields.some((f) => f.id === id)) throw notFound(`There is no field with id ${id}. It may have been deleted already.`);
      // A formula may have started using it since the check above.
      assertFormulasValid(fields.filter((f) => f.id !== id));
      return { fields: fields.filter((f) => f.id !== id), nextFieldId: record.nextFieldId, nextOptionId: record.nextOptionId, result: undefined };
    });
  } catch (error) {
    // Unless another admin deleted it meanwhile, the field stays: so must its values.
    if (!(error instanceof AppError && error.code === 'NOT_FOUND')) await deps.cleanups.delete(id);
    throw error;
  }
  try {
    // A wake-up refused (a chain cut) leaves the job to the sweeper's wakeStalledCleanups.
    await deps.cleanupQueue.wake(id, 0);
  } catch (error) {
    // The field is deleted either way; the sweeper and the fields page wake a cleanup that makes no progress.
    console.warn(`field ${id} deleted, but its cleanup could not be queued yet: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { id, projectsWithValues: job.projectsWithValues };
}

/**
 * Install: seeds the default catalog once; an existing catalog is left as it is. `installed` is
 * kept with it: Jira does not say when a project was created or by whom, so the automatic fields
 * Created date and Creator show the install.
 */
export async function seedDefaultCatalog(store: FieldCatalogStore, installed: { at?: number; by?: string } = {}): Promise<{ seeded: boolean }> {
  const existing = await store.load();
  if (existing) return { seeded: false };
  let nextFieldId = EMPTY_CATALOG.nextFieldId;
  let nextOptionId = EMPTY_CATALOG.nextOptionId;
  const fields = buildDefaultCatalog({
    nextFieldId: () => nextFieldId++,
    nextOptionId: () => nextOptionId++,
  });
  try {
    await store.save(
      {
        schemaVersion: 1,
        version: 1,
        nextFieldId,
        nextOptionId,
        fields: fields.map(validateDefinition),
        ...(installed.at !== undefined ? { installedAt: installed.at } : {}),
        ...(installed.by ? { installedBy: installed.by } : {}),
      },
      undefined,
    );
    return { seeded: true };
  } catch (error) {
    if (error instanceof ConcurrentWriteError) return { seeded: false };
    throw error;
  }
}
