import { asUser, route } from '@forge/api';
import { z } from 'zod';
import { AppError } from '../app/app-error';
import type { JiraAsUser, ProjectAccess } from '../app/ports';
import { getUsersInBatches, grantedProjects, isActivePerson, jiraHttp, jiraUser, lookUpProject, permissionCheck, searchProjectRefs, toUserSummary } from './jira-http';

const myPermissions = z.object({ permissions: z.record(z.string(), z.object({ havePermission: z.boolean().optional() })).optional() });

/**
 * Jira as the user of the current invocation. One rule for every call: a clear 401/403/404 is
 * an answer ("no", "not there"), a 5xx, a 429 or a network failure is no answer at all and
 * becomes UNAVAILABLE (retryable), and every body is parsed before it is used. Permission
 * answers fail closed: anything but a clear "granted" is "no".
 */
export function createJiraAsUser(): JiraAsUser {
  const jira = asUser();
  const http = jiraHttp();
  const { request, body } = http;

  return {
    async isJiraAdmin() {
      const what = 'the admin permission check';
      const response = await request(what, () => jira.requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`));
      if (response.status === 401 || response.status === 403) return false;
      const answer = await body(what, response, myPermissions);
      return answer.permissions?.ADMINISTER?.havePermission === true;
    },

    async projectAccess(projectKeyOrId): Promise<ProjectAccess | undefined> {
      const ref = await lookUpProject(jira, http, projectKeyOrId);
      if (!ref) return undefined;
      const checkWhat = `the permission check on ${ref.key}`;
      const checkResponse = await request(checkWhat, () =>
        jira.requestJira(route`/rest/api/3/permissions/check`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            globalPermissions: ['ADMINISTER'],
            projectPermissions: [{ permissions: ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'], projects: [ref.id] }],
          }),
        }),
      );
      // A clear refusal of the check itself is a "no"; a failure was thrown above.
      if (checkResponse.status === 401 || checkResponse.status === 403 || checkResponse.status === 404) return { project: ref, canBrowse: false, canEdit: false, isJiraAdmin: false, isProjectAdmin: false };
      const check = await body(checkWhat, checkResponse, permissionCheck);
      const granted = (permission: string) => grantedProjects(check, permission).has(ref.id);
      const isAdmin = check.globalPermissions?.includes('ADMINISTER') === true;
      const canBrowse = granted('BROWSE_PROJECTS');
      const isProjectAdmin = canBrowse && granted('ADMINISTER_PROJECTS');
      return { project: ref, canBrowse, canEdit: canBrowse && (isAdmin || isProjectAdmin), isJiraAdmin: isAdmin, isProjectAdmin };
    },

    searchProjects: (query) => searchProjectRefs(jira, http, query),

    async myself() {
      const what = 'the lookup of the signed-in user';
      return toUserSummary(await body(what, await request(what, () => jira.requestJira(route`/rest/api/3/myself`)), jiraUser));
    },

    async searchUsers(query) {
      const what = 'the user search';
      const response = await request(what, () => jira.requestJira(route`/rest/api/3/user/search?query=${query}&maxResults=20`));
      // Without Jira's "Browse users and groups" permission the picker cannot search: say so.
      if (response.status === 403) throw new AppError('FORBIDDEN', 'You do not have permission to search Jira users. Ask a Jira admin for the "Browse users and groups" permission.');
      const users = await body(what, response, z.array(jiraUser));
      return users.filter(isActivePerson).map(toUserSummary);
    },

    getUsers: (accountIds) => getUsersInBatches(jira, http, accountIds),
  };
}
