import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { createUiRoutes, USER_COOKIE, type UiResource } from '../../local/ui';
import { parseManifest } from '../../local/platform/manifest-model';
import { PROJECTS, USERS, type FakeBackend, type FakeUser } from './fake-backend';

/**
 * Browser tests of the Custom UI: the built pages (`static/dist`, built by `npm run build:ui`
 * before the tests; `npm test` does) in the offline host's shell, in Debian's Chromium, against
 * a resolver stand-in.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');
const DIST_DIR = join(REPO_ROOT, 'static', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function assertBuilt(): void {
  for (const dir of ['admin', 'project-page']) {
    if (!existsSync(join(DIST_DIR, dir, 'index.html'))) {
      throw new Error(`static/dist/${dir}/index.html is missing: build the UI first (npm run build:ui, or npm test which does).`);
    }
  }
}

/** The Custom UI modules of manifest.yml, as the host serves them. */
export function manifestResources(): UiResource[] {
  const manifest = parseManifest(readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8'));
  return manifest.uiModules.map((m) => ({
    key: m.resourceKey,
    dir: resolve(REPO_ROOT, m.resourcePath),
    moduleKey: m.key,
    moduleType: m.moduleType,
    title: m.title,
    pages: m.pages,
  }));
}

export interface UiServer {
  readonly baseUrl: string;
  readonly hostErrors: string[];
  close(): Promise<void>;
}

export async function startUiServer(backend: FakeBackend): Promise<UiServer> {
  const hostErrors: string[] = [];
  const routes = createUiRoutes({
    distDir: DIST_DIR,
    resources: manifestResources(),
    users: Object.values(USERS).map((u: FakeUser) => ({ accountId: u.accountId, displayName: u.displayName, label: u.label })),
    projects: PROJECTS,
    invokeResolver: backend.invokeResolver,
    // Forge's Content Security Policy, with the permission Atlaskit needs in manifest.yml
    // (`permissions.content.styles: [unsafe-inline]`): the modal's scroll lock adds a <style>.
    contentPermissions: { styles: ['unsafe-inline'] },
    log: (line) => hostErrors.push(line),
  });
  const server: Server = createServer((req, res) => {
    routes(req, res)
      .then((handled) => {
        if (!handled) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Not found');
        }
      })
      .catch((error: unknown) => {
        hostErrors.push(String(error));
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    hostErrors,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface ShellPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** The app page inside the shell. */
  readonly app: FrameLocator;
  /** Console errors, uncaught exceptions and failed requests, from the shell and the app. */
  readonly problems: string[];
  /** Console warnings, from the shell and the app. */
  readonly warnings: string[];
  /** Requests that tried to leave the host (fonts, CDNs, telemetry): there must be none. */
  readonly externalRequests: string[];
}

/** Opens the shell at `path` as `user` (the cookie the shell's user switcher sets). */
export async function openShell(browser: Browser, server: UiServer, user: FakeUser, path: string, options: { colorMode?: 'light' | 'dark' } = {}): Promise<ShellPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.addCookies([
    { name: USER_COOKIE, value: encodeURIComponent(user.accountId), url: server.baseUrl },
    ...(options.colorMode ? [{ name: 'forge-local-theme', value: options.colorMode, url: server.baseUrl }] : []),
  ]);
  const problems: string[] = [];
  const warnings: string[] = [];
  const externalRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(server.baseUrl) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    externalRequests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? ''})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(`${server.baseUrl}${path}`);
  return { context, page, app: page.frameLocator('[data-testid="app-frame"]'), problems, warnings, externalRequests };
}
