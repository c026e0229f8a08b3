import type { FieldAccess, FieldAudience } from './field-access';

/**
 * Field values security's plain values and words (see field-access.ts, which has the schemas and
 * exports these too): apart from zod, for the admin page.
 */

export const FIELD_AUDIENCE_LIMITS = { roles: 20, groups: 20, users: 50 } as const;

const nobody: FieldAudience = { everyone: false, projectAdmins: false, roles: [], groups: [], users: [] };

/** A field without rules of its own: everyone who browses the project sees it; its administrators edit it. */
export const DEFAULT_FIELD_ACCESS: FieldAccess = { view: { ...nobody, everyone: true }, edit: { ...nobody, projectAdmins: true } };

export const NOBODY: FieldAudience = nobody;

/** Whether the access is the default one (stored fields leave it out then). */
export function isDefaultFieldAccess(access: FieldAccess): boolean {
  return JSON.stringify(access) === JSON.stringify(DEFAULT_FIELD_ACCESS);
}

/** The audience in words, for the admin page and error messages ("Everyone who can browse the project", "Project administrators, role Developers"). */
export function describeAudience(audience: FieldAudience): string {
  if (audience.everyone) return 'Everyone who can browse the project';
  const parts = [
    ...(audience.projectAdmins ? ['Project administrators'] : []),
    ...audience.roles.map((r) => `role ${r.name}`),
    ...audience.groups.map((g) => `group ${g.name}`),
    ...(audience.users.length > 0 ? [audience.users.length === 1 ? '1 person' : `${audience.users.length} people`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'Jira admins only';
}
