import { DEFAULT_FIELD_ACCESS, type FieldAccess, type FieldAudience } from '../../shared/field-access';
import { isComputedFieldType } from '../../shared/field-types';
import { formulaReferences, parseFormula } from '../../shared/field-formula';
import { fieldByName } from './computed-fields';
import type { FieldDefinition } from './field-definition';

/**
 * Who may see and edit each field's values (src/shared/field-access.ts has the rules). Pure: the
 * caller passes in what Jira said about the person (permissions, roles and groups in the project).
 */

export interface AccessSubject {
  readonly accountId: string;
  readonly jiraAdmin: boolean;
  readonly canBrowse: boolean;
  readonly projectAdmin: boolean;
  /** The person's roles in the project; only asked of Jira when some field names roles. */
  readonly roleIds: ReadonlySet<number>;
  /** The person's groups; only asked of Jira when some field names groups. */
  readonly groupIds: ReadonlySet<string>;
}

export interface FieldPermission {
  readonly view: boolean;
  readonly edit: boolean;
}

export function accessOf(field: Pick<FieldDefinition, 'access'>): FieldAccess {
  return field.access ?? DEFAULT_FIELD_ACCESS;
}

function inAudience(audience: FieldAudience, who: AccessSubject): boolean {
  return (
    audience.everyone ||
    (audience.projectAdmins && who.projectAdmin) ||
    audience.roles.some((r) => who.roleIds.has(r.id)) ||
    audience.groups.some((g) => who.groupIds.has(g.id)) ||
    audience.users.includes(who.accountId)
  );
}

/**
 * Each field's permissions for one person in one project. Nobody who cannot browse the project
 * sees anything; Jira admins see and edit everything; an editor must be a viewer; formulas and
 * automatic fields are never edited; a formula is seen only by who sees every field it is worked
 * out from (its value would tell theirs).
 */
export function fieldPermissions(fields: readonly FieldDefinition[], who: AccessSubject): Map<number, FieldPermission> {
  const lookup = fieldByName(fields);
  const own = new Map<number, FieldPermission>();
  for (const f of fields) {
    const access = accessOf(f);
    const view = who.canBrowse && (who.jiraAdmin || inAudience(access.view, who));
    const edit = view && !isComputedFieldType(f.type) && (who.jiraAdmin || inAudience(access.edit, who));
    own.set(f.id, { view, edit });
  }
  const seesInputs = (f: FieldDefinition, path: ReadonlySet<number>): boolean => {
    if (!(own.get(f.id)?.view ?? false)) return false;
    if (f.type !== 'formula' || f.expression === undefined) return true;
    const parsed = parseFormula(f.expression);
    // A formula that does not parse shows no value: nothing to hide.
    if (!parsed.ok) return true;
    return formulaReferences(parsed.value).every((name) => {
      const input = lookup(name);
      // Unknown (the catalog check refuses it) or a cycle (refused too): not shown.
      if (!input || path.has(input.id)) return false;
      return seesInputs(input, new Set([...path, input.id]));
    });
  };
  return new Map(fields.map((f) => [f.id, { view: seesInputs(f, new Set([f.id])), edit: own.get(f.id)?.edit ?? false }]));
}

/** What Jira has to be asked about the person for these fields: their roles in the project, their groups. */
export function membershipNeeded(fields: readonly FieldDefinition[]): { readonly roles: boolean; readonly groups: boolean } {
  return { roles: rolesNamed(fields).length > 0, groups: audiencesOf(fields).some((a) => a.groups.length > 0) };
}

/** The ids of the project roles some field's rules name (what Jira is asked about). */
export function rolesNamed(fields: readonly FieldDefinition[]): number[] {
  return [...new Set(audiencesOf(fields).flatMap((a) => a.roles.map((r) => r.id)))];
}

function audiencesOf(fields: readonly FieldDefinition[]): FieldAudience[] {
  return fields.flatMap((f) => (f.access ? [f.access.view, f.access.edit] : []));
}
