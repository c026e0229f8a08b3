import { asApp, route } from '@forge/api';
import { z } from 'zod';
import { AppError } from '../app/app-error';
import type { JiraAsUser, ProjectAccess } from '../app/ports';
import { getUsersInBatches, grantedProjects, isActivePerson, jiraHttp, jiraUser, lookUpProject, permissionCheck, searchProjectRefs, toUserSummary } from './jira-http';

type PermissionAnswer = z.infer<typeof permissionCheck>;

/**
 * The site refused the app's permission check naming another account (401 or 403): Jira's
 * reference asks Administer Jira to check other users' permissions, and whether a Forge app's
 * `asApp()` has that is not documented. Then no token can be judged, for anyone: the management
 * API answers 503 with this message (not a 403 that blames the token's creator), and the cause
 * is logged once per container. README "Before going live" says how to check a site.
 */
export const PERMISSION_CHECK_REFUSED_MESSAGE =
  "This Jira site refused the app's permission check of an API token's creator (POST /rest/api/3/permissions/check as the app, naming their account), " +
  'so no API token can be checked and the management API is unavailable on this site. Nothing was done. A site admin can see the app log; ' +
  'the README section "Before going live" describes the check.';

let refusalLogged = false;

function permissionCheckRefused(status: number): AppError {
  if (!refusalLogged) {
    refusalLogged = true;
    console.error(`management API: Jira answered HTTP ${status} to POST /rest/api/3/permissions/check as the app naming another account; API tokens cannot be checked on this site until it allows that check (logged once per container)`);
  }
  return new AppError('UNAVAILABLE', PERMISSION_CHECK_REFUSED_MESSAGE);
}

/**
 * Jira for a web trigger request, which has no user: the app asks Jira about `accountId` (the API
 * token's creator) with `asApp()` and `POST /rest/api/3/permissions/check` naming that account,
 * so every request is judged by what that person may do in Jira *now* (a demoted admin's token
 * stops working at once). The same rules as `createJiraAsUser`: 5xx, 429 and network failures are
 * UNAVAILABLE, bodies are parsed, permissions fail closed.
 */
export function createJiraAsApp(accountId: string): JiraAsUser {
  const jira = asApp();
  const http = jiraHttp();
  const { request, body } = http;

  /**
   * What `accountId` holds. The account being unknown (400, 404: deleted, or not on this site)
   * is "nothing", so every permission fails closed. The site refusing the check itself (401,
   * 403) says nothing about the account: it is an error naming the cause.
   */
  async function check(what: string, globalPermissions: string[], projectPermissions: { permissions: string[]; projects: number[] }[]): Promise<PermissionAnswer> {
    const response = await request(what, () =>
      jira.requestJira(route`/rest/api/3/permissions/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ accountId, globalPermissions, projectPermissions }),
      }),
    );
    if (response.status === 400 || response.status === 404) return {};
    if (response.status === 401 || response.status === 403) throw permissionCheckRefused(response.status);
    return body(what, response, permissionCheck);
  }

  return {
    async isJiraAdmin() {
      const answer = await check('the admin permission check of the API token owner', ['ADMINISTER'], []);
      return answer.globalPermissions?.includes('ADMINISTER') === true;
    },

    async projectAccess(projectKeyOrId): Promise<ProjectAccess | undefined> {
      const ref = await lookUpProject(jira, http, projectKeyOrId);
      if (!ref) return undefined;
      const answer = await check(`the permission check on ${ref.key}`, ['ADMINISTER'], [{ permissions: ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'], projects: [ref.id] }]);
      const canBrowse = grantedProjects(answer, 'BROWSE_PROJECTS').has(ref.id);
      const isAdmin = answer.globalPermissions?.includes('ADMINISTER') === true;
      // The app sees every project; one the owner cannot browse is "not there" for them.
      if (!canBrowse) return undefined;
      const isProjectAdmin = grantedProjects(answer, 'ADMINISTER_PROJECTS').has(ref.id);
      return { project: ref, canBrowse, canEdit: isAdmin || isProjectAdmin, isJiraAdmin: isAdmin, isProjectAdmin };
    },

    async searchProjects(query) {
      const found = await searchProjectRefs(jira, http, query);
      if (found.length === 0) return [];
      const browsable = grantedProjects(await check('the browse check of the project search', [], [{ permissions: ['BROWSE_PROJECTS'], projects: found.map((p) => p.id) }]), 'BROWSE_PROJECTS');
      return found.filter((p) => browsable.has(p.id));
    },

    async myself() {
      const what = 'the lookup of the API token owner';
      return toUserSummary(await body(what, await request(what, () => jira.requestJira(route`/rest/api/3/user?accountId=${accountId}`)), jiraUser));
    },

    async searchUsers(query) {
      const what = 'the user search';
      const users = await body(what, await request(what, () => jira.requestJira(route`/rest/api/3/user/search?query=${query}&maxResults=20`)), z.array(jiraUser));
      return users.filter(isActivePerson).map(toUserSummary);
    },

    getUsers: (accountIds) => getUsersInBatches(jira, http, accountIds),
  };
}
