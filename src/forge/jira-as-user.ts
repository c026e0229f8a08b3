import { asUser, route } from '@forge/api';
import { z } from 'zod';
import { AppError } from '../app/app-error';
import type { JiraAsUser, ProjectAccess, UserSummary } from '../app/ports';
import { describeIssues } from '../shared/describe-issues';

const USER_BATCH = 50;

/** Jira answered something the app cannot work with (a bug on one side): the entry point rethrows it. */
export class JiraRequestError extends Error {
  constructor(what: string, detail: string, options?: { cause?: unknown }) {
    super(`Jira's answer to ${what} was not usable: ${detail}`, options);
    this.name = 'JiraRequestError';
  }
}

/**
 * Jira did not answer (5xx, 429, a network failure): nothing is known, so nothing is decided.
 * It is an expected failure the UI shows with "Try again", never "no access" or "not found".
 */
export function jiraUnavailable(what: string, detail: string, cause?: unknown): AppError {
  return new AppError('UNAVAILABLE', `Jira did not answer ${what} (${detail}). Nothing was changed; try again in a moment.`, undefined, { cause });
}

const isTransient = (status: number) => status === 429 || status >= 500;

const jiraUser = z.object({
  accountId: z.string().min(1),
  displayName: z.string().optional(),
  accountType: z.string().optional(),
  active: z.boolean().optional(),
  avatarUrls: z.record(z.string(), z.string()).optional(),
});
type JiraUser = z.infer<typeof jiraUser>;

/** Jira sends project ids as strings of digits. */
const jiraProject = z.object({ id: z.string().regex(/^\d+$/).or(z.number().int()), key: z.string().min(1), name: z.string() });
const myPermissions = z.object({ permissions: z.record(z.string(), z.object({ havePermission: z.boolean().optional() })).optional() });
const permissionCheck = z.object({
  globalPermissions: z.array(z.string()).optional(),
  projectPermissions: z.array(z.object({ permission: z.string(), projects: z.array(z.union([z.number(), z.string()])).optional() })).optional(),
});
const userBulk = z.object({ values: z.array(jiraUser) });

const toUserSummary = (u: JiraUser): UserSummary => ({
  accountId: u.accountId,
  displayName: u.displayName ?? u.accountId,
  ...(u.avatarUrls?.['48x48'] ? { avatarUrl: u.avatarUrls['48x48'] } : {}),
});

type JiraResponse = Awaited<ReturnType<ReturnType<typeof asUser>['requestJira']>>;

/**
 * Jira as the user of the current invocation. One rule for every call: a clear 401/403/404 is
 * an answer ("no", "not there"), a 5xx, a 429 or a network failure is no answer at all and
 * becomes UNAVAILABLE (retryable), and every body is parsed before it is used. Permission
 * answers fail closed: anything but a clear "granted" is "no".
 */
export function createJiraAsUser(): JiraAsUser {
  const jira = asUser();

  /** The response, or UNAVAILABLE when Jira could not be reached or did not answer. */
  async function request(what: string, path: ReturnType<typeof route>, init?: Parameters<typeof jira.requestJira>[1]): Promise<JiraResponse> {
    let response: JiraResponse;
    try {
      response = await jira.requestJira(path, init);
    } catch (error) {
      throw jiraUnavailable(what, error instanceof Error ? error.message : String(error), error);
    }
    if (isTransient(response.status)) throw jiraUnavailable(what, `HTTP ${response.status}`);
    return response;
  }

  /** The parsed body of a successful answer; anything else Jira said is unexpected here. */
  async function body<S extends z.ZodType>(what: string, response: JiraResponse, schema: S): Promise<z.output<S>> {
    if (!response.ok) throw new JiraRequestError(what, `HTTP ${response.status}`);
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new JiraRequestError(what, 'the body is not JSON', { cause: error });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new JiraRequestError(what, describeIssues(parsed.error));
    return parsed.data;
  }

  return {
    async isJiraAdmin() {
      const what = 'the admin permission check';
      const response = await request(what, route`/rest/api/3/mypermissions?permissions=ADMINISTER`);
      if (response.status === 401 || response.status === 403) return false;
      const answer = await body(what, response, myPermissions);
      return answer.permissions?.ADMINISTER?.havePermission === true;
    },

    async projectAccess(projectKeyOrId): Promise<ProjectAccess | undefined> {
      const what = `the project lookup of ${projectKeyOrId}`;
      const projectResponse = await request(what, route`/rest/api/3/project/${projectKeyOrId}`);
      if (projectResponse.status === 404 || projectResponse.status === 403 || projectResponse.status === 401) return undefined;
      const project = await body(what, projectResponse, jiraProject);
      const ref = { id: Number(project.id), key: project.key, name: project.name };
      const checkWhat = `the permission check on ${project.key}`;
      const checkResponse = await request(checkWhat, route`/rest/api/3/permissions/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          globalPermissions: ['ADMINISTER'],
          projectPermissions: [{ permissions: ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'], projects: [ref.id] }],
        }),
      });
      // A clear refusal of the check itself is a "no"; a failure was thrown above.
      if (checkResponse.status === 401 || checkResponse.status === 403 || checkResponse.status === 404) return { project: ref, canBrowse: false, canEdit: false };
      const check = await body(checkWhat, checkResponse, permissionCheck);
      const granted = (permission: string) =>
        check.projectPermissions?.some((p) => p.permission === permission && (p.projects ?? []).map(Number).includes(ref.id)) === true;
      const isAdmin = check.globalPermissions?.includes('ADMINISTER') === true;
      const canBrowse = granted('BROWSE_PROJECTS');
      return { project: ref, canBrowse, canEdit: canBrowse && (isAdmin || granted('ADMINISTER_PROJECTS')) };
    },

    async searchProjects(query) {
      const what = 'the project search';
      const answer = await body(what, await request(what, route`/rest/api/3/project/search?query=${query}&maxResults=50`), z.object({ values: z.array(jiraProject) }));
      return answer.values.map((p) => ({ id: Number(p.id), key: p.key, name: p.name }));
    },

    async myself() {
      const what = 'the lookup of the signed-in user';
      return toUserSummary(await body(what, await request(what, route`/rest/api/3/myself`), jiraUser));
    },

    async searchUsers(query) {
      const what = 'the user search';
      const response = await request(what, route`/rest/api/3/user/search?query=${query}&maxResults=20`);
      // Without Jira's "Browse users and groups" permission the picker cannot search: say so.
      if (response.status === 403) throw new AppError('FORBIDDEN', 'You do not have permission to search Jira users. Ask a Jira admin for the "Browse users and groups" permission.');
      const users = await body(what, response, z.array(jiraUser));
      return users.filter((u) => u.active !== false && (u.accountType ?? 'atlassian') === 'atlassian').map(toUserSummary);
    },

    async getUsers(accountIds) {
      // Bulk lookups go in small batches so no request URL grows past what proxies accept.
      const what = 'the user lookup';
      const found: UserSummary[] = [];
      for (let start = 0; start < accountIds.length; start += USER_BATCH) {
        const params = new URLSearchParams();
        for (const id of accountIds.slice(start, start + USER_BATCH)) params.append('accountId', id);
        params.set('maxResults', String(USER_BATCH));
        const answer = await body(what, await request(what, route`/rest/api/3/user/bulk?${params}`), userBulk);
        found.push(...answer.values.map(toUserSummary));
      }
      return found;
    },
  };
}
