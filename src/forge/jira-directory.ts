import { asUser, route } from '@forge/api';
import { z } from 'zod';
import { AppError } from '../app/app-error';
import type { JiraDirectory } from '../app/ports';
import { jiraHttp } from './jira-http';

const GROUP_PICKER_LIMIT = 20;

const roleList = z.array(z.object({ id: z.number().int().positive(), name: z.string().min(1), description: z.string().optional() }));
const foundGroups = z.object({ groups: z.array(z.object({ name: z.string().min(1), groupId: z.string().min(1).nullable().optional() })).optional() });

/**
 * Project roles and groups as the user of the invocation sees them (the admin page's audience
 * pickers). The jira-http rules: 5xx, 429 and network failures are UNAVAILABLE; a refusal says
 * which Jira permission is missing.
 */
export function createJiraDirectory(): JiraDirectory {
  const jira = asUser();
  const { request, body } = jiraHttp();
  return {
    async listProjectRoles() {
      const what = 'the list of project roles';
      const response = await request(what, () => jira.requestJira(route`/rest/api/3/role`));
      if (response.status === 403) throw new AppError('FORBIDDEN', 'Jira did not list its project roles for you: that needs the "Administer Jira" permission.');
      const roles = await body(what, response, roleList);
      return roles
        .map((r) => ({ id: r.id, name: r.name, ...(r.description ? { description: r.description } : {}) }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async searchGroups(query) {
      const what = 'the group search';
      const response = await request(what, () => jira.requestJira(route`/rest/api/3/groups/picker?query=${query}&maxResults=${GROUP_PICKER_LIMIT}`));
      if (response.status === 403) throw new AppError('FORBIDDEN', 'You do not have permission to search Jira groups. Ask a Jira admin for the "Browse users and groups" permission.');
      const found = await body(what, response, foundGroups);
      // A group without an id (older sites) cannot be named in a rule: rules hold ids.
      return (found.groups ?? []).flatMap((g) => (g.groupId ? [{ id: g.groupId, name: g.name }] : [])).slice(0, GROUP_PICKER_LIMIT);
    },
  };
}
