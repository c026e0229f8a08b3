import { jsonResponse, type PlatformRequest, type PlatformService } from '../forge-seam';
import { admins, DEMO_GROUPS, DEMO_PROJECTS, DEMO_ROLES, DEMO_USERS, type SiteGroup, type SiteProject, type SiteRole, type SiteUser } from './demo-site';

const PERMISSIONS = {
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL', description: 'Manage Jira: projects, users, schemes and apps.' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT', description: 'Ability to administer a project in Jira.' },
} as const;
type PermissionKey = keyof typeof PERMISSIONS;

const jiraError = (status: number, message: string) => jsonResponse(status, { errorMessages: [message], errors: {} });

/**
 * The OAuth scope Jira's documentation names for each endpoint the stand-in serves (classic
 * scopes, what `permissions.scopes` of manifest.yml lists). A call whose scope the app lacks is
 * refused before anything else, as Jira's gateway does.
 */
const ENDPOINT_SCOPES: readonly { readonly method: string; readonly path: RegExp; readonly scope: string }[] = [
  { method: 'GET', path: /^\/rest\/api\/3\/myself$/, scope: 'read:jira-user' },
  { method: 'GET', path: /^\/rest\/api\/3\/project\/search$/, scope: 'read:jira-work' },
  { method: 'GET', path: /^\/rest\/api\/3\/project\/[^/]+$/, scope: 'read:jira-work' },
  { method: 'GET', path: /^\/rest\/api\/3\/user(\/search|\/bulk|\/groups)?$/, scope: 'read:jira-user' },
  { method: 'GET', path: /^\/rest\/api\/3\/project\/[^/]+\/role\/\d+$/, scope: 'read:jira-work' },
  { method: 'GET', path: /^\/rest\/api\/3\/mypermissions$/, scope: 'read:jira-work' },
  { method: 'GET', path: /^\/rest\/api\/3\/role$/, scope: 'manage:jira-configuration' },
  { method: 'GET', path: /^\/rest\/api\/3\/groups\/picker$/, scope: 'read:jira-user' },
  { method: 'POST', path: /^\/rest\/api\/3\/permissions\/check$/, scope: 'read:jira-work' },
];

export const scopeOfEndpoint = (method: string, path: string): string | undefined => ENDPOINT_SCOPES.find((e) => e.method === method && e.path.test(path))?.scope;

/** What Jira answers a token without the endpoint's scope. */
const scopeMismatch = () => jsonResponse(401, { code: 401, message: 'Unauthorized; scope does not match' });

export interface JiraSiteOptions {
  readonly users?: readonly SiteUser[];
  readonly projects?: readonly SiteProject[];
  readonly groups?: readonly SiteGroup[];
  readonly roles?: readonly SiteRole[];
  /** `permissions.scopes` of the manifest; undefined: every endpoint is allowed (unit tests of the stand-in). */
  readonly scopes?: readonly string[];
  /** Where the site's product events go (the host's trigger delivery). */
  readonly emit?: (eventType: string, event: Record<string, unknown>) => Promise<unknown>;
  /** How long each REST request takes (ms; default 0); see `setLatency`. */
  readonly latencyMs?: number;
  /**
   * Whether `POST /rest/api/3/permissions/check` made as the app may name another account
   * (default true). Jira's reference requires Administer Jira to check other users and does not
   * say whether a Forge app's `asApp()` has that: false makes the site refuse it (403), as a site
   * may. See `setAppChecksOtherUsers`.
   */
  readonly appChecksOtherUsers?: boolean;
}

/** How a request's latency passes: real time by default; a test may move the host's virtual clock instead. */
export type LatencyWait = (ms: number, request: PlatformRequest) => Promise<void>;

const realWait: LatencyWait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A small stand-in for the Jira Cloud REST API v3: what the app calls, with Jira's response
 * shapes. `asUser()` calls act as the invocation's principal; `asApp()` calls see everything.
 */
