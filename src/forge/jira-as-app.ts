import { asApp, route } from '@forge/api';
import { z } from 'zod';
import type { JiraAsUser, ProjectAccess } from '../app/ports';
import { getUsersInBatches, grantedProjects, isActivePerson, jiraHttp, jiraUser, lookUpProject, permissionCheck, searchProjectRefs, toUserSummary } from './jira-http';

type PermissionAnswer = z.infer<typeof permissionCheck>;

/**
 * Jira for a web trigger request, which has no user: the app asks Jira about `accountId` (the API
 * token's creator) with `asApp()` and `POST /rest/api/3/permissions/check` naming that account,
 * so every request is judged by what that person may do in Jira *now* (a demoted admin's token
 * stops working at once). The same rules as `createJiraAsUser`: 5xx, 429 and network failures are
 * UNAVAILABLE, bodies are parsed, permissions fail closed.
 */
export function createJiraAsApp(accountId: string): JiraAsUser {
  const jira = asApp();

  const { request, body } = jiraHttp(jira);

  /** What `accountId` holds; a clear refusal (e.g. the account no longer exists) is "nothing". */
  async function check(what: string, globalPermissions: string[], projectPermissions: { permissions: string[]; projects: number[] }[]): Promise<PermissionAnswer> {
    const response = await request(what, route`/rest/api/3/permissions/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ accountId, globalPermissions, projectPermissions }),
    });
    if (response.status === 400 || response.status === 401 || response.status === 403 || response.status === 404) return {};
    return body(what, response, permissionCheck);
  }

  return {
    async isJiraAdmin() {
      const answer = await check('the admin permission check of the API token owner', ['ADMINISTER'], []);
      return answer.globalPermissions?.includes('ADMINISTER') === true;
    },

    async projectAccess(projectKeyOrId): Promise<ProjectAccess | undefined> {
      const ref = await lookUpProject({ request, body }, projectKeyOrId);
      if (!ref) return undefined;
      const answer = await check(`the permission check on ${ref.key}`, ['ADMINISTER'], [{ permissions: ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'], projects: [ref.id] }]);
      const canBrowse = grantedProjects(answer, 'BROWSE_PROJECTS').has(ref.id);
      const isAdmin = answer.globalPermissions?.includes('ADMINISTER') === true;
      // The app sees every project; one the owner cannot browse is "not there" for them.
      if (!canBrowse) return undefined;
      return { project: ref, canBrowse, canEdit: isAdmin || grantedProjects(answer, 'ADMINISTER_PROJECTS').has(ref.id) };
    },

    async searchProjects(query) {
      const found = await searchProjectRefs({ request, body }, query);
      if (found.length === 0) return [];
      const browsable = grantedProjects(await check('the browse check of the project search', [], [{ permissions: ['BROWSE_PROJECTS'], projects: found.map((p) => p.id) }]), 'BROWSE_PROJECTS');
      return found.filter((p) => browsable.has(p.id));
    },

    async myself() {
      const what = 'the lookup of the API token owner';
      return toUserSummary(await body(what, await request(what, route`/rest/api/3/user?accountId=${accountId}`), jiraUser));
    },

    async searchUsers(query) {
      const what = 'the user search';
      const users = await body(what, await request(what, route`/rest/api/3/user/search?query=${query}&maxResults=20`), z.array(jiraUser));
      return users.filter(isActivePerson).map(toUserSummary);
    },

    getUsers: (accountIds) => getUsersInBatches({ request, body }, accountIds),
  };
}
