import type { UiProject, UiResource, UiUser } from './options';
import { escapeHtml, frameHref, isProjectPage, scriptJson, shellHref, type Selection } from './pages';
import type { ColorMode } from './theme';

export interface ShellModel {
  readonly resources: readonly UiResource[];
  readonly projects: readonly UiProject[];
  readonly users: readonly UiUser[];
  readonly user: UiUser;
  readonly selection: Selection;
  readonly colorMode: ColorMode;
  readonly themeAttrs: Readonly<Record<string, string>>;
}

const e = escapeHtml;

function link(href: string, text: string, current: boolean, testId: string, route?: string): string {
  return `<a href="${e(href)}" class="nav-link${current ? ' is-current' : ''}"${current ? ' aria-current="page"' : ''} data-testid="${e(testId)}"${route !== undefined ? ` data-route="${e(route)}"` : ''}>${e(text)}</a>`;
}

/** Admin and global pages: the module title, then its subpages. */
function moduleNav(resource: UiResource, selection: Selection): string {
  const pages = resource.pages ?? [];
  const selected = selection.resource === resource;
  if (pages.length === 0) {
    return `<li>${link(shellHref(resource, ''), resource.title, selected, `nav-${resource.moduleKey}`)}</li>`;
  }
  const items = pages
    .map((p) => `<li>${link(shellHref(resource, p.route), p.title, selected && selection.route === p.route, `nav-${resource.moduleKey}-${p.route}`, p.route)}</li>`)
    .join('');
  return `<li><div class="nav-group" id="nav-group-${e(resource.moduleKey)}">${e(resource.title)}</div><ul class="nav-list nav-sublist" aria-labelledby="nav-group-${e(resource.moduleKey)}">${items}</ul></li>`;
}

/** Projects, each with the project pages of the app. */
function projectsNav(projectPages: readonly UiResource[], projects: readonly UiProject[], selection: Selection): string {
  return projects
    .map((project) => {
      const pages = projectPages
        .map((r) => `<li>${link(shellHref(r, '', project), r.title, selection.resource === r && selection.project?.key === project.key, `nav-${r.moduleKey}-${project.key}`)}</li>`)
        .join('');
      return `<li><div class="nav-project"><span class="project-avatar" aria-hidden="true">${e(project.key.slice(0, 1))}</span>${e(project.name)} <span class="nav-subtle">(${e(project.key)})</span></div><ul class="nav-list nav-sublist">${pages}</ul></li>`;
    })
    .join('');
}

/** Where the page is, for the window title; Jira shows the project part above project pages. */
function trail(selection: Selection, visibleProjects: readonly UiProject[]): string[] {
  const { resource, route, project } = selection;
  // A project the user cannot browse is named by the key they typed, never by its name.
  if (isProjectPage(resource) && project) return ['Projects', visibleProjects.some((p) => p.key === project.key) ? project.name : project.key, resource.title];
  const page = resource.pages?.find((p) => p.route === route);
  return page ? [resource.title, page.title] : [resource.title];
}

/**
 * The shell: a plain Jira-like frame around the app page (top bar, sidebar, content), with the
 * user and theme switchers a developer needs. It plays the product's part of the bridge: flags,
 * navigation and the page title arrive from the app frame by `postMessage`.
 */
export function renderShell(model: ShellModel): string {
  const { selection } = model;
  const adminPages = model.resources.filter((r) => !isProjectPage(r));
  const projectPages = model.resources.filter(isProjectPage);
  const crumbs = trail(selection, model.projects);
  const title = `${crumbs.filter((c) => c !== 'Projects').reverse().join(' - ')} - Jira (offline Forge host)`;
  const projectCrumbs = isProjectPage(selection.resource) ? crumbs.slice(0, 2) : [];
  const htmlAttrs = Object.entries(model.themeAttrs)
    .map(([name, value]) => ` ${e(name)}="${e(value)}"`)
    .join('');
  const userOptions = model.users
    .map((u) => `<option value="${e(u.accountId)}"${u.accountId === model.user.accountId ? ' selected' : ''}>${e(u.displayName)} — ${e(u.label)}</option>`)
    .join('');
  const themeOptions = (['light', 'dark'] as const)
    .map((mode) => `<option value="${mode}"${mode === model.colorMode ? ' selected' : ''}>${mode === 'light' ? 'Light' : 'Dark'}</option>`)
    .join('');
  const shellConfig = {
    moduleKey: selection.resource.moduleKey,
    resourceKey: selection.resource.key,
    route: selection.route,
    projectKey: selection.project?.key ?? null,
    pages: (selection.resource.pages ?? []).map((p) => ({ route: p.route, title: p.title })),
  };

  return `<!doctype html>
<html lang="en"${htmlAttrs}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/_bridge/theme.css?colorMode=${model.colorMode}">
<link rel="stylesheet" href="/_shell/shell.css">
<script id="forge-local-shell-config" type="application/json">${scriptJson(shellConfig)}</script>
<script src="/_shell/shell.js" defer></script>
</head>
<body>
<header class="topbar" data-testid="shell-topbar">
  <button type="button" class="nav-toggle" id="nav-toggle" data-testid="nav-toggle" aria-controls="shell-sidebar" aria-expanded="false" aria-label="Navigation"><span aria-hidden="true">☰</span></button>
  <a class="product" href="/"><span class="product-logo" aria-hidden="true">J</span><span class="product-name">Jira</span><span class="product-note">offline Forge host</span></a>
  <div class="topbar-tools">
    <label class="tool"><span class="tool-label">Theme</span><select id="theme-switcher" data-testid="theme-switcher">${themeOptions}</select></label>
    <label class="tool"><span class="tool-label">Signed in as</span><select id="user-switcher" data-testid="user-switcher">${userOptions}</select></label>
  </div>
</header>
<div class="layout">
  <nav class="sidebar" id="shell-sidebar" aria-label="Jira" data-testid="shell-sidebar">
    ${adminPages.length > 0 ? `<h2 class="nav-heading">Apps</h2><ul class="nav-list">${adminPages.map((r) => moduleNav(r, selection)).join('')}</ul>` : ''}
    ${projectPages.length > 0 && model.projects.length > 0 ? `<h2 class="nav-heading">Projects</h2><ul class="nav-list">${projectsNav(projectPages, model.projects, selection)}</ul>` : ''}
  </nav>
  <main class="content">
    ${projectCrumbs.length > 0 ? `<ol class="breadcrumbs" aria-label="Breadcrumbs" data-testid="shell-breadcrumbs">${projectCrumbs.map((c) => `<li>${e(c)}</li>`).join('')}</ol>` : ''}
    <!-- Same origin as the shell here (on Forge the frame has an origin of its own), so no sandbox. -->
    <iframe class="app-frame" data-testid="app-frame" title="${e(selection.resource.title)}" src="${e(frameHref(selection))}"></iframe>
  </main>
</div>
<div class="flags" id="flags" aria-live="polite" data-testid="flags"></div>
</body>
</html>
`;
}
