import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { cloudIdOf, LOCAL_APP, localIdOf } from '../platform/forge-seam';
import { InvocationRateLimitedError } from '../platform/invocation-rate';
import { foreignRequest, isJsonContentType } from '../platform/local-safety';
import { THEME_COOKIE, USER_COOKIE, type UiResource, type UiRoutesOptions } from './options';
import { escapeHtml, extensionContext, isProjectPage, parseCookies, scriptJson, selectPage, userFor } from './pages';
import { renderShell } from './shell-page';
import { parseColorMode, themeCss, themeHtmlAttrs, themeState, type ColorMode } from './theme';

export type { InvokeResolverArgs, UiPage, UiProject, UiResource, UiRoutesOptions, UiUser } from './options';
export { THEME_COOKIE, USER_COOKIE } from './options';

export type UiRouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The browser side of the offline host (DESIGN.md section 9), mounted in the host's HTTP server:
 *
 * - `GET /`: the shell, a Jira-like frame with a sidebar of the app's pages and a user switcher;
 * - `GET /app/<resource key>/…`: the built Custom UI resource, its HTML carrying the bridge;
 * - `POST /_bridge/invoke`: a resolver call from a page, run by `invokeResolver` as the shell's user;
 * - `GET /_bridge/…`, `/_shell/…`: the bridge and shell scripts and the theme CSS.
 *
 * The user is the cookie `forge-local-user` the shell sets: the host, being the platform, trusts
 * it; the bridge never sends an account id. Answers false for any other request.
 */
export function createUiRoutes(options: UiRoutesOptions): UiRouteHandler {
  if (options.users.length === 0) throw new Error('createUiRoutes: give at least one user');
  const log = options.log ?? ((line: string) => console.error(line));
  const ids = forgeIds(options.appId);

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    if (!isUiPath(path)) return false;
    // Only the host's own pages may use it: not another site the developer has open (local/platform/local-safety.ts).
    const foreign = foreignRequest(req);
    if (foreign) {
      sendJson(res, 403, { error: { message: `Refused: ${foreign}.` } });
      return true;
    }

    if (path === '/' || path === '/index.html') {
      if (!read) return methodNotAllowed(res, 'GET, HEAD');
      const selection = selectPage(options, url.searchParams);
      if (!selection) return sendText(res, 404, 'No Custom UI resources are configured.');
      const cookies = parseCookies(req.headers.cookie);
      const colorMode = parseColorMode(cookies.get(THEME_COOKIE));
      const user = userFor(options.users, cookies.get(USER_COOKIE));
      if (!user) return sendText(res, 500, 'No users are configured.');
      const html = renderShell({ resources: options.resources, projects: options.projectsFor?.(user.accountId) ?? options.projects, users: options.users, user, selection, colorMode, themeAttrs: themeHtmlAttrs(colorMode) });
      // The shell names its user in a cookie the first time: the bridge refuses calls without one.
      const session: Record<string, string> = cookies.has(USER_COOKIE) ? {} : { 'set-cookie': `${USER_COOKIE}=${encodeURIComponent(user.accountId)}; Path=/; SameSite=Strict` };
      send(res, 200, 'text/html; charset=utf-8', html, method, session);
      return true;
    }

    if (path === '/_shell/shell.js' || path === '/_shell/shell.css' || path === '/_bridge/bridge.js') {
      if (!read) return methodNotAllowed(res, 'GET, HEAD');
      const file = path.slice(path.lastIndexOf('/') + 1);
      send(res, 200, contentType(file), await readFile(join(CLIENT_DIR, file)), method);
      return true;
    }

    if (path === '/_bridge/theme.css') {
      if (!read) return methodNotAllowed(res, 'GET, HEAD');
      send(res, 200, 'text/css; charset=utf-8', await themeCss(parseColorMode(url.searchParams.get('colorMode'))), method);
      return true;
    }

    if (path === '/_bridge/invoke') {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      // A JSON content type keeps cross-site forms out (they cannot send one without CORS).
      if (!isJsonContentType(req)) return sendJson(res, 415, { error: { message: 'The invoke request must be application/json.' } }), true;
      await handleInvoke(req, res, options, log);
      return true;
    }

    const app = /^\/app\/([^/]+)(\/.*)?$/.exec(path);
    if (app) {
      if (!read) return methodNotAllowed(res, 'GET, HEAD');
      const resource = options.resources.find((r) => r.key === safeDecode(app[1] ?? ''));
      if (!resource) return sendText(res, 404, `No Custom UI resource ${app[1] ?? ''}`);
      if (app[2] === undefined) {
        // Relative asset URLs need the trailing slash.
        res.writeHead(308, { location: `/app/${app[1] ?? ''}/${url.search}` });
        res.end();
        return true;
      }
      await serveResource(req, res, options, resource, app[2], url, ids);
      return true;
    }
    return false;
  };
}

