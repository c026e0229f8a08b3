import { randomUUID } from 'node:crypto';
import { jsonResponse, type PlatformRequest, type PlatformService } from '../forge-seam';
import { APP_USER, DEMO_PROJECTS, DEMO_SITE, DEMO_USERS, type JiraProjectRecord, type JiraUserRecord, type ProjectTypeKey } from './demo-site';
import {
  DEFAULT_GLOBAL_PERMISSIONS,
  describePermission,
  GLOBAL_PERMISSIONS,
  isGlobalPermission,
  isProjectPermission,
  PROJECT_PERMISSIONS,
  ROLE_PERMISSIONS,
  type GlobalPermissionKey,
  type PermissionKey,
  type ProjectPermissionKey,
  type ProjectRole,
} from './permissions';
import { JSON_HEADERS, jiraErrorBody, projectJson, projectListJson, userJson, userListJson, type ShapeContext } from './rest-shapes';

/**
 * A small Jira Cloud REST API v3 stand-in, served to the unmodified `@forge/api` behind
 * `__forge_fetch__` (`{type:'fpp', remote:'jira'}`):
 * - `asUser().requestJira(...)` (provider `user`) acts as `options.accountId ?? invocation.accountId`;
 *   an unknown, missing or deactivated account gets 401;
 * - `asApp().requestJira(...)` (provider `app`) acts as the app's account, which sees everything;
 * - the bare `requestJira(...)` (provider `none`) is anonymous: it browses nothing.
 * State is in memory, seeded from `DEMO_SITE` on every start.
 *
 * Permission model (one permission scheme for all projects): a user's project permissions are
 * those of their role in the project (`ROLE_PERMISSIONS`); holders of the global ADMINISTER
 * permission have every project permission in every project (on this site the Jira admins are
 * in each project's Administrators role).
 */

export type ProjectEventType = 'avi:jira:created:project' | 'avi:jira:updated:project' | 'avi:jira:deleted:project';

/** A Forge product event for a project, ready for `runtime.emitProductEvent(eventType, payload)`. */
export interface ProjectEvent {
  readonly eventType: ProjectEventType;
  readonly payload: {
    readonly project: {
      readonly id: string;
      readonly key: string;
      readonly name: string;
      readonly projectTypeKey: ProjectTypeKey;
      readonly simplified: boolean;
      readonly projectLead: { readonly accountId: string };
    };
    readonly atlassianId?: string;
  };
}

export function projectEvent(eventType: ProjectEventType, project: JiraProjectRecord, atlassianId?: string): ProjectEvent {
  return {
    eventType,
    payload: {
      project: { id: String(project.id), key: project.key, name: project.name, projectTypeKey: project.projectTypeKey, simplified: false, projectLead: { accountId: project.leadAccountId } },
      ...(atlassianId ? { atlassianId } : {}),
    },
  };
}

