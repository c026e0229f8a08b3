import { asUser, route } from '@forge/api';
import { AppError } from '../app/app-error';
import type { JiraAsUser, ProjectAccess, UserSummary } from '../app/ports';

const USER_BATCH = 50;

/** Jira answered something the app cannot work with; the entry point rethrows it. */
export class JiraRequestError extends Error {
  constructor(what: string, status: number) {
    super(`Jira answered HTTP ${status} to ${what}`);
    this.name = 'JiraRequestError';
  }
}

interface JiraUser {
  accountId: string;
  displayName?: string;
  avatarUrls?: Record<string, string>;
}

const toUserSummary = (u: JiraUser): UserSummary => ({
  accountId: u.accountId,
  displayName: u.displayName ?? u.accountId,
  ...(u.avatarUrls?.['48x48'] ? { avatarUrl: u.avatarUrls['48x48'] } : {}),
});

/**
 * Jira as the user of the current invocation. Permission answers fail closed: anything but a
 * clear "granted" is "no".
 */
export function createJiraAsUser(): JiraAsUser {
  const jira = asUser();

  async function json<T>(what: string, response: { ok: boolean; status: number; json(): Promise<unknown> }): Promise<T> {
    if (!response.ok) throw new JiraRequestError(what, response.status);
    return (await response.json()) as T;
  }

  return {
    async isJiraAdmin() {
      const response = await jira.requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`);
      if (response.status === 401 || response.status === 403) return false;
      if (!response.ok) throw new JiraRequestError('the admin permission check', response.status);
      const body = (await response.json()) as { permissions?: Record<string, { havePermission?: boolean }> };
      return body.permissions?.ADMINISTER?.havePermission === true;
    },

    async projectAccess(projectKeyOrId): Promise<ProjectAccess | undefined> {
      const projectResponse = await jira.requestJira(route`/rest/api/3/project/${projectKeyOrId}`);
      if (projectResponse.status === 404 || projectResponse.status === 403) return undefined;
      const project = await json<{ id: string; key: string; name: string }>(`GET project ${projectKeyOrId}`, projectResponse);
      const checkResponse = await jira.requestJira(route`/rest/api/3/permissions/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          globalPermissions: ['ADMINISTER'],
          projectPermissions: [{ permissions: ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'], projects: [Number(project.id)] }],
        }),
      });
      const ref = { id: Number(project.id), key: project.key, name: project.name };
      if (!checkResponse.ok) return { project: ref, canBrowse: false, canEdit: false };
      const check = (await checkResponse.json()) as {
        globalPermissions?: string[];
        projectPermissions?: { permission: string; projects?: number[] }[];
      };
      const granted = (permission: string) =>
        check.projectPermissions?.some((p) => p.permission === permission && (p.projects ?? []).map(Number).includes(ref.id)) === true;
      const isAdmin = check.globalPermissions?.includes('ADMINISTER') === true;
      const canBrowse = granted('BROWSE_PROJECTS');
      return { project: ref, canBrowse, canEdit: canBrowse && (isAdmin || granted('ADMINISTER_PROJECTS')) };
    },

    async myself() {
      return toUserSummary(await json<JiraUser>('GET myself', await jira.requestJira(route`/rest/api/3/myself`)));
    },

    async searchUsers(query) {
      const response = await jira.requestJira(route`/rest/api/3/user/search?query=${query}&maxResults=20`);
      // Without Jira's "Browse users and groups" permission the picker cannot search: say so.
      if (response.status === 403) throw new AppError('FORBIDDEN', 'You do not have permission to search Jira users. Ask a Jira admin for the "Browse users and groups" permission.');
      const users = await json<(JiraUser & { accountType?: string; active?: boolean })[]>('user search', response);
      return users.filter((u) => u.active !== false && (u.accountType ?? 'atlassian') === 'atlassian').map(toUserSummary);
    },

    async getUsers(accountIds) {
      // Bulk lookups go in small batches so no request URL grows past what proxies accept.
      const found: UserSummary[] = [];
      for (let start = 0; start < accountIds.length; start += USER_BATCH) {
        const params = new URLSearchParams();
        for (const id of accountIds.slice(start, start + USER_BATCH)) params.append('accountId', id);
        params.set('maxResults', String(USER_BATCH));
        const body = await json<{ values: JiraUser[] }>('user bulk', await jira.requestJira(route`/rest/api/3/user/bulk?${params}`));
        found.push(...body.values.map(toUserSummary));
      }
      return found;
    },
  };
}
