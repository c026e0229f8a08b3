import { makeResolver } from '@forge/resolver';
import type { Request } from '@forge/resolver';
import { AppError } from '../app/app-error';
import { countFieldUsage, createField, deleteField, loadFieldCatalog, updateField } from '../app/field-catalog';
import { getProjectFields, saveProjectFields } from '../app/project-fields';
import { getSession, requireJiraAdmin } from '../app/session';
import { forgeDeps } from '../forge/composition';
import type { ResolverDefs, ResolverResult, ResolverValue as Value } from '../shared/resolver-contract';
import { describeIssues } from '../shared/describe-issues';
import { resolverPayloadSchemas } from '../shared/resolver-schemas';
import type { z } from 'zod';

type Deps = ReturnType<typeof forgeDeps>;
type Payload<K extends keyof ResolverDefs> = z.output<(typeof resolverPayloadSchemas)[K]>;

/**
 * Every resolver goes through here: the user is the platform's principal (never an id from the
 * payload), admin operations check the admin first, the payload is parsed before the use case, expected failures become `ok: false`
 * values, and unknown errors are rethrown so the platform records them (the UI then only sees
 * that the call failed, never a stack trace).
 */
function handle<K extends keyof ResolverDefs>(name: K, run: (deps: Deps, payload: Payload<K>) => Promise<Value<K>>, options: { adminOnly?: boolean } = {}) {
  return async (request: Request): Promise<ResolverResult<Value<K>>> => {
    const accountId: unknown = request.context.accountId;
    if (typeof accountId !== 'string' || accountId === '') return { ok: false, error: { code: 'FORBIDDEN', message: 'Sign in to Jira to use Projectrak.' } };
    const deps = forgeDeps(accountId);
    try {
      // Admin operations check the admin first: nothing about them runs or answers for others.
      if (options.adminOnly) await requireJiraAdmin(deps.jira);
      const parsed = resolverPayloadSchemas[name].safeParse(request.payload);
      if (!parsed.success) return { ok: false, error: { code: 'INVALID_INPUT', message: `Invalid request to ${name}: ${describeIssues(parsed.error)}` } };
      return { ok: true, value: await run(deps, parsed.data as Payload<K>) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toResolverError() };
      throw error;
    }
  };
}

const adminOnly = { adminOnly: true } as const;

export const resolver = makeResolver<ResolverDefs>({
  getSession: handle('getSession', (deps) => getSession(deps.jira, deps.accountId)),

  listFieldDefinitions: handle('listFieldDefinitions', async (deps) => ({ fields: [...(await loadFieldCatalog(deps.catalog)).fields] })),

  createField: handle('createField', (deps, input) => createField(deps, input), adminOnly),

  updateField: handle('updateField', (deps, input) => updateField(deps, input), adminOnly),

  countFieldUsage: handle('countFieldUsage', (deps, input) => countFieldUsage(deps, input.id), adminOnly),

  deleteField: handle('deleteField', (deps, input) => deleteField(deps, input.id), adminOnly),

  getProjectFields: handle('getProjectFields', (deps, input) => getProjectFields(deps, input.projectKey)),

  saveProjectFields: handle('saveProjectFields', (deps, input) => saveProjectFields(deps, input)),

  searchUsers: handle('searchUsers', async (deps, input) => ({ users: input.query.trim() === '' ? [] : await deps.jira.searchUsers(input.query.trim()) })),

  getUsers: handle('getUsers', async (deps, input) => ({ users: await deps.jira.getUsers(input.accountIds) })),
});
