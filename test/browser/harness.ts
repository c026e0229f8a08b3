import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { startLocalApp, type LocalApp } from '../../local/local-app';
import { DEMO_PROJECTS, DEMO_USERS } from '../../local/platform/jira-site';
import { USER_COOKIE } from '../../local/ui';
import type { FieldChangeRecord } from '../../src/domain/records';
import type { FieldDefinitionDto, ResolverDefs, ResolverResult, ResolverValue as Value } from '../../src/shared/resolver-contract';
import { changeRecords } from '../support/host-fixture';

/**
 * Browser tests of the Custom UI: the built pages (`static/dist`, built by `npm run build:ui`
 * before the tests; `npm test` does) in the offline host's shell, in Debian's Chromium, against
 * the whole app running in the offline host as `npm start` runs it: the real resolvers, storage,
 * queues and Jira stand-in, with the demo data of a fresh state.
 *
 * One app per test file (the host installs process-wide globals; jest gives each file its own),
 * shared by the file's tests, so tests set up the state they rely on through the real resolvers.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');
const DIST_DIR = join(REPO_ROOT, 'static', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The Jira stand-in's people: admin (Jira admin), projectAdmin (of DEMO), viewer (DEMO, OPS), teammate. */
export const USERS = DEMO_USERS;
export type DemoUserName = keyof typeof DEMO_USERS;
export type DemoUser = (typeof DEMO_USERS)[DemoUserName];

export function project(key: 'DEMO' | 'OPS' | 'HR'): { readonly id: number; readonly key: string; readonly name: string } {
  const found = DEMO_PROJECTS.find((p) => p.key === key);
  if (!found) throw new Error(`the Jira stand-in has no project ${key}`);
  return found;
}

export function assertBuilt(): void {
  for (const dir of ['admin', 'project-page']) {
    if (!existsSync(join(DIST_DIR, dir, 'index.html'))) {
      throw new Error(`static/dist/${dir}/index.html is missing: build the UI first (npm run build:ui, or npm test which does).`);
    }
  }
}

type Input<K extends keyof ResolverDefs> = Parameters<ResolverDefs[K]>[0];
type PayloadArgs<K extends keyof ResolverDefs> = Input<K> extends undefined ? [] : [Input<K>];

export interface RunningApp {
  readonly local: LocalApp;
  readonly baseUrl: string;
  /** Every line the host logged (resolver failures, queue and scheduler problems). */
  readonly hostLog: string[];
  /**
   * Calls a resolver as the platform does for a page, with `user` as the principal: from the
   * project page of the payload's `projectKey`, else from the admin page.
   */
  invoke<K extends keyof ResolverDefs>(user: DemoUserName, name: K, ...payload: PayloadArgs<K>): Promise<ResolverResult<Value<K>>>;
  /** Like invoke, but fails the test unless the result is ok. */
  invokeOk<K extends keyof ResolverDefs>(user: DemoUserName, name: K, ...payload: PayloadArgs<K>): Promise<Value<K>>;
  /** The field of the catalog with this name, as the admin's `listFieldDefinitions` answers. */
  field(name: string): Promise<FieldDefinitionDto>;
  /** Every change record of a project, oldest first, read from storage through the real `@forge/kvs`. */
  changeRecords(projectId: number): Promise<FieldChangeRecord[]>;
  stop(): Promise<void>;
}

