import type { WebhookResolverDefs } from './webhooks-contract';
import type { ApiTokenResolverDefs } from './api-tokens-contract';

import type { z } from 'zod';
import type { resolverPayloadSchemas } from './resolver-schemas';
import type { FieldTypeId } from './field-types';
import type { ResolverResult } from './result';
import type { FieldAccess } from './field-access';

/**
 * The one contract between the Custom UI (`static/`) and the resolver function (`src/resolvers/`).
 * The backend implements it with `makeResolver<ResolverDefs>`, the UI calls it with
 * `makeInvoke<ResolverDefs>()`, so the two cannot drift apart.
 *
 * Expected failures come back as values (`ok: false` with a code and a message for people);
 * unexpected ones are thrown by the backend so the platform records them, and reach the UI as
 * a rejected `invoke`.
 */

export { FIELD_TYPES, type FieldTypeId } from './field-types';

export interface FieldOptionDto {
  readonly id: number;
  readonly name: string;
  readonly colour: string;
  readonly enabled: boolean;
  /** Set by the admin apart from the name; clients may name the option by it, webhooks send the name. */
  readonly valueId?: string;
}

export interface FieldDefinitionDto {
  readonly id: number;
  readonly name: string;
  readonly type: FieldTypeId;
  readonly description?: string;
  readonly options?: readonly FieldOptionDto[];
  readonly decimals?: number;
  /** Number and formula fields: shown around the value, never sent to webhooks. */
  readonly prefix?: string;
  readonly suffix?: string;
  /** Formula fields: the expression, other fields named in braces. */
  readonly expression?: string;
  /** Who sees and edits its values; only in the admin's list, and only when not the default. */
  readonly access?: FieldAccess;
}

/** A project role of the site (the same list in every project). */
export interface ProjectRoleDto {
  readonly id: number;
  readonly name: string;
  readonly description?: string;
}

/** A Jira group, by its id (names can change). */
export interface GroupDto {
  readonly id: string;
  readonly name: string;
}

/**
 * A field value as the UI edits it and the backend stores it:
 * text/textarea/date (`yyyy-mm-dd`)/user: string; number/duration (ms): number;
 * list/status/priority: option id; multilist: option ids; multiuser: account ids; project: a
 * project key, multiproject: keys; empty: null (or [] for multi types). Computed fields (formula,
 * updated, created, creator) come as their text in payload format and are never sent back.
 */
export type FieldValueDto = string | number | readonly number[] | readonly string[] | null;

export interface ProjectRef {
  readonly id: number;
  readonly key: string;
  readonly name: string;
}

export interface UserDto {
  readonly accountId: string;
  readonly displayName: string;
  readonly avatarUrl?: string;
}

export type { ErrorCode, ResolverError, ResolverResult } from './result';

export interface SessionDto {
  readonly accountId: string;
  readonly displayName: string;
  readonly isJiraAdmin: boolean;
  readonly appVersion: string;
}

export interface ProjectFieldsView {
  readonly project: ProjectRef;
  /** Whether this person may edit any field here. */
  readonly canEdit: boolean;
  /** The fields this person may edit (field values security); the others are shown read-only. Absent from older answers: all, when `canEdit`. */
  readonly editableFieldIds?: readonly number[];
  /** Per-project counter, +1 on every saved change; a save names the revision it was based on. */
  readonly revision: number;
  readonly fields: readonly FieldDefinitionDto[];
  /** Keyed by field id (as a string). Missing means empty. */
  readonly values: Readonly<Record<string, FieldValueDto>>;
  /** The kind of each formula's result by field id (number, duration or date), to show it. */
  readonly formulaKinds?: Readonly<Record<string, 'number' | 'duration' | 'date'>>;
}

/**
 * What the project page shows (`getProjectFields`): the fields and values, and the names of the
 * people the values mention (user, multiuser and creator fields), so the page needs no second call
 * for them. `users` is empty when Jira would not say (the page then shows "Unknown user").
 */
export interface ProjectPageView extends ProjectFieldsView {
  readonly users: readonly UserDto[];
}

