import type { UiProject, UiResource, UiRoutesOptions, UiUser } from './options';

/**
 * Which app page the shell shows, from its URL: `/?module=<module key>&route=<subpage>` for a
 * page with subpages (admin pages), `/?module=<module key>&project=<project key>` for a project
 * page. Anything missing or unknown falls back to the first page, so every URL shows something.
 */
export interface Selection {
  readonly resource: UiResource;
  /** The subpage route, '' for pages without subpages. */
  readonly route: string;
  /** The route with the app's own path under it (`webhooks/<id>`), handed to the frame's history. */
  readonly path: string;
  readonly project: UiProject | undefined;
}

export const isProjectPage = (resource: UiResource): boolean => resource.moduleType === 'jira:projectPage';

export function selectPage(options: Pick<UiRoutesOptions, 'resources' | 'projects'>, query: URLSearchParams): Selection | undefined {
  const first = options.resources[0];
  if (!first) return undefined;
  const resource = options.resources.find((r) => r.moduleKey === query.get('module')) ?? first;
  const pages = resource.pages ?? [];
  const asked = query.get('route') ?? '';
  const found = pages.find((p) => asked === p.route || asked.startsWith(`${p.route}/`));
  const route = found?.route ?? pages[0]?.route ?? '';
  const project = isProjectPage(resource) ? (options.projects.find((p) => p.key === query.get('project')) ?? options.projects[0]) : undefined;
  return { resource, route, path: found ? asked : route, project };
}

/** The shell URL of a page. */
export function shellHref(resource: UiResource, route: string, project?: UiProject): string {
  const query = new URLSearchParams({ module: resource.moduleKey });
  if (route) query.set('route', route);
  if (project) query.set('project', project.key);
  return `/?${query.toString()}`;
}

/** The app frame's URL: the built resource, told its route and project. */
export function frameHref(selection: Selection): string {
  const query = new URLSearchParams();
  if (selection.path) query.set('route', selection.path);
  if (selection.project) query.set('project', selection.project.key);
  const search = query.toString();
  return `/app/${encodeURIComponent(selection.resource.key)}/${search ? `?${search}` : ''}`;
}

/** The user of a request: the one the shell's cookie names, or the first one. */
export function userFor(users: readonly UiUser[], accountId: string | undefined): UiUser | undefined {
  return users.find((u) => u.accountId === accountId) ?? users[0];
}

/** `context.extension` of a page, as Forge builds it for the module type. */
export function extensionContext(resource: UiResource, project: UiProject | undefined): Record<string, unknown> {
  if (isProjectPage(resource) && project) {
    // Forge gives project ids as strings here.
    return { type: resource.moduleType, project: { id: String(project.id), key: project.key, type: project.type ?? 'software' } };
  }
  return { type: resource.moduleType };
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

/** JSON safe inside a `<script>` element (no `</script>`, no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