/** One request the stand-in answered (for tests and the host's inspection). */
export interface JiraCall {
  readonly provider: string;
  /** Account the call acted as; null when anonymous or refused before an account was known. */
  readonly actingAs: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface NewJiraUser {
  readonly displayName: string;
  readonly emailAddress: string;
  readonly accountId?: string;
  readonly accountType?: JiraUserRecord['accountType'];
  readonly active?: boolean;
  readonly timeZone?: string;
  readonly locale?: string;
  readonly globalPermissions?: readonly GlobalPermissionKey[];
  readonly label?: string;
}

export interface NewJiraProject {
  readonly key: string;
  readonly name: string;
  /** Default: the next free id (ids are never reused). */
  readonly id?: number;
  readonly description?: string;
  readonly projectTypeKey?: ProjectTypeKey;
  readonly leadAccountId: string;
  readonly roles?: Readonly<Record<string, ProjectRole>>;
}

export interface ProjectChange {
  readonly key?: string;
  readonly name?: string;
  readonly description?: string;
  readonly leadAccountId?: string;
  readonly projectTypeKey?: ProjectTypeKey;
}

export interface JiraStandInOptions {
  /** Base URL used in `self` links (never fetched). Default `https://jira.localhost`. */
  readonly siteUrl?: string;
  readonly users?: readonly JiraUserRecord[];
  readonly projects?: readonly JiraProjectRecord[];
  readonly appUser?: JiraUserRecord;
}

type Actor = { readonly kind: 'user' | 'app'; readonly user: JiraUserRecord } | { readonly kind: 'anonymous' };

interface Ctx {
  readonly actor: Actor;
  readonly method: string;
  readonly url: URL;
  readonly q: URLSearchParams;
  readonly request: PlatformRequest;
}

type Handler = (ctx: Ctx, params: readonly string[]) => Response;

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;
const MAX_CALLS_KEPT = 500;

const respond = (status: number, body: unknown) => jsonResponse(status, body, JSON_HEADERS);
const fail = (status: number, messages: string | readonly string[], errors: Readonly<Record<string, string>> = {}) => respond(status, jiraErrorBody(messages, errors));
const unauthenticated = () => fail(401, 'Client must be authenticated to access this resource.');

export function createJiraStandIn(options: JiraStandInOptions = {}) {
  const siteUrl = (options.siteUrl ?? 'https://jira.localhost').replace(/\/+$/, '');
  const shapes: ShapeContext = { apiBase: `${siteUrl}/rest/api/3` };
  const appUser = options.appUser ?? APP_USER;
  const seedUsers = options.users ?? Object.values(DEMO_USERS);
  const seedProjects = options.projects ?? Object.values(DEMO_PROJECTS);

  let users = new Map<string, JiraUserRecord>();
  let projects = new Map<number, JiraProjectRecord>();
  let nextProjectId = 0;
  const calls: JiraCall[] = [];
  const listeners = new Set<(event: ProjectEvent) => void>();

  function reset(): void {
    users = new Map([appUser, ...seedUsers].map((u) => [u.accountId, u]));
    projects = new Map(seedProjects.map((p) => [p.id, p]));
    nextProjectId = Math.max(10000, ...seedProjects.map((p) => p.id)) + 1;
    calls.length = 0;
  }
  reset();

  // ---- lookups and permissions -------------------------------------------------------------

  function findProject(idOrKey: string | number): JiraProjectRecord | undefined {
    if (typeof idOrKey === 'number' || /^\d+$/.test(idOrKey)) return projects.get(Number(idOrKey));
    const key = idOrKey.toUpperCase();
    const all = [...projects.values()];
    return all.find((p) => p.key === key) ?? all.find((p) => p.previousKeys.includes(key));
  }

  function requireProject(idOrKey: string | number): JiraProjectRecord {
    const project = findProject(idOrKey);
    if (!project) throw new Error(`Jira stand-in: no project ${idOrKey}`);
    return project;
  }

  function requireUser(accountId: string): JiraUserRecord {
    const found = users.get(accountId);
    if (!found) throw new Error(`Jira stand-in: no user ${accountId}`);
    return found;
  }

  function hasGlobal(actor: Actor, key: GlobalPermissionKey): boolean {
    if (actor.kind === 'anonymous') return false;
    if (actor.kind === 'app') return true;
    return actor.user.active && actor.user.globalPermissions.includes(key);
  }

  function hasProject(actor: Actor, key: ProjectPermissionKey, project: JiraProjectRecord): boolean {
    if (actor.kind === 'anonymous') return false;
    if (actor.kind === 'app') return true;
    if (!actor.user.active) return false;
    if (actor.user.globalPermissions.includes('ADMINISTER')) return true;
    const role = project.roles[actor.user.accountId];
    return role !== undefined && ROLE_PERMISSIONS[role].includes(key);
  }

  /** Jira's "view" visibility: Browse projects or Administer projects (or Administer Jira). */
  const canView = (actor: Actor, p: JiraProjectRecord) => hasProject(actor, 'BROWSE_PROJECTS', p) || hasProject(actor, 'ADMINISTER_PROJECTS', p);

  const notFoundProject = (idOrKey: string) => fail(404, /^\d+$/.test(idOrKey) ? `No project could be found with id '${idOrKey}'.` : `No project could be found with key '${idOrKey}'.`);

  function pageParams(q: URLSearchParams, defaultMax: number, cap: number): { startAt: number; maxResults: number } | Response {
    const startAt = q.has('startAt') ? Number(q.get('startAt')) : 0;
    const maxResults = q.has('maxResults') ? Number(q.get('maxResults')) : defaultMax;
    if (!Number.isInteger(startAt) || startAt < 0) return fail(400, `Invalid startAt value '${q.get('startAt') ?? ''}'.`);
    if (!Number.isInteger(maxResults) || maxResults < 0) return fail(400, `Invalid maxResults value '${q.get('maxResults') ?? ''}'.`);
    return { startAt, maxResults: Math.min(maxResults, cap) };
  }

  const lead = (p: JiraProjectRecord) => users.get(p.leadAccountId);
  const expandOf = (q: URLSearchParams) => new Set((q.get('expand') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const requireUserActor = (actor: Actor): actor is Extract<Actor, { user: JiraUserRecord }> => actor.kind !== 'anonymous';

  // ---- endpoints --------------------------------------------------------------------------

  const myself: Handler = ({ actor }) => (requireUserActor(actor) ? respond(200, userJson(shapes, actor.user)) : unauthenticated());

  const getProject: Handler = ({ actor, q }, [idOrKey = '']) => {
    const p = findProject(idOrKey);
    if (!p || !canView(actor, p)) return notFoundProject(idOrKey);
    return respond(200, projectJson(shapes, p, lead(p), expandOf(q)));
  };

  const searchProjects: Handler = ({ actor, q, url }) => {
    const page = pageParams(q, 50, 50);
    if (page instanceof Response) return page;
    const action = q.get('action') ?? 'view';
    const allowed: Record<string, (p: JiraProjectRecord) => boolean> = {
      view: (p) => canView(actor, p),
      browse: (p) => hasProject(actor, 'BROWSE_PROJECTS', p),
      edit: (p) => hasProject(actor, 'ADMINISTER_PROJECTS', p),
      create: (p) => hasProject(actor, 'CREATE_ISSUES', p),
    };
    const permitted = allowed[action];
    if (!permitted) return fail(400, `Invalid action '${action}'. Valid values: view, browse, edit, create.`);
    const keys = q.getAll('keys').flatMap((k) => k.split(',')).map((k) => k.trim().toUpperCase()).filter(Boolean);
    if (keys.length > 50) return fail(400, 'Up to 50 project keys can be provided.');
    const ids = q.getAll('id').flatMap((k) => k.split(',')).map((k) => Number(k.trim())).filter(Number.isInteger);
    const types = (q.get('typeKey') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const query = (q.get('query') ?? '').toLowerCase();
    const orderBy = q.get('orderBy') ?? 'key';
    const descending = orderBy.startsWith('-');
    const field = orderBy.replace(/^[+-]/, '');
    const compare: Record<string, (a: JiraProjectRecord, b: JiraProjectRecord) => number> = {
      key: (a, b) => a.key.localeCompare(b.key),
      name: (a, b) => a.name.localeCompare(b.name),
      id: (a, b) => a.id - b.id,
    };
    const order = compare[field] ?? compare.key;
    const matching = [...projects.values()]
      .filter(permitted)
      .filter((p) => keys.length === 0 || keys.includes(p.key))
      .filter((p) => ids.length === 0 || ids.includes(p.id))
      .filter((p) => types.length === 0 || types.includes(p.projectTypeKey))
      .filter((p) => !query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query))
      .sort((a, b) => (descending ? -1 : 1) * (order?.(a, b) ?? 0));
    const { startAt, maxResults } = page;
    const values = matching.slice(startAt, startAt + maxResults);
    const isLast = startAt + values.length >= matching.length;
    const pageUrl = (start: number) => {
      const next = new URLSearchParams(q);
      next.set('startAt', String(start));
      next.set('maxResults', String(maxResults));
      return `${shapes.apiBase}/project/search?${next.toString()}`;
    };
    const expand = expandOf(q);
    return respond(200, {
      self: `${shapes.apiBase}/project/search${url.search}`,
      ...(isLast ? {} : { nextPage: pageUrl(startAt + maxResults) }),
      maxResults,
      startAt,
      total: matching.length,
      isLast,
      values: values.map((p) => projectListJson(shapes, p, lead(p), expand)),
    });
  };

  const getUser: Handler = ({ actor, q }) => {
    if (!requireUserActor(actor)) return unauthenticated();
    const accountId = q.get('accountId');
    if (!accountId) return fail(400, 'The accountId query parameter needs to be provided.');
    const found = users.get(accountId);
    return found ? respond(200, userJson(shapes, found)) : fail(404, 'Specified user does not exist or you do not have required permissions');
  };

  const searchUsers: Handler = ({ actor, q }) => {
    if (!requireUserActor(actor)) return unauthenticated();
    if (!hasGlobal(actor, 'USER_PICKER')) return respond(200, []);
    const query = (q.get('query') ?? '').trim().toLowerCase();
    const accountId = q.get('accountId');
    if (!query && !accountId) return fail(400, "One of 'query' or 'accountId' parameters must be provided.");
    const page = pageParams(q, 50, 1000);
    if (page instanceof Response) return page;
    const matches = (u: JiraUserRecord) => {
      if (accountId && u.accountId !== accountId) return false;
      if (!query) return true;
      const name = u.displayName.toLowerCase();
      const words = name.split(/[\s\-_.]+/).filter(Boolean);
      return name.startsWith(query) || words.some((w) => w.startsWith(query)) || u.emailAddress.toLowerCase().startsWith(query);
    };
    const found = [...users.values()].filter((u) => u.active && matches(u));
    return respond(200, found.slice(page.startAt, page.startAt + page.maxResults).map((u) => userListJson(shapes, u)));
  };

  const bulkUsers: Handler = ({ actor, q }) => {
    if (!requireUserActor(actor)) return unauthenticated();
    const ids = q.getAll('accountId').filter(Boolean);
    if (ids.length === 0) return fail(400, 'The accountId query parameter needs to be provided.');
    const page = pageParams(q, 10, 200);
    if (page instanceof Response) return page;
    const known = [...new Set(ids)].map((id) => users.get(id)).filter((u): u is JiraUserRecord => u !== undefined);
    const values = known.slice(page.startAt, page.startAt + page.maxResults);
    const isLast = page.startAt + values.length >= known.length;
    const query = new URLSearchParams(ids.map((id): [string, string] => ['accountId', id]));
    return respond(200, {
      self: `${shapes.apiBase}/user/bulk?${query.toString()}&startAt=${page.startAt}&maxResults=${page.maxResults}`,
      ...(isLast ? {} : { nextPage: `${shapes.apiBase}/user/bulk?${query.toString()}&startAt=${page.startAt + page.maxResults}&maxResults=${page.maxResults}` }),
      maxResults: page.maxResults,
      startAt: page.startAt,
      total: known.length,
      isLast,
      values: values.map((u) => userListJson(shapes, u)),
    });
  };

  const allPermissions: Handler = () => {
    const permissions: Record<string, unknown> = {};
    for (const key of [...Object.keys(GLOBAL_PERMISSIONS), ...Object.keys(PROJECT_PERMISSIONS)] as PermissionKey[]) {
      const d = describePermission(key);
      permissions[key] = { key, name: d.name, type: d.type, description: d.description };
    }
    return respond(200, { permissions });
  };

  const myPermissions: Handler = ({ actor, q }) => {
    const raw = q.get('permissions');
    if (!raw) return fail(400, "The 'permissions' query parameter is required. Provide a comma-separated list of permission keys.");
    const wanted = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
    const unknown = wanted.filter((k) => !isGlobalPermission(k) && !isProjectPermission(k));
    if (unknown.length > 0 || wanted.length === 0) return fail(400, `Unrecognized permission keys: ${unknown.join(', ') || raw}`);
    if (q.get('issueKey') || q.get('issueId')) return fail(404, 'Issue does not exist or you do not have permission to see it.');
    const projectRef = q.get('projectId') || q.get('projectKey');
    let project: JiraProjectRecord | undefined;
    if (projectRef) {
      project = findProject(projectRef);
      if (!project || !canView(actor, project)) return notFoundProject(projectRef);
    }
    const permissions: Record<string, unknown> = {};
    for (const key of wanted as PermissionKey[]) {
      const d = describePermission(key);
      const havePermission = isGlobalPermission(key)
        ? hasGlobal(actor, key)
        : project
          ? hasProject(actor, key, project)
          : [...projects.values()].some((p) => hasProject(actor, key, p));
      permissions[key] = { id: d.id, key, name: d.name, type: d.type, description: d.description, havePermission };
    }
    return respond(200, { permissions });
  };

  const checkPermissions: Handler = ({ actor, request }) => {
    const contentType = request.headers.get('content-type') ?? '';
    if (!/^application\/json\b/i.test(contentType)) return fail(415, 'Unsupported Media Type: send the body as application/json.');
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      return fail(400, 'Unexpected character in the request body: it is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(400, 'The request body must be a JSON object.');
    const { accountId, globalPermissions = [], projectPermissions = [] } = body as { accountId?: unknown; globalPermissions?: unknown; projectPermissions?: unknown };

    let subject: Actor = actor;
    if (accountId !== undefined && accountId !== null) {
      if (typeof accountId !== 'string') return fail(400, 'accountId must be a string.', { accountId: 'must be a string' });
      const self = actor.kind === 'user' ? actor.user.accountId : undefined;
      if (accountId !== self) {
        if (actor.kind !== 'app' && !hasGlobal(actor, 'ADMINISTER')) return fail(403, 'You need the Administer Jira global permission to check the permissions of other users.');
        const target = users.get(accountId);
        if (!target) return fail(404, `The user with account ID '${accountId}' does not exist.`);
        subject = { kind: 'user', user: target };
      }
    }

    if (!Array.isArray(globalPermissions)) return fail(400, 'globalPermissions must be an array.');
    const globals = globalPermissions.filter((k): k is string => typeof k === 'string' && k !== '');
    const badGlobals = globals.filter((k) => !isGlobalPermission(k));
    if (badGlobals.length > 0) return fail(400, `Unrecognized global permission keys: ${badGlobals.join(', ')}`);

    if (!Array.isArray(projectPermissions)) return fail(400, 'projectPermissions must be an array.');
    const merged = new Map<ProjectPermissionKey, Set<number>>();
    let checkedProjects = 0;
    for (const entry of projectPermissions as unknown[]) {
      if (entry === null) continue;
      if (typeof entry !== 'object' || Array.isArray(entry)) return fail(400, 'Each projectPermissions entry must be an object.');
      const { permissions = [], projects: ids = [] } = entry as { permissions?: unknown; projects?: unknown };
      if (!Array.isArray(permissions) || !Array.isArray(ids)) return fail(400, 'projectPermissions[].permissions and projects must be arrays.');
      const keys = permissions.filter((k): k is string => typeof k === 'string' && k !== '');
      const bad = keys.filter((k) => !isProjectPermission(k));
      if (bad.length > 0) return fail(400, `Unrecognized project permission keys: ${bad.join(', ')}`);
      // Invalid project ids are ignored, as Jira does.
      const projectIds = ids.map((id) => (typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id)) ? Number(id) : NaN)).filter(Number.isInteger);
      checkedProjects += projectIds.length;
      if (checkedProjects > 1000) return fail(400, 'A maximum of 1000 projects can be checked.');
      for (const key of keys as ProjectPermissionKey[]) {
        const granted = merged.get(key) ?? new Set<number>();
        for (const id of projectIds) {
          const p = projects.get(id);
          if (p && hasProject(subject, key, p)) granted.add(id);
        }
        merged.set(key, granted);
      }
    }
    return respond(200, {
      globalPermissions: [...new Set(globals)].filter((k) => hasGlobal(subject, k as GlobalPermissionKey)),
      projectPermissions: [...merged].map(([permission, granted]) => ({ permission, issues: [], projects: [...granted] })),
    });
  };

  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
    { method: 'GET', pattern: /^\/myself$/, handler: myself },
    { method: 'GET', pattern: /^\/project\/search$/, handler: searchProjects },
    { method: 'GET', pattern: /^\/project\/([^/]+)$/, handler: getProject },
    { method: 'GET', pattern: /^\/user$/, handler: getUser },
    { method: 'GET', pattern: /^\/user\/search$/, handler: searchUsers },
    { method: 'GET', pattern: /^\/user\/bulk$/, handler: bulkUsers },
    { method: 'GET', pattern: /^\/permissions$/, handler: allPermissions },
    { method: 'GET', pattern: /^\/mypermissions$/, handler: myPermissions },
    { method: 'POST', pattern: /^\/permissions\/check$/, handler: checkPermissions },
  ];

  function route(ctx: Ctx): Response {
    const rest = /^\/rest\/api\/(?:2|3|latest)(\/.*)$/.exec(ctx.url.pathname)?.[1];
    const notFound = () => fail(404, `The Jira stand-in of the offline host has no resource ${ctx.method} ${ctx.url.pathname}.`);
    if (!rest) return notFound();
    let methodMismatch = false;
    for (const r of routes) {
      const match = r.pattern.exec(rest);
      if (!match) continue;
      if (r.method !== ctx.method) {
        methodMismatch = true;
        continue;
      }
      let params: string[];
      try {
        params = match.slice(1).map((s) => decodeURIComponent(s ?? ''));
      } catch {
        return fail(400, `Malformed path: ${rest}`);
      }
      return r.handler(ctx, params);
    }
    return methodMismatch ? fail(405, `Method ${ctx.method} is not allowed for ${ctx.url.pathname}.`) : notFound();
  }

  function resolveActor(request: PlatformRequest): Actor | Response {
    const provider = request.options.provider;
    if (provider === 'app') return { kind: 'app', user: appUser };
    if (provider === 'user') {
      const accountId = request.options.accountId ?? request.invocation?.accountId;
      const found = accountId ? users.get(accountId) : undefined;
      if (!found || !found.active || found.accountType === 'app') return unauthenticated();
      return { kind: 'user', user: found };
    }
    return { kind: 'anonymous' };
  }

  const service: PlatformService = async (request) => {
    if (request.options.type !== 'fpp' || request.options.remote !== 'jira') return undefined;
    const actor = resolveActor(request);
    let response: Response;
    if (actor instanceof Response) {
      response = actor;
    } else {
      const url = new URL(request.path, siteUrl);
      response = route({ actor, method: request.method, url, q: url.searchParams, request });
    }
    calls.push({
      provider: request.options.provider ?? 'none',
      actingAs: actor instanceof Response || actor.kind === 'anonymous' ? null : actor.user.accountId,
      method: request.method,
      path: request.path,
      status: response.status,
    });
    if (calls.length > MAX_CALLS_KEPT) calls.splice(0, calls.length - MAX_CALLS_KEPT);
    return response;
  };

  // ---- mutation (tests, the host's product events, demo set-up) ---------------------------

  function emit(event: ProjectEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error(`Jira stand-in: a project event listener failed on ${event.eventType}:`, error);
      }
    }
  }

  function validateKey(key: string, except?: number): string {
    const upper = key.toUpperCase();
    if (!PROJECT_KEY.test(upper)) throw new Error(`Jira stand-in: invalid project key '${key}' (2-10 characters, a letter first, then letters, digits or _)`);
    const taken = findProject(upper);
    if (taken && taken.id !== except) throw new Error(`Jira stand-in: project key '${upper}' is already used by project ${taken.id}`);
    return upper;
  }

  function setProject(next: JiraProjectRecord): JiraProjectRecord {
    const frozen = Object.freeze({ ...next, roles: Object.freeze({ ...next.roles }), previousKeys: Object.freeze([...next.previousKeys]) });
    projects.set(frozen.id, frozen);
    return frozen;
  }

  function setUser(next: JiraUserRecord): JiraUserRecord {
    const frozen = Object.freeze({ ...next, globalPermissions: Object.freeze([...new Set(next.globalPermissions)]) });
    users.set(frozen.accountId, frozen);
    return frozen;
  }

  function updateProject(idOrKey: string | number, change: ProjectChange, atlassianId?: string): JiraProjectRecord {
    const current = requireProject(idOrKey);
    const key = change.key === undefined ? current.key : validateKey(change.key, current.id);
    if (change.name !== undefined && !change.name.trim()) throw new Error('Jira stand-in: a project needs a name');
    if (change.leadAccountId !== undefined) requireUser(change.leadAccountId);
    const updated = setProject({
      ...current,
      ...change,
      key,
      previousKeys: key === current.key ? current.previousKeys : [current.key, ...current.previousKeys.filter((k) => k !== key)],
    });
    emit(projectEvent('avi:jira:updated:project', updated, atlassianId));
    return updated;
  }

  return {
    /** The `PlatformService` to give `installForgeSeam`. */
    service,
    /** The seed, by name (`demo.users.admin.accountId`). */
    demo: DEMO_SITE,
    siteUrl,

    users: (): JiraUserRecord[] => [...users.values()].filter((u) => u.accountType !== 'app'),
    user: (accountId: string): JiraUserRecord | undefined => users.get(accountId),
    projects: (): JiraProjectRecord[] => [...projects.values()].sort((a, b) => a.id - b.id),
    project: (idOrKey: string | number): JiraProjectRecord | undefined => findProject(idOrKey),
    /** The people the host shell's user switcher offers: active Atlassian accounts. */
    shellUsers: () => [...users.values()].filter((u) => u.active && u.accountType === 'atlassian').map((u) => ({ accountId: u.accountId, displayName: u.displayName, label: u.label })),

    /** Answers as Jira would: may `accountId` do `permission` (in `project`, for project permissions)? */
    hasPermission(accountId: string, permission: PermissionKey, project?: string | number): boolean {
      const found = users.get(accountId);
      if (!found) return false;
      const actor: Actor = { kind: found.accountType === 'app' ? 'app' : 'user', user: found };
      if (isGlobalPermission(permission)) return hasGlobal(actor, permission);
      if (project === undefined) return [...projects.values()].some((p) => hasProject(actor, permission, p));
      const p = findProject(project);
      return p !== undefined && hasProject(actor, permission, p);
    },

    addUser(input: NewJiraUser): JiraUserRecord {
      const accountId = input.accountId ?? `712020:${randomUUID()}`;
      if (users.has(accountId)) throw new Error(`Jira stand-in: user ${accountId} exists`);
      return setUser({
        accountId,
        accountType: input.accountType ?? 'atlassian',
        displayName: input.displayName,
        emailAddress: input.emailAddress,
        active: input.active ?? true,
        timeZone: input.timeZone ?? 'UTC',
        locale: input.locale ?? 'en_US',
        globalPermissions: input.globalPermissions ?? DEFAULT_GLOBAL_PERMISSIONS,
        label: input.label ?? input.displayName,
      });
    },
    setUserActive(accountId: string, active: boolean): JiraUserRecord {
      return setUser({ ...requireUser(accountId), active });
    },
    /** Grants or revokes the Administer Jira global permission. */
    setJiraAdmin(accountId: string, admin: boolean): JiraUserRecord {
      const current = requireUser(accountId);
      const others = current.globalPermissions.filter((k) => k !== 'ADMINISTER');
      return setUser({ ...current, globalPermissions: admin ? ['ADMINISTER', ...others] : others });
    },

    addProject(input: NewJiraProject, atlassianId?: string): JiraProjectRecord {
      const id = input.id ?? nextProjectId;
      if (projects.has(id)) throw new Error(`Jira stand-in: project id ${id} exists`);
      if (!input.name.trim()) throw new Error('Jira stand-in: a project needs a name');
      requireUser(input.leadAccountId);
      const created = setProject({
        id,
        key: validateKey(input.key),
        name: input.name,
        description: input.description ?? '',
        projectTypeKey: input.projectTypeKey ?? 'software',
        leadAccountId: input.leadAccountId,
        roles: input.roles ?? { [input.leadAccountId]: 'administrator' },
        previousKeys: [],
      });
      nextProjectId = Math.max(nextProjectId, id + 1);
      emit(projectEvent('avi:jira:created:project', created, atlassianId));
      return created;
    },
    /** Gives `accountId` a role in the project, or removes them from it (`undefined`). */
    setProjectRole(idOrKey: string | number, accountId: string, role: ProjectRole | undefined): JiraProjectRecord {
      const current = requireProject(idOrKey);
      requireUser(accountId);
      const roles = { ...current.roles };
      if (role) roles[accountId] = role;
      else delete roles[accountId];
      return setProject({ ...current, roles });
    },
    /** Renames, re-keys (the old key keeps resolving, as in Jira) or edits a project. Emits `avi:jira:updated:project`. */
    updateProject,
    renameProject(idOrKey: string | number, name: string, atlassianId?: string): JiraProjectRecord {
      return updateProject(idOrKey, { name }, atlassianId);
    },
    /** Deletes a project (its id is never reused). Emits `avi:jira:deleted:project`. */
    deleteProject(idOrKey: string | number, atlassianId?: string): JiraProjectRecord {
      const current = requireProject(idOrKey);
      projects.delete(current.id);
      emit(projectEvent('avi:jira:deleted:project', current, atlassianId));
      return current;
    },

    /**
     * Called synchronously with the product event of every project mutation above. The host
     * forwards them to the app (`runtime.emitProductEvent(e.eventType, e.payload)`), as Jira would.
     */
    onProjectEvent(listener: (event: ProjectEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Requests answered so far, oldest first (the last 500). */
    calls: (): JiraCall[] => [...calls],
    clearCalls(): void {
      calls.length = 0;
    },
    /** Back to the seed (users, projects, call log; listeners stay). */
    reset,
  };
}

export type JiraStandIn = ReturnType<typeof createJiraStandIn>;
