import { z } from 'zod';

/**
 * Field values security (Projectrak's): per field, who may see its values and who may edit them.
 * An audience is any of: everyone who can browse the project, the project's administrators,
 * project roles, groups (both as Jira has them) and specific people. Jira admins are always in
 * both. Only people who can browse the project are ever in one, and an editor must be a viewer too.
 * Shared by the app and the admin page.
 */

export const FIELD_AUDIENCE_LIMITS = { roles: 20, groups: 20, users: 50 } as const;

const jiraName = z.string().trim().min(1).max(255);

export const fieldAudienceSchema = z.strictObject({
  /** Everyone who can browse the project. */
  everyone: z.boolean(),
  /** The project's administrators (Jira's "Administer Projects" permission). */
  projectAdmins: z.boolean(),
  /** Project roles by id; the name is what the admin saw when choosing (roles can be renamed). */
  roles: z.array(z.strictObject({ id: z.number().int().positive(), name: jiraName })).max(FIELD_AUDIENCE_LIMITS.roles),
  /** Groups by id, with the name the admin saw. */
  groups: z.array(z.strictObject({ id: z.string().trim().min(1).max(128), name: jiraName })).max(FIELD_AUDIENCE_LIMITS.groups),
  /** People by Atlassian account id. */
  users: z.array(z.string().trim().min(1).max(128)).max(FIELD_AUDIENCE_LIMITS.users),
});
export type FieldAudience = z.infer<typeof fieldAudienceSchema>;

export const fieldAccessSchema = z.strictObject({ view: fieldAudienceSchema, edit: fieldAudienceSchema });
export type FieldAccess = z.infer<typeof fieldAccessSchema>;

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