export interface SaveProjectFieldsOutcome {
  readonly revision: number;
  /** Ids of the fields whose value really changed; empty when the save changed nothing. */
  readonly changedFieldIds: readonly number[];
}

/**
 * What the UI sends, derived from the schemas the backend parses it with (`resolver-schemas.ts`),
 * so the two cannot disagree.
 */
export type ResolverInput<K extends keyof typeof resolverPayloadSchemas> = z.input<(typeof resolverPayloadSchemas)[K]>;
export type SaveProjectFieldsInput = ResolverInput<'saveProjectFields'>;
export type CreateFieldInput = ResolverInput<'createField'>;
/** The type of a field never changes; everything else may. */
export type UpdateFieldInput = ResolverInput<'updateField'>;
/** An option as sent: without an id for a new option (the server assigns ids). */
export type FieldOptionInput = NonNullable<CreateFieldInput['options']>[number];

export interface DeleteFieldOutcome {
  readonly id: number;
  /** How many projects had a value for the field; a queued cleanup removes those values. */
  readonly projectsWithValues: number;
}

/** The removal of a deleted field's values, running or finished lately. */
export interface FieldCleanupDto {
  readonly fieldId: number;
  readonly fieldName: string;
  /** Projects holding a value when the delete was confirmed. */
  readonly projectsWithValues: number;
  readonly projectsCleaned: number;
  readonly startedAt: number;
  /** null while values are still being removed. */
  readonly finishedAt: number | null;
}

export type ResolverDefs = WebhookResolverDefs & ApiTokenResolverDefs & {
  getSession: () => ResolverResult<SessionDto>;
  listFieldDefinitions: () => ResolverResult<{ fields: FieldDefinitionDto[] }>;
  createField: (input: CreateFieldInput) => ResolverResult<FieldDefinitionDto>;
  updateField: (input: UpdateFieldInput) => ResolverResult<FieldDefinitionDto>;
  /** Answers how many projects hold values, so the UI can say so in the confirmation. */
  countFieldUsage: (input: ResolverInput<'countFieldUsage'>) => ResolverResult<{ id: number; projectsWithValues: number }>;
  deleteField: (input: ResolverInput<'deleteField'>) => ResolverResult<DeleteFieldOutcome>;
  /** Cleanups of deleted fields' values, newest first: running ones and those finished lately. */
  listFieldCleanups: () => ResolverResult<{ cleanups: FieldCleanupDto[] }>;
  getProjectFields: (input: ResolverInput<'getProjectFields'>) => ResolverResult<ProjectPageView>;
  saveProjectFields: (input: SaveProjectFieldsInput) => ResolverResult<SaveProjectFieldsOutcome>;
  searchUsers: (input: ResolverInput<'searchUsers'>) => ResolverResult<{ users: UserDto[] }>;
  /** Projects the user can browse whose key or name contains the query: what a related-projects field offers. */
  searchBrowsableProjects: (input: ResolverInput<'searchBrowsableProjects'>) => ResolverResult<{ projects: ProjectRef[] }>;
  getUsers: (input: ResolverInput<'getUsers'>) => ResolverResult<{ users: UserDto[] }>;
  /** The site's project roles, to choose who sees or edits a field (admins). */
  listProjectRoles: () => ResolverResult<{ roles: ProjectRoleDto[] }>;
  /** Jira groups whose name contains the query (empty: the first ones), to choose who sees or edits a field (admins). */
  searchGroups: (input: ResolverInput<'searchGroups'>) => ResolverResult<{ groups: GroupDto[] }>;
};

export type ResolverName = keyof ResolverDefs;

/** Every resolver has a payload schema and every schema a resolver: this line compiles only while that holds. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
export const EVERY_RESOLVER_HAS_A_SCHEMA: SameKeys<ResolverDefs, typeof resolverPayloadSchemas> = true;

/** What a resolver answers when it succeeds. The one definition; backend, UI and tests use it. */
export type ResolverValue<K extends ResolverName> = Extract<Awaited<ReturnType<ResolverDefs[K]>>, { ok: true }>['value'];