export function createJiraSite(seed: JiraSiteOptions = {}) {
  const users = new Map<string, SiteUser>((seed.users ?? Object.values(DEMO_USERS)).map((u) => [u.accountId, u]));
  const projects = new Map<number, SiteProject>((seed.projects ?? DEMO_PROJECTS).map((p) => [p.id, p]));
  const groups = new Map<string, SiteGroup>((seed.groups ?? DEMO_GROUPS).map((g) => [g.groupId, g]));
  const roles = new Map<number, SiteRole>((seed.roles ?? DEMO_ROLES).map((r) => [r.id, r]));
  /** Projects in the trash: gone for every REST call until restored. */
  const trash = new Map<number, SiteProject>();
  const scopes = seed.scopes === undefined ? undefined : new Set(seed.scopes);
  const emit = seed.emit ?? (async () => undefined);
  let latency: { ms: number; wait: LatencyWait } = { ms: seed.latencyMs ?? 0, wait: realWait };
  let appChecksOtherUsers = seed.appChecksOtherUsers ?? true;

  const findProject = (idOrKey: string): SiteProject | undefined =>
    /^\d+$/.test(idOrKey) ? projects.get(Number(idOrKey)) : [...projects.values()].find((p) => p.key.toUpperCase() === idOrKey.toUpperCase());

  function has(actor: SiteUser | 'app', permission: PermissionKey, project?: SiteProject): boolean {
    if (actor === 'app') return true;
    if (!actor.active) return false;
    if (permission === 'ADMINISTER') return admins(actor);
    if (!project) return false;
    if (admins(actor)) return true; // site admins administer and browse every project here
    if (permission === 'ADMINISTER_PROJECTS') return project.admins.includes(actor.accountId);
    return project.browsers.includes(actor.accountId) || project.admins.includes(actor.accountId);
  }

  const userJson = (u: SiteUser) => ({
    self: `https://local.atlassian.net/rest/api/3/user?accountId=${u.accountId}`,
    accountId: u.accountId,
    accountType: 'atlassian',
    emailAddress: u.emailAddress,
    displayName: u.displayName,
    active: u.active,
    timeZone: 'Europe/Madrid',
    avatarUrls: { '48x48': `data:image/svg+xml,${encodeURIComponent(avatarSvg(u.displayName))}` },
  });
  const projectJson = (p: SiteProject) => ({
    self: `https://local.atlassian.net/rest/api/3/project/${p.id}`,
    id: String(p.id),
    key: p.key,
    name: p.name,
    projectTypeKey: p.projectTypeKey,
    simplified: false,
    style: 'classic',
    isPrivate: false,
  });

  function handle(request: PlatformRequest, actor: SiteUser | 'app', url: URL): Response {
    const path = url.pathname;
    const method = request.method;
    const q = url.searchParams;

    if (method === 'GET' && path === '/rest/api/3/myself') {
      if (actor === 'app') return jiraError(404, 'The app has no user.');
      return jsonResponse(200, userJson(actor));
    }
    const project = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(path);
    if (method === 'GET' && project && project[1] !== 'search') {
      const p = findProject(decodeURIComponent(project[1] ?? ''));
      if (!p || !has(actor, 'BROWSE_PROJECTS', p)) return jiraError(404, "No project could be found with key or id '" + decodeURIComponent(project[1] ?? '') + "'.");
      return jsonResponse(200, projectJson(p));
    }
    if (method === 'GET' && path === '/rest/api/3/project/search') {
      const startAt = Number(q.get('startAt') ?? 0);
      const maxResults = Math.min(Number(q.get('maxResults') ?? 50), 100);
      const query = (q.get('query') ?? '').toLowerCase();
      const keys = q.getAll('keys').map((k) => k.toUpperCase());
      const visible = [...projects.values()]
        .filter((p) => has(actor, 'BROWSE_PROJECTS', p))
        .filter((p) => !query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query))
        .filter((p) => keys.length === 0 || keys.includes(p.key));
      const values = visible.slice(startAt, startAt + maxResults).map(projectJson);
      return jsonResponse(200, { startAt, maxResults, total: visible.length, isLast: startAt + values.length >= visible.length, values });
    }
    if (method === 'GET' && path === '/rest/api/3/user') {
      const user = users.get(q.get('accountId') ?? '');
      return user ? jsonResponse(200, userJson(user)) : jiraError(404, `Specified user does not exist or you do not have required permissions`);
    }
    if (method === 'GET' && path === '/rest/api/3/user/groups') {
      // As Jira: the groups of a person; needs "Browse users and groups" (the app has it).
      if (actor !== 'app' && actor.browseUsers === false) return jiraError(403, 'You do not have the permission to browse users and groups.');
      const user = users.get(q.get('accountId') ?? '');
      if (!user) return jiraError(404, 'Specified user does not exist or you do not have required permissions');
      return jsonResponse(200, (user.groups ?? []).flatMap((id) => {
        const g = groups.get(id);
        return g ? [{ name: g.name, groupId: g.groupId, self: `https://local.atlassian.net/rest/api/3/group?groupId=${g.groupId}` }] : [];
      }));
    }
    const projectRole = /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/.exec(path);
    if (method === 'GET' && projectRole) {
      // As Jira: a role's actors in a project; needs Administer Projects there or Administer Jira (the app has both).
      const p = findProject(decodeURIComponent(projectRole[1] ?? ''));
      if (!p || !has(actor, 'BROWSE_PROJECTS', p)) return jiraError(404, 'No project could be found with key or id ' + decodeURIComponent(projectRole[1] ?? '') + '.');
      if (!has(actor, 'ADMINISTER_PROJECTS', p)) return jiraError(403, 'You cannot view the roles of this project.');
      const role = roles.get(Number(projectRole[2]));
      if (!role) return jiraError(404, `No project role with id ${projectRole[2] ?? ''}.`);
      const actors = p.roles?.[role.id] ?? { users: [], groups: [] };
      return jsonResponse(200, {
        self: `https://local.atlassian.net/rest/api/3/project/${p.id}/role/${role.id}`,
        id: role.id,
        name: role.name,
        description: role.description,
        actors: [
          ...actors.users.flatMap((accountId, i) => {
            const u = users.get(accountId);
            return u ? [{ id: 20_000 + i, displayName: u.displayName, type: 'atlassian-user-role-actor', actorUser: { accountId } }] : [];
          }),
          ...actors.groups.flatMap((groupId, i) => {
            const g = groups.get(groupId);
            return g ? [{ id: 30_000 + i, displayName: g.name, type: 'atlassian-group-role-actor', name: g.name, actorGroup: { name: g.name, displayName: g.name, groupId } }] : [];
          }),
        ],
      });
    }
    if (method === 'GET' && path === '/rest/api/3/role') {
      // As Jira: every project role of the site; needs Administer Jira.
      if (!has(actor, 'ADMINISTER')) return jiraError(403, 'You do not have permission to view project roles.');
      return jsonResponse(
        200,
        [...roles.values()].map((r) => ({ self: `https://local.atlassian.net/rest/api/3/role/${r.id}`, name: r.name, id: r.id, description: r.description, actors: [] })),
      );
    }
    if (method === 'GET' && path === '/rest/api/3/groups/picker') {
      // As Jira: groups whose name contains the query, sorted; without "Browse users and groups" the list is empty.
      const query = (q.get('query') ?? '').toLowerCase();
      const maxResults = Math.max(0, Math.min(Number(q.get('maxResults') ?? 20), 1000));
      const browses = actor === 'app' || actor.browseUsers !== false;
      const found = browses ? [...groups.values()].filter((g) => g.name.toLowerCase().includes(query)).sort((a, b) => a.name.localeCompare(b.name)) : [];
      const shown = found.slice(0, maxResults);
      return jsonResponse(200, {
        header: `Showing ${shown.length} of ${found.length} matching groups`,
        total: found.length,
        groups: shown.map((g) => ({ name: g.name, html: g.name, labels: [], groupId: g.groupId })),
      });
    }
    if (method === 'GET' && path === '/rest/api/3/user/search') {
      if (actor !== 'app' && actor.browseUsers === false) return jiraError(403, 'You do not have the permission to browse users.');
      const query = (q.get('query') ?? '').toLowerCase();
      const maxResults = Math.min(Number(q.get('maxResults') ?? 50), 1000);
      const found = [...users.values()].filter((u) => query !== '' && (u.displayName.toLowerCase().includes(query) || u.emailAddress.toLowerCase().startsWith(query)));
      return jsonResponse(200, found.slice(0, maxResults).map(userJson));
    }
    if (method === 'GET' && path === '/rest/api/3/user/bulk') {
      const ids = q.getAll('accountId');
      if (ids.length === 0) return jiraError(400, 'accountId is required');
      // As Jira: a page of at most maxResults users (default 10).
      const startAt = Number(q.get('startAt') ?? 0);
      const maxResults = Math.min(Number(q.get('maxResults') ?? 10), 200);
      const all = ids.map((id) => users.get(id)).filter((u): u is SiteUser => u !== undefined);
      const values = all.slice(startAt, startAt + maxResults).map(userJson);
      return jsonResponse(200, { startAt, maxResults, total: all.length, isLast: startAt + values.length >= all.length, values });
    }
    if (method === 'GET' && path === '/rest/api/3/mypermissions') {
      const wanted = (q.get('permissions') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (wanted.length === 0) return jiraError(400, 'The permissions query parameter is required.');
      const scoped = q.get('projectKey') ?? q.get('projectId');
      const p = scoped ? findProject(scoped) : undefined;
      if (scoped && !p) return jiraError(404, `No project could be found with key '${scoped}'.`);
      const permissions: Record<string, unknown> = {};
      for (const key of wanted) {
        if (!(key in PERMISSIONS)) return jiraError(400, `Unrecognized permission: ${key}`);
        const k = key as PermissionKey;
        const granted = k === 'ADMINISTER' ? has(actor, k) : p ? has(actor, k, p) : [...projects.values()].some((pr) => has(actor, k, pr));
        permissions[k] = { id: PERMISSIONS[k].id, key: k, name: PERMISSIONS[k].name, type: PERMISSIONS[k].type, description: PERMISSIONS[k].description, havePermission: granted };
      }
      return jsonResponse(200, { permissions });
    }
    if (method === 'POST' && path === '/rest/api/3/permissions/check') {
      let body: { accountId?: string; globalPermissions?: string[]; projectPermissions?: { permissions?: string[]; projects?: (number | string)[] }[] };
      try {
        body = JSON.parse(request.body ?? '{}') as typeof body;
      } catch {
        return jiraError(400, 'The request body is not valid JSON.');
      }
      let subject: SiteUser | 'app' = actor;
      if (body.accountId && actor === 'app' && !appChecksOtherUsers) {
        return jiraError(403, 'You do not have permission to check the permissions of other users: the Administer Jira global permission is required.');
      }
      if (body.accountId) {
        const named = users.get(body.accountId);
        if (!named) return jiraError(400, `The user ${body.accountId} does not exist.`);
        subject = named;
      }
      const globalPermissions = (body.globalPermissions ?? []).filter((k) => k in PERMISSIONS && has(subject, k as PermissionKey));
      const projectPermissions = (body.projectPermissions ?? []).flatMap((entry) =>
        (entry.permissions ?? []).map((permission) => ({
          permission,
          issues: [],
          projects: (entry.projects ?? [])
            .map(Number)
            .filter((id) => {
              const p = projects.get(id);
              return p !== undefined && permission in PERMISSIONS && has(subject, permission as PermissionKey, p);
            }),
        })),
      );
      return jsonResponse(200, { globalPermissions, projectPermissions });
    }
    return jiraError(404, `The stand-in Jira has no ${method} ${path}`);
  }

  const service: PlatformService = async (request) => {
    if (request.options.type !== 'fpp' || request.options.remote !== 'jira') return undefined;
    let actor: SiteUser | 'app' = 'app';
    if (request.options.provider === 'user') {
      const accountId = request.options.accountId ?? request.invocation?.accountId;
      const user = accountId ? users.get(accountId) : undefined;
      if (!user || !user.active) return jiraError(401, 'Client must be authenticated to access this resource.');
      actor = user;
    }
    // Jira answers after its latency, whatever it answers (a real site: 100-300 ms per call is common).
    if (latency.ms > 0) await latency.wait(latency.ms, request);
    const url = new URL(request.path, 'https://local.atlassian.net');
    const needed = scopeOfEndpoint(request.method, url.pathname);
    if (scopes && needed !== undefined && !scopes.has(needed)) return scopeMismatch();
    return handle(request, actor, url);
  };

  const eventProject = (p: SiteProject) => ({ id: String(p.id), key: p.key, name: p.name, projectTypeKey: p.projectTypeKey });

  return {
    service,
    demo: { users: DEMO_USERS },
    /**
     * Every REST request takes `ms` from now on (0: none). `wait` says how that time passes: real
     * time by default; `(ms) => host.clock.advance(ms)` moves the virtual clock instead, so a test
     * sees minutes of Jira latency (as the app's `Date.now()` measures it) in seconds. The host's
     * function timeouts run on real time, so budgets the app keeps by its clock are what such a test proves.
     */
    setLatency(ms: number, wait: LatencyWait = realWait): void {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Jira latency must be a non-negative number of ms, got ${ms}`);
      latency = { ms, wait };
    },
    /** Lets the app's permission checks name other accounts, or refuses them with 403 (see `appChecksOtherUsers`). */
    setAppChecksOtherUsers(allowed: boolean): void {
      appChecksOtherUsers = allowed;
    },
    users: (): SiteUser[] => [...users.values()],
    projects: (): SiteProject[] => [...projects.values()],
    /** The projects a user may browse (what Jira's navigation would show them). */
    projectsBrowsableBy(accountId: string): SiteProject[] {
      const user = users.get(accountId);
      return user ? [...projects.values()].filter((p) => has(user, 'BROWSE_PROJECTS', p)) : [];
    },
    /** The people the shell's user switcher offers (active users). */
    shellUsers: () => [...users.values()].filter((u) => u.active).map((u) => ({ accountId: u.accountId, displayName: u.displayName, label: u.label })),
    /** Grants or takes away Jira's Administer permission (a demoted admin, for the management API's tokens). */
    setJiraAdmin(accountId: string, jiraAdmin: boolean): SiteUser {
      const current = users.get(accountId);
      if (!current) throw new Error(`No user ${accountId}`);
      const next = { ...current, jiraAdmin };
      users.set(accountId, next);
      return next;
    },
    /** Adds a project (benchmarks and tests that need more than the demo's three). */
    addProject(project: SiteProject): SiteProject {
      if (projects.has(project.id) || findProject(project.key)) throw new Error(`Project ${project.id} / ${project.key} exists`);
      projects.set(project.id, project);
      return project;
    },
    /** Renames or re-keys a project (then emit avi:jira:updated:project). */
    updateProject(id: number, change: { key?: string; name?: string }): SiteProject {
      const current = projects.get(id);
      if (!current) throw new Error(`No project ${id}`);
      const next = { ...current, ...change };
      projects.set(id, next);
      return next;
    },
    /** Moves a project to the trash and emits `avi:jira:softdeleted:project`, as Jira does. */
    async trashProject(id: number): Promise<SiteProject> {
      const current = projects.get(id);
      if (!current) throw new Error(`No project ${id}`);
      projects.delete(id);
      trash.set(id, current);
      await emit('avi:jira:softdeleted:project', { project: eventProject(current) });
      return current;
    },
    /** Restores a trashed project and emits `avi:jira:restored:project`. */
    async restoreProject(id: number): Promise<SiteProject> {
      const current = trash.get(id);
      if (!current) throw new Error(`No project ${id} in the trash`);
      trash.delete(id);
      projects.set(id, current);
      await emit('avi:jira:restored:project', { project: eventProject(current) });
      return current;
    },
    deleteProject(id: number): SiteProject {
      const current = projects.get(id);
      if (!current) throw new Error(`No project ${id}`);
      projects.delete(id);
      return current;
    },
  };
}

export type JiraStandIn = ReturnType<typeof createJiraSite>;

function avatarSvg(name: string): string {
  const initials = name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><rect width="48" height="48" rx="24" fill="#0C66E4"/><text x="24" y="30" font-family="sans-serif" font-size="18" fill="#fff" text-anchor="middle">${initials}</text></svg>`;
}
