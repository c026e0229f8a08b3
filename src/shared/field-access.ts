import { z } from 'zod';
import { FIELD_AUDIENCE_LIMITS } from './field-audience-words';

/**
 * Field values security (Projectrak's): per field, who may see its values and who may edit them.
 * An audience is any of: everyone who can browse the project, the project's administrators,
 * project roles, groups (both as Jira has them) and specific people. Jira admins are always in
 * both. Only people who can browse the project are ever in one, and an editor must be a viewer too.
 * Shared by the app and the admin page.
 */

// The plain values and words are in a module without zod, so the admin page's field list and form
// use them without loading zod; they are exported from here too.
export { DEFAULT_FIELD_ACCESS, describeAudience, FIELD_AUDIENCE_LIMITS, isDefaultFieldAccess, NOBODY } from './field-audience-words';

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