const isUiPath = (path: string): boolean => path === '/' || path === '/index.html' || path.startsWith('/_shell/') || path.startsWith('/_bridge/') || path.startsWith('/app/');

const CLIENT_DIR = join(__dirname, 'client');
/** Forge's bridge takes payloads of about 500 KB. */
const MAX_INVOKE_BYTES = 500 * 1024;

interface ForgeIds {
  readonly appId: string;
  readonly environmentId: string;
  readonly cloudId: string;
}

function forgeIds(appId: string | undefined): ForgeIds {
  // `ari:cloud:ecosystem::app/<uuid>` or the uuid alone; the platform's ids otherwise, so the page
  // and its resolver see the same cloudId and localId.
  const id = appId?.split('/').pop() ?? LOCAL_APP.appId;
  return { appId: id, environmentId: LOCAL_APP.environmentId, cloudId: cloudIdOf(LOCAL_APP) };
}

async function handleInvoke(req: IncomingMessage, res: ServerResponse, options: UiRoutesOptions, log: (line: string) => void): Promise<void> {
  let body: Record<string, unknown>;
  try {
    body = await readJsonObject(req, MAX_INVOKE_BYTES);
  } catch (error) {
    const tooLarge = error instanceof Error && error.message === 'too large';
    sendJson(res, tooLarge ? 413 : 400, { error: { message: tooLarge ? `The invoke payload is larger than ${MAX_INVOKE_BYTES / 1024} KB, the most the bridge takes.` : 'The invoke request is not a JSON object.' } });
    return;
  }
  const { resourceKey, functionKey, projectKey } = body;
  const resource = options.resources.find((r) => r.key === resourceKey);
  if (!resource) return sendJson(res, 404, { error: { message: `No Custom UI resource ${String(resourceKey)}` } });
  if (typeof functionKey !== 'string' || functionKey === '') return sendJson(res, 400, { error: { message: 'functionKey must be a string' } });
  const project = isProjectPage(resource) ? options.projects.find((p) => p.key === projectKey) : undefined;
  if (isProjectPage(resource) && !project) return sendJson(res, 404, { error: { message: `No project ${String(projectKey)}` } });

  // No session, no call: never fall back to a default user (that would be the admin).
  const named = parseCookies(req.headers.cookie).get(USER_COOKIE);
  if (named === undefined) return sendJson(res, 401, { error: { message: `No user session: open the shell page first (it sets the ${USER_COOKIE} cookie).` } });
  const user = options.users.find((u) => u.accountId === named);
  if (!user) return sendJson(res, 401, { error: { message: `The user ${named} of the session is not a user of this site: choose one in the shell.` } });
  try {
    const value = await options.invokeResolver({
      moduleKey: resource.moduleKey,
      functionKey,
      payload: body.payload,
      accountId: user.accountId,
      extensionContext: extensionContext(resource, project),
    });
    sendJson(res, 200, { body: value === undefined ? null : value });
  } catch (error) {
    // Over Forge's user-led invocation rate the resolver did not run: a 429, not a failure of it.
    if (error instanceof InvocationRateLimitedError) return sendJson(res, 429, { error: { message: error.message } });
    // As on Forge, the page learns only that the function failed and its message.
    const message = error instanceof Error ? error.message : String(error);
    log(`resolver ${resource.moduleKey}/${functionKey} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
    sendJson(res, 500, { error: { message } });
  }
}

async function serveResource(req: IncomingMessage, res: ServerResponse, options: UiRoutesOptions, resource: UiResource, rest: string, url: URL, ids: ForgeIds): Promise<void> {
  const method = req.method ?? 'GET';
  const root = resolve(options.distDir, resource.dir);
  const relativePath = safeDecode(rest).replace(/^\/+/, '');
  const isIndex = relativePath === '' || relativePath === 'index.html';
  const file = resolve(root, isIndex ? 'index.html' : relativePath);
  if (file !== root && !file.startsWith(root + sep)) {
    sendText(res, 404, 'Not found');
    return;
  }

  let info;
  try {
    info = await stat(file);
  } catch {
    info = undefined;
  }
  if (!info?.isFile()) {
    sendText(res, 404, isIndex ? `The resource ${resource.key} is not built: run \`npm run build:ui\` (no ${file}).` : 'Not found');
    return;
  }

  if (!isIndex) {
    send(res, 200, contentType(file), await readFile(file), method, { 'cache-control': 'no-cache' });
    return;
  }

  const cookies = parseCookies(req.headers.cookie);
  const colorMode = parseColorMode(cookies.get(THEME_COOKIE));
  const user = userFor(options.users, cookies.get(USER_COOKIE));
  // The subpage's route, and under it the app's own path (`webhooks/<id>`) for its history.
  const asked = url.searchParams.get('route') ?? '';
  const route = (resource.pages ?? []).find((p) => asked === p.route || asked.startsWith(`${p.route}/`))?.route ?? '';
  const project = isProjectPage(resource) ? options.projects.find((p) => p.key === url.searchParams.get('project')) : undefined;
  const host = req.headers.host ?? '127.0.0.1';
  const frameConfig = {
    frameId: `${resource.key}-${Date.now().toString(36)}`,
    resourceKey: resource.key,
    route,
    projectKey: project?.key ?? null,
    initialPath: `/${route === '' ? '' : asked}`,
    theme: { htmlAttrs: themeHtmlAttrs(colorMode), cssUrl: `/_bridge/theme.css?colorMode=${colorMode}` },
    context: forgeContext(resource, project, user?.accountId, colorMode, `http://${host}`, ids),
  };
  const html = injectBridge(await readFile(file, 'utf8'), frameConfig);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (options.contentPermissions) headers['content-security-policy'] = contentSecurityPolicy(options.contentPermissions);
  send(res, 200, 'text/html; charset=utf-8', html, method, headers);
}

