import type { JiraProjectRecord, JiraUserRecord } from './demo-site';

/**
 * JSON bodies in the shapes Jira Cloud REST API v3 answers (field names, nesting, types and
 * order as its responses have them). Avatars are inline SVG data URLs so nothing is fetched from
 * outside the machine.
 */

export const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8' } as const;

export function jiraErrorBody(messages: string | readonly string[], errors: Readonly<Record<string, string>> = {}) {
  return { errorMessages: typeof messages === 'string' ? [messages] : [...messages], errors: { ...errors } };
}

type AvatarSize = '48x48' | '24x24' | '16x16' | '32x32';
const PALETTE = ['#0C66E4', '#1F845A', '#AE2E24', '#6E5DC6', '#B65C02', '#206A83'] as const;

function colourFor(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? PALETTE[0];
}

const xmlEscape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function avatarUrls(seed: string, label: string, round: boolean): Record<AvatarSize, string> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">` +
    `<rect width="48" height="48" rx="${round ? 24 : 6}" fill="${colourFor(seed)}"/>` +
    `<text x="24" y="30" font-family="sans-serif" font-size="18" font-weight="600" fill="#fff" text-anchor="middle">${xmlEscape(label)}</text></svg>`;
  const url = `data:image/svg+xml,${encodeURIComponent(svg)}`;
  return { '48x48': url, '24x24': url, '16x16': url, '32x32': url };
}

export const initials = (name: string) =>
  name
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

export interface ShapeContext {
  /** `https://<site>/rest/api/3` */
  readonly apiBase: string;
}

/** A user as `GET /user/search`, `/user/bulk` and `lead` render it. */
export function userListJson(ctx: ShapeContext, u: JiraUserRecord) {
  return {
    self: `${ctx.apiBase}/user?accountId=${u.accountId}`,
    accountId: u.accountId,
    accountType: u.accountType,
    ...(u.emailAddress ? { emailAddress: u.emailAddress } : {}),
    avatarUrls: avatarUrls(u.accountId, initials(u.displayName), true),
    displayName: u.displayName,
    active: u.active,
    timeZone: u.timeZone,
    locale: u.locale,
  };
}

/** A user as `GET /user` and `GET /myself` render it (with the expandable collections' sizes). */
export function userJson(ctx: ShapeContext, u: JiraUserRecord) {
  const groups = u.globalPermissions.includes('ADMINISTER') ? 3 : 1;
  return {
    ...userListJson(ctx, u),
    groups: { size: u.accountType === 'atlassian' ? groups : 1, items: [] },
    applicationRoles: { size: u.accountType === 'atlassian' ? 1 : 0, items: [] },
    expand: 'groups,applicationRoles',
  };
}

/** The small user object inside a project (`lead`). */
export function userDetailsJson(ctx: ShapeContext, u: JiraUserRecord) {
  return {
    self: `${ctx.apiBase}/user?accountId=${u.accountId}`,
    accountId: u.accountId,
    avatarUrls: avatarUrls(u.accountId, initials(u.displayName), true),
    displayName: u.displayName,
    active: u.active,
  };
}

const PROJECT_EXPAND = 'description,lead,issueTypes,url,projectKeys,permissions,insight';

function issueTypes(ctx: ShapeContext, p: JiraProjectRecord) {
  const types =
    p.projectTypeKey === 'software'
      ? [
          { id: '10001', name: 'Task', description: 'A small, distinct piece of work.', hierarchyLevel: 0 },
          { id: '10002', name: 'Bug', description: 'A problem or error.', hierarchyLevel: 0 },
          { id: '10003', name: 'Story', description: 'A feature expressed from the perspective of the user.', hierarchyLevel: 0 },
          { id: '10000', name: 'Epic', description: 'A collection of related bugs, stories, and tasks.', hierarchyLevel: 1 },
        ]
      : [{ id: '10001', name: 'Task', description: 'A small, distinct piece of work.', hierarchyLevel: 0 }];
  return types.map((t) => ({ self: `${ctx.apiBase}/issuetype/${t.id}`, id: t.id, description: t.description, name: t.name, subtask: false, hierarchyLevel: t.hierarchyLevel }));
}

/** A project as `GET /project/search` lists it; `expand` may add `description`, `lead`, `projectKeys`, `issueTypes`. */
export function projectListJson(ctx: ShapeContext, p: JiraProjectRecord, lead: JiraUserRecord | undefined, expand: ReadonlySet<string>) {
  return {
    expand: PROJECT_EXPAND,
    self: `${ctx.apiBase}/project/${p.id}`,
    id: String(p.id),
    key: p.key,
    ...(expand.has('description') ? { description: p.description } : {}),
    ...(expand.has('lead') && lead ? { lead: userDetailsJson(ctx, lead) } : {}),
    ...(expand.has('issueTypes') ? { issueTypes: issueTypes(ctx, p) } : {}),
    name: p.name,
    avatarUrls: avatarUrls(p.key, p.key.slice(0, 2), false),
    ...(expand.has('projectKeys') ? { projectKeys: [p.key, ...p.previousKeys] } : {}),
    projectTypeKey: p.projectTypeKey,
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
  };
}

/** A project as `GET /project/{projectIdOrKey}` answers it. */
export function projectJson(ctx: ShapeContext, p: JiraProjectRecord, lead: JiraUserRecord | undefined, expand: ReadonlySet<string>) {
  const roleUrl = (id: number) => `${ctx.apiBase}/project/${p.id}/role/${id}`;
  return {
    expand: PROJECT_EXPAND,
    self: `${ctx.apiBase}/project/${p.id}`,
    id: String(p.id),
    key: p.key,
    description: p.description,
    ...(lead ? { lead: userDetailsJson(ctx, lead) } : {}),
    components: [],
    issueTypes: issueTypes(ctx, p),
    assigneeType: 'UNASSIGNED',
    versions: [],
    name: p.name,
    roles: { Administrators: roleUrl(10002), Members: roleUrl(10001), Viewers: roleUrl(10000) },
    avatarUrls: avatarUrls(p.key, p.key.slice(0, 2), false),
    ...(expand.has('projectKeys') ? { projectKeys: [p.key, ...p.previousKeys] } : {}),
    projectTypeKey: p.projectTypeKey,
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
  };
}
