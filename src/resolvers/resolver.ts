import { makeResolver } from '@forge/resolver';
import { countFieldUsage, createField, deleteField, loadFieldCatalog, updateField } from '../app/field-catalog';
import { listFieldCleanups } from '../app/field-cleanup';
import { getProjectPage, saveProjectFields } from '../app/project-fields';
import { getSession } from '../app/session';
import type { ResolverDefs } from '../shared/resolver-contract';
import { adminOnly, handle } from './handle';
import { webhookResolvers } from './webhook-resolvers';
import { apiTokenResolvers } from './api-token-resolvers';
import { fieldAccessResolvers } from './field-access-resolvers';

/**
 * The one resolver function of both Custom UI pages: every name of the shared contract, each
 * through `handle` (the platform's user, admin check first where marked, payload parsed).
 */
const handlers = {
  ...webhookResolvers,
  ...apiTokenResolvers,
  ...fieldAccessResolvers,

  getSession: handle('getSession', (deps) => getSession(deps.jira, deps.accountId)),

  listFieldDefinitions: handle('listFieldDefinitions', async (deps) => ({ fields: [...(await loadFieldCatalog(deps.catalog)).fields] })),

  createField: handle('createField', (deps, input) => createField(deps, input), adminOnly),

  updateField: handle('updateField', (deps, input) => updateField(deps, input), adminOnly),

  countFieldUsage: handle('countFieldUsage', (deps, input) => countFieldUsage(deps, input.id), adminOnly),

  deleteField: handle('deleteField', (deps, input) => deleteField(deps, input.id), adminOnly),

  listFieldCleanups: handle(
    'listFieldCleanups',
    async (deps) => ({
      cleanups: (await listFieldCleanups(deps)).map((job) => ({
        fieldId: job.fieldId,
        fieldName: job.fieldName,
        projectsWithValues: job.projectsWithValues,
        projectsCleaned: job.projectsCleaned,
        startedAt: job.startedAt,
        finishedAt: job.finishedAt ?? null,
      })),
    }),
    adminOnly,
  ),

  getProjectFields: handle('getProjectFields', (deps, input) => getProjectPage(deps, input.projectKey)),

  saveProjectFields: handle('saveProjectFields', (deps, input) => saveProjectFields(deps, input)),

  searchUsers: handle('searchUsers', async (deps, input) => ({ users: input.query.trim() === '' ? [] : await deps.jira.searchUsers(input.query.trim()) })),

  getUsers: handle('getUsers', async (deps, input) => ({ users: await deps.jira.getUsers(input.accountIds) })),

  // Jira answers as the user: only projects they can browse (what a related-projects field may hold).
  searchBrowsableProjects: handle('searchBrowsableProjects', async (deps, input) => ({ projects: await deps.jira.searchProjects(input.query.trim()) })),
} satisfies Parameters<typeof makeResolver<ResolverDefs>>[0];

const definitions = makeResolver<ResolverDefs>(handlers);

/**
 * `@forge/resolver` looks a `functionKey` up with `in`, so `constructor`, `toString` and every other
 * `Object.prototype` name "exist": `constructor` runs `Object(request)` and answers the call's
 * context, past every admin check. Only our own names reach it; any other is refused as the SDK
 * refuses an unknown one.
 */
export const resolver: typeof definitions = (request, runtime) => {
  const functionKey: unknown = (request as { call?: { functionKey?: unknown } } | undefined)?.call?.functionKey;
  if (typeof functionKey !== 'string' || !Object.hasOwn(handlers, functionKey)) {
    throw new Error(`Resolver has no definition for '${String(functionKey).slice(0, 100)}'.`);
  }
  return definitions(request, runtime);
};
