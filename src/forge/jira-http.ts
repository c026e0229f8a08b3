import { route, type asUser } from '@forge/api';
import { z } from 'zod';
import { AppError } from '../app/app-error';
import type { UserSummary } from '../app/ports';
import type { ProjectRefRecord } from '../domain/records';
import { describeIssues } from '../shared/describe-issues';

/**
 * What Jira as the user (`jira-as-user.ts`) and Jira as the app for an API token's creator
 * (`jira-as-app.ts`) share: one rule for answers, and the shapes of Jira's bodies, parsed.
 */

/** Users are looked up in batches so no request URL grows past what proxies accept. */
export const USER_BATCH = 50;

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

export const jiraUser = z.object({
  accountId: z.string().min(1),
  displayName: z.string().optional(),
  accountType: z.string().optional(),
  active: z.boolean().optional(),
  avatarUrls: z.record(z.string(), z.string()).optional(),
});
export type JiraUser = z.infer<typeof jiraUser>;

/** Jira sends project ids as strings of digits. */
export const jiraProject = z.object({ id: z.string().regex(/^\d+$/).or(z.number().int()), key: z.string().min(1), name: z.string() });
export const permissionCheck = z.object({
  globalPermissions: z.array(z.string()).optional(),
  projectPermissions: z.array(z.object({ permission: z.string(), projects: z.array(z.union([z.number(), z.string()])).optional() })).optional(),
});
export const userBulk = z.object({ values: z.array(jiraUser) });

export const toUserSummary = (u: JiraUser): UserSummary => ({
  accountId: u.accountId,
  displayName: u.displayName ?? u.accountId,
  ...(u.avatarUrls?.['48x48'] ? { avatarUrl: u.avatarUrls['48x48'] } : {}),
});

/** Only real people show in pickers: no apps, no deactivated accounts. */
export const isActivePerson = (u: JiraUser): boolean => u.active !== false && (u.accountType ?? 'atlassian') === 'atlassian';

/** `asUser()` or `asApp()` of `@forge/api`. */
export type Requester = Pick<ReturnType<typeof asUser>, 'requestJira'>;
export type JiraResponse = Awaited<ReturnType<Requester['requestJira']>>;

/**
 * `request`: the response, or UNAVAILABLE when Jira could not be reached or did not answer.
 * `body`: the parsed body of a successful answer; anything else Jira said is unexpected here.
 *
 * Every call site passes its own literal `jira.requestJira(route\`/rest/api/3/...\`, { method })`
 * in a function: `forge lint` finds the endpoints (and the scopes they need) only in such calls,
 * and test/jira-endpoint-scopes.test.ts checks each against the manifest's scopes.
 */
export function jiraHttp() {
  async function request(what: string, call: () => Promise<JiraResponse>): Promise<JiraResponse> {
    let response: JiraResponse;
    try {
      response = await call();
    } catch (error) {
      throw jiraUnavailable(what, error instanceof Error ? error.message : String(error), error);
    }
    if (response.status === 429 || response.status >= 500) throw jiraUnavailable(what, `HTTP ${response.status}`);
    return response;
  }

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

  return { request, body };
}

export type JiraHttp = ReturnType<typeof jiraHttp>;

/** Users by account id, in batches so no request URL grows past what proxies accept. */
export async function getUsersInBatches(jira: Requester, http: JiraHttp, accountIds: readonly string[]): Promise<UserSummary[]> {
  const what = 'the user lookup';
  const found: UserSummary[] = [];
  for (let start = 0; start < accountIds.length; start += USER_BATCH) {
    const params = new URLSearchParams();
    for (const id of accountIds.slice(start, start + USER_BATCH)) params.append('accountId', id);
    params.set('maxResults', String(USER_BATCH));
    const answer = await http.body(what, await http.request(what, () => jira.requestJira(route`/rest/api/3/user/bulk?${params}`)), userBulk);
    found.push(...answer.values.map(toUserSummary));
  }
  return found;
}

/** A project by key or id; undefined when Jira says it is not there or not for this caller (404, 403, 401). */
export async function lookUpProject(jira: Requester, http: JiraHttp, projectKeyOrId: string): Promise<ProjectRefRecord | undefined> {
  const what = `the project lookup of ${projectKeyOrId}`;
  const response = await http.request(what, () => jira.requestJira(route`/rest/api/3/project/${projectKeyOrId}`));
  if (response.status === 404 || response.status === 403 || response.status === 401) return undefined;
  const project = await http.body(what, response, jiraProject);
  return { id: Number(project.id), key: project.key, name: project.name };
}

/** Projects whose key or name matches `query`, the first 50 Jira lists for this caller. */
export async function searchProjectRefs(jira: Requester, http: JiraHttp, query: string): Promise<ProjectRefRecord[]> {
  const what = 'the project search';
  const answer = await http.body(what, await http.request(what, () => jira.requestJira(route`/rest/api/3/project/search?query=${query}&maxResults=50`)), z.object({ values: z.array(jiraProject) }));
  return answer.values.map((p) => ({ id: Number(p.id), key: p.key, name: p.name }));
}

/** The projects a permission check answered `permission` for. */
export function grantedProjects(answer: z.infer<typeof permissionCheck>, permission: string): Set<number> {
  return new Set((answer.projectPermissions ?? []).filter((p) => p.permission === permission).flatMap((p) => (p.projects ?? []).map(Number)));
}
