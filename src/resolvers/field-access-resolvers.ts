import { createJiraDirectory } from '../forge/jira-directory';
import { adminOnly, handle } from './handle';

/**
 * What the field form offers when a Jira admin chooses who sees and edits a field's values: the
 * site's project roles and its groups, asked of Jira as the admin. Admins only, checked first.
 */
export const fieldAccessResolvers = {
  listProjectRoles: handle('listProjectRoles', async () => ({ roles: await createJiraDirectory().listProjectRoles() }), adminOnly),
  searchGroups: handle('searchGroups', async (_deps, input) => ({ groups: await createJiraDirectory().searchGroups(input.query.trim()) }), adminOnly),
};