/** The whole app in the offline host, as `npm start` starts it on a fresh state, on free ports. */
export async function startApp(): Promise<RunningApp> {
  assertBuilt();
  const stateDir = mkdtempSync(join(tmpdir(), 'projectrak-browser-'));
  const hostLog: string[] = [];
  let local: LocalApp;
  try {
    local = await startLocalApp({ databaseFile: ':memory:', stateDir, port: 0, receiverPort: 0, allowLoopback: true, log: (line) => hostLog.push(line) });
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
  // The seed's change events are consumed before any test looks at the queues.
  await local.host.settle();

  const modules = local.host.manifest.uiModules;
  const adminPage = modules.find((m) => m.moduleType === 'jira:adminPage');
  const projectPage = modules.find((m) => m.moduleType === 'jira:projectPage');
  if (!adminPage || !projectPage) throw new Error('manifest.yml needs a jira:adminPage and a jira:projectPage');

  const invoke = (user: DemoUserName, functionKey: string, payload?: unknown) => {
    const projectKey = (payload as { projectKey?: unknown } | undefined)?.projectKey;
    const site = typeof projectKey === 'string' ? local.host.jira.projects().find((p) => p.key === projectKey) : undefined;
    return local.host.runtime.invokeResolver({
      moduleKey: typeof projectKey === 'string' ? projectPage.key : adminPage.key,
      functionKey,
      payload: payload ?? {},
      accountId: DEMO_USERS[user].accountId,
      extensionContext:
        typeof projectKey === 'string'
          ? { type: projectPage.moduleType, ...(site ? { project: { id: String(site.id), key: site.key, type: site.projectTypeKey } } : {}) }
          : { type: adminPage.moduleType },
    });
  };
  const invokeOk = async (user: DemoUserName, name: string, payload?: unknown) => {
    const result = (await invoke(user, name, payload)) as ResolverResult<unknown>;
    if (!result.ok) throw new Error(`${name} as ${user} failed: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };

  return {
    local,
    baseUrl: local.server.baseUrl,
    hostLog,
    invoke: invoke as RunningApp['invoke'],
    invokeOk: invokeOk as RunningApp['invokeOk'],
    async field(name) {
      const { fields } = (await invokeOk('admin', 'listFieldDefinitions')) as { fields: FieldDefinitionDto[] };
      const found = fields.find((f) => f.name === name);
      if (!found) throw new Error(`the catalog has no field ${name} (it has ${fields.map((f) => f.name).join(', ')})`);
      return found;
    },
    changeRecords: (projectId) => changeRecords(projectId),
    async stop() {
      try {
        await local.stop();
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A resolver call a page made (`POST /_bridge/invoke`), as the browser sent it. */
export interface PageInvocation {
  readonly functionKey: string;
  readonly payload: unknown;
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
  /** The resolver calls the pages sent, in order. */
  readonly invocations: PageInvocation[];
  /** Calls of this resolver from the page wait until the returned function is called (to see progress in the page). */
  hold(functionKey: keyof ResolverDefs): Promise<() => void>;
  /** Lets the requests held by the option `holdRequests` go on. */
  releaseHeld(): void;
  close(): Promise<void>;
}

export interface ShellOptions {
  readonly colorMode?: 'light' | 'dark';
  /** The browser window's size (default 1440 x 1000). */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Requests to these URLs (e.g. a chunk of the app's code) wait, from the first load on, until `releaseHeld()`. */
  readonly holdRequests?: RegExp;
}

/** Opens the shell at `path` as `user` (the cookie the shell's user switcher sets). */
export async function openShell(browser: Browser, app: RunningApp, user: DemoUser, path: string, options: ShellOptions = {}): Promise<ShellPage> {
  const { baseUrl } = app;
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 1000 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.addCookies([
    { name: USER_COOKIE, value: encodeURIComponent(user.accountId), url: baseUrl },
    ...(options.colorMode ? [{ name: 'forge-local-theme', value: options.colorMode, url: baseUrl }] : []),
  ]);
  const problems: string[] = [];
  const warnings: string[] = [];
  const externalRequests: string[] = [];
  const invocations: PageInvocation[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(baseUrl) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    externalRequests.push(url);
    return route.abort();
  });
  let releaseHeld: () => void = () => undefined;
  const held = new Promise<void>((done) => (releaseHeld = done));
  if (options.holdRequests) {
    await context.route(options.holdRequests, async (route) => {
      await held;
      // The page may be gone by then (the test closed it while the request waited).
      await route.fallback().catch(() => undefined);
    });
  }
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
  page.on('request', (request) => {
    if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/_bridge/invoke') return;
    const body = request.postDataJSON() as { functionKey?: unknown; payload?: unknown } | null;
    invocations.push({ functionKey: String(body?.functionKey), payload: body?.payload });
  });
  await page.goto(`${baseUrl}${path}`);
  return {
    context,
    page,
    app: page.frameLocator('[data-testid="app-frame"]'),
    problems,
    warnings,
    externalRequests,
    invocations,
    async hold(functionKey) {
      let release: () => void = () => undefined;
      const released = new Promise<void>((done) => (release = done));
      await page.route(`${baseUrl}/_bridge/invoke`, async (route) => {
        const body = route.request().postDataJSON() as { functionKey?: unknown } | null;
        if (body?.functionKey === functionKey) await released;
        await route.fallback();
      });
      return release;
    },
    releaseHeld,
    close: async () => {
      releaseHeld();
      await context.close();
    },
  };
}

/** The calls of one resolver among what a page sent. */
export function callsTo(shell: ShellPage, functionKey: keyof ResolverDefs): PageInvocation[] {
  return shell.invocations.filter((c) => c.functionKey === functionKey);
}

export interface BrowserSuite {
  /** The file's app, started before its first test (reading it earlier throws). */
  readonly app: RunningApp;
  /** The file's Chromium, launched before its first test. */
  readonly browser: Browser;
  /** Opens the shell as openShell does; a shell the test leaves open is closed after it. */
  open(user: DemoUser, path: string, options?: ShellOptions): Promise<ShellPage>;
}

/**
 * The set-up every browser test file shares, as jest hooks of the calling `describe`: the app and
 * Chromium start together before the first test (then `setup`, in the same hook), shells still
 * open after a test are closed, and after the last test Chromium closes and the app stops.
 */
export function browserSuite(options: { setup?: () => Promise<void> } = {}): BrowserSuite {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  const open = new Set<ShellPage>();

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchChromium()]);
    await options.setup?.();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  afterEach(async () => {
    for (const shell of [...open]) await shell.close();
  });

  const suite: BrowserSuite = {
    get app() {
      if (!app) throw new Error('the app is not started yet (browserSuite starts it in beforeAll)');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet (browserSuite launches it in beforeAll)');
      return browser;
    },
    async open(user, path, shellOptions) {
      const shell = await openShell(suite.browser, suite.app, user, path, shellOptions);
      const tracked: ShellPage = {
        ...shell,
        close: async () => {
          open.delete(tracked);
          await shell.close();
        },
      };
      open.add(tracked);
      return tracked;
    },
  };
  return suite;
}