/** `view.getContext()` as Forge answers it for a Jira page module. */
function forgeContext(resource: UiResource, project: UiRoutesOptions['projects'][number] | undefined, accountId: string | undefined, colorMode: ColorMode, siteUrl: string, ids: ForgeIds) {
  return {
    ...(accountId ? { accountId } : {}),
    cloudId: ids.cloudId,
    siteUrl,
    environmentId: ids.environmentId,
    environmentType: 'DEVELOPMENT',
    localId: localIdOf({ ...LOCAL_APP, appId: ids.appId, environmentId: ids.environmentId }, resource.moduleKey),
    locale: 'en-US',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    moduleKey: resource.moduleKey,
    extension: extensionContext(resource, project),
    theme: themeState(colorMode),
  };
}

/**
 * The bridge goes first in `<head>`: `@forge/bridge` looks for it as soon as the app's code loads.
 * Beside it, the theme's design tokens are preloaded: the page renders only once they apply
 * (`view.theme.enable()`), and asked for by the page's first script they queued behind its
 * start-up calls and code (on Forge the product hands them over; here they are a file of the host).
 */
function injectBridge(html: string, config: { readonly theme: { readonly cssUrl: string } }): string {
  const tags = `<script id="forge-local-bridge-config" type="application/json">${scriptJson(config)}</script><link rel="preload" as="style" href="${escapeHtml(config.theme.cssUrl)}"><script src="/_bridge/bridge.js"></script>`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return tags + html;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}\n${tags}${html.slice(at)}`;
}

/** Forge's policy for Custom UI: the app's own scripts and styles, plus `permissions.content`. */
function contentSecurityPolicy(permissions: NonNullable<UiRoutesOptions['contentPermissions']>): string {
  const source = (value: string) => (/^(unsafe-|sha(256|384|512)-|nonce-|strict-dynamic$|wasm-unsafe-eval$)/.test(value) ? `'${value}'` : value);
  const extra = (values: readonly string[] | undefined) => (values ?? []).map((v) => ` ${source(v)}`).join('');
  return [
    "default-src 'self'",
    `script-src 'self'${extra(permissions.scripts)}`,
    `style-src 'self'${extra(permissions.styles)}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, method: string, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'content-type': type, 'content-length': String(bytes.length), 'x-content-type-options': 'nosniff', ...headers });
  res.end(method === 'HEAD' ? undefined : bytes);
}

function sendText(res: ServerResponse, status: number, text: string): true {
  send(res, status, 'text/plain; charset=utf-8', text, 'GET', { 'cache-control': 'no-store' });
  return true;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), 'GET', { 'cache-control': 'no-store' });
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.writeHead(405, { allow, 'content-type': 'text/plain; charset=utf-8' });
  res.end('Method not allowed');
  return true;
}

async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}
