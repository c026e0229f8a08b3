/**
 * First load of the Custom UI pages in a browser: `npm run bench:ui` (`-- --runs 3` for fewer,
 * `-- --out <file>` to write the results elsewhere than bench/results.json, `-- --dist <dir>` to
 * measure another build of the UI than static/dist, e.g. an older commit's on the same machine).
 *
 * The whole app in the offline host (as `npm start` runs it, demo data, a fresh state) in a process
 * of its own (bench/ui-host.ts), the built pages (`npm run build:ui` first) in Debian's Chromium,
 * each load in a new browser context (a cold cache, as a first visit). For each page it measures,
 * from the shell's navigation start:
 *
 * - `usableMs`: until the page is usable (its data shown and, for editors, every field's input:
 *   its editor, or for dates, options, people and projects the picker's light stand-in, which
 *   takes focus and typing and loads the picker's chunk when first reached),
 *   as the page itself notes it when its DOM changes to usable (`watchUsable`);
 * - `frameHtmlMs`: until the app frame's HTML has arrived, before any of the app's script is
 *   fetched (the host's share and the baseline of the same run: `usableRatio` = usable / frame HTML);
 * - `scriptGzipKb`: the app's scripts fetched before it was usable, as their built files compress
 *   with gzip (the host serves them plain; a CDN, as Forge's, sends them compressed);
 * - the start-up resolver calls with their start and end: `parallel` says whether the first two
 *   ran side by side (the second began before the first answered);
 * - for editors, `pickersLoadedMs`: when the pickers' chunk had arrived (after the page was
 *   usable: it loads once the browser is idle).
 *
 * Nothing passes or fails here: the numbers go to bench/results.json under `ui`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { DEMO_USERS } from '../local/platform/jira-site';
import { USER_COOKIE } from '../local/ui';

const REPO_ROOT = join(__dirname, '..');
/** The built UI measured: static/dist, or another build (`--dist <dir>`, e.g. an older commit's, to compare on the same machine at the same time). */
const DIST = ((): string => {
  const at = process.argv.indexOf('--dist');
  return at >= 0 ? resolve(process.argv[at + 1] ?? '') : join(REPO_ROOT, 'static/dist');
})();
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The goals of issue 18, printed beside the numbers. */
const GOAL_USABLE_MS = 1000;
const GOAL_SCRIPT_GZIP_KB = 150;

interface PageCase {
  readonly id: string;
  readonly user: keyof typeof DEMO_USERS;
  readonly path: string;
  /** The page is usable once this selector matches in the app's frame… */
  readonly selector: string;
  /** …and, for editors, every field that can be edited holds its input (`#field-<id>`: an editor or a picker's stand-in). */
  readonly everyEditor?: boolean;
}

/**
 * Runs in every frame before its own scripts (`addInitScript`): in the app's frame it checks on
 * every change of the DOM whether the page is usable, and notes when (`performance.now()` of the
 * frame), so the moment is the page's own, not when the driver noticed. Plain JavaScript on
 * purpose: it is not compiled for the page.
 */
const watchUsable = (page: PageCase): string => `(() => {
  if (!location.pathname.startsWith('/app/')) return;
  const { selector, everyEditor } = ${JSON.stringify({ selector: page.selector, everyEditor: page.everyEditor === true })};
  const usable = () => {
    if (!document.querySelector(selector)) return false;
    if (!everyEditor) return true;
    // Formulas and automatic fields have no editor: their block says it is read-only.
    const blocks = [...document.querySelectorAll('[data-field-name]')];
    return blocks.length > 0 && blocks.every((b) => b.querySelector('[data-testid$="-read-only"]') || b.querySelector('#' + CSS.escape(b.getAttribute('data-testid') || '')));
  };
  // Checked on every change of the page's DOM, as React commits it (an animation frame would wait
  // for the main thread, which may be busy compiling the next chunk).
  const observer = new MutationObserver(() => {
    if (!usable()) return;
    window.__benchUsableAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

/**
 * Read in the app's frame once it is usable: its time origin, when it became usable and when its
 * HTML and scripts arrived. A function, not a string: the frame's CSP refuses evaluated strings.
 * (No named function inside: the bench's compiler would wrap it in a helper the page lacks.)
 */
const frameTiming = (): FrameTiming => {
  const { performance: perf, __benchUsableAt } = globalThis as unknown as {
    performance: { timeOrigin: number; getEntriesByType(type: string): readonly { name: string; responseEnd: number }[] };
    __benchUsableAt: number;
  };
  return {
    origin: perf.timeOrigin,
    usableAt: __benchUsableAt,
    htmlEnd: perf.getEntriesByType('navigation')[0]?.responseEnd ?? null,
    scripts: perf
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/app/') && new URL(e.name).pathname.endsWith('.js'))
      .map((e) => ({ name: new URL(e.name).pathname, end: e.responseEnd })),
  };
};

interface FrameTiming {
  readonly origin: number;
  readonly usableAt: number;
  readonly htmlEnd: number | null;
  readonly scripts: readonly { readonly name: string; readonly end: number }[];
}

const CASES: readonly PageCase[] = [
  // Values, Save and every field's input (the pickers of lists, people and dates are a chunk of
  // their own, loaded when such a field is first reached or the browser is idle: their fields
  // show a stand-in meanwhile, so the page is usable without it).
  { id: 'projectPageEditor', user: 'projectAdmin', path: '/?module=projectrak-project-page&project=DEMO', selector: '[data-testid="save-fields"]', everyEditor: true },
  { id: 'projectPageViewer', user: 'viewer', path: '/?module=projectrak-project-page&project=DEMO', selector: '[data-field-name]' },
  { id: 'adminWebhooks', user: 'admin', path: '/?module=projectrak-admin&route=webhooks', selector: '[data-testid^="webhook-row-"]' },
  { id: 'adminFields', user: 'admin', path: '/?module=projectrak-admin&route=fields', selector: '[data-testid="fields-table--table"]' },
  { id: 'adminApiTokens', user: 'admin', path: '/?module=projectrak-admin&route=api-tokens', selector: '[data-testid="api-tokens-table--table"], [data-testid="no-api-tokens"]' },
  // A webhook's own address (reload or a shared link): its detail with the delivery log.
  { id: 'adminWebhookDetail', user: 'admin', path: '/?module=projectrak-admin&route=webhooks/{demoWebhookId}', selector: 'li[data-testid^="delivery-"]' },
];

interface Call {
  readonly functionKey: string;
  readonly startMs: number;
  endMs: number | undefined;
}

interface Sample {
  readonly usableMs: number;
  readonly frameHtmlMs: number;
  readonly scriptGzipBytes: number;
  readonly scripts: number;
  readonly calls: readonly Call[];
  /** For editors: when the pickers' chunk had arrived (loaded once the page is idle, or when a picker's field is first reached). */
  readonly pickersMs?: number;
}

async function measure(browser: Browser, baseUrl: string, page: PageCase, demoWebhookId: string): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  try {
    await context.addCookies([{ name: USER_COOKIE, value: encodeURIComponent(DEMO_USERS[page.user].accountId), url: baseUrl }]);
    await context.addInitScript({ content: watchUsable(page) });
    const tab = await context.newPage();
    let start = 0;
    const calls: Call[] = [];
    const pendingCalls = new Map<unknown, Call>();
    tab.on('request', (request) => {
      if (new URL(request.url()).pathname !== '/_bridge/invoke') return;
      const body = request.postDataJSON() as { functionKey?: unknown } | null;
      const call: Call = { functionKey: String(body?.functionKey), startMs: performance.now() - start, endMs: undefined };
      calls.push(call);
      pendingCalls.set(request, call);
    });
    tab.on('requestfinished', (request) => {
      const call = pendingCalls.get(request);
      if (call) call.endMs = performance.now() - start;
    });
    start = performance.now();
    await tab.goto(`${baseUrl}${page.path.replace('{demoWebhookId}', encodeURIComponent(demoWebhookId))}`, { waitUntil: 'commit' });
    const frameElement = await tab.waitForSelector('[data-testid="app-frame"]');
    const frame = await frameElement.contentFrame();
    if (!frame) throw new Error('the shell has no app frame');
    await frame.waitForFunction(() => (globalThis as { __benchUsableAt?: number }).__benchUsableAt !== undefined, undefined, { timeout: 30_000 }).catch((error: unknown) => {
      throw new Error(`${page.id}: not usable (${frame.url()}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    });
    const timing = await frame.evaluate(frameTiming);
    // After it is usable, an editor's page loads the pickers when the browser is idle: when they arrived.
    const pickersEnd = page.everyEditor
      ? await frame
          .waitForFunction(() => (globalThis as unknown as { performance: { getEntriesByType(type: string): readonly { name: string; responseEnd: number }[] } }).performance.getEntriesByType('resource').find((e) => /\/editing-[^/]*\.js$/.test(e.name) && e.responseEnd > 0)?.responseEnd, undefined, { timeout: 15_000 })
          .then(async (handle) => (await handle.jsonValue()) as number)
      : undefined;
    // Both pages' clocks start at their own navigation: the shell's is the user's start.
    const shellOrigin = await tab.evaluate(() => (globalThis as unknown as { performance: { timeOrigin: number } }).performance.timeOrigin);
    const sinceShell = (frameMs: number) => timing.origin + frameMs - shellOrigin;
    if (timing.htmlEnd === null) throw new Error(`${page.id}: the app frame has no navigation timing`);
    const before = timing.scripts.filter((s) => s.end <= timing.usableAt);
    const gzipOf = (name: string): number => {
      const gzip = SCRIPT_GZIP.get(basename(name));
      if (gzip === undefined) throw new Error(`${name} is not a script of the build measured: was the UI rebuilt while measuring?`);
      return gzip;
    };
    // The calls were timed from just before the shell was asked for: the same start, give or take the request's departure.
    return {
      usableMs: sinceShell(timing.usableAt),
      frameHtmlMs: sinceShell(timing.htmlEnd),
      scriptGzipBytes: before.reduce((sum, s) => sum + gzipOf(s.name), 0),
      scripts: before.length,
      calls,
      ...(pickersEnd === undefined ? {} : { pickersMs: sinceShell(pickersEnd) }),
    };
  } finally {
    await context.close();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

/** Whether the first two start-up calls overlapped: the second began before the first answered. */
function ranInParallel(calls: readonly Call[]): boolean {
  const [first, second] = calls;
  return first !== undefined && second !== undefined && first.endMs !== undefined && second.startMs < first.endMs;
}

/** Every built script's gzip size (level 9), by file name. */
const SCRIPT_GZIP = new Map<string, number>();

/** The commit measured, and whether the UI's sources differ from it (or the other build measured, `--dist`). */
function commitOf(): string {
  if (DIST !== join(REPO_ROOT, 'static/dist')) return `the build in ${DIST}`;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'static', 'vite.config.ts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${head} (static/ with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

interface HostProcess {
  readonly baseUrl: string;
  readonly demoWebhookId: string;
  readonly log: readonly string[];
  stop(): Promise<void>;
}

/** The line bench/ui-host.ts prints once it serves, before its JSON. */
const READY = 'ui-host ready ';

/** The offline host in a process of its own (bench/ui-host.ts), so the browser driver does not share its event loop. */
async function startHost(): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'ui-host.ts')], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, BENCH_UI_DIST: DIST } });
  const log: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The host's own output (its start-up lines) goes to the log; its address comes on a line of its own.
  const ready = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => (line.startsWith(READY) ? resolve(line.slice(READY.length)) : log.push(line)));
    child.once('exit', (code) => reject(new Error(`the host exited (${String(code)}) before serving:\n${log.join('\n')}`)));
  });
  const { baseUrl, demoWebhookId } = JSON.parse(ready) as { baseUrl: string; demoWebhookId: string };
  return {
    baseUrl,
    demoWebhookId,
    log,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, got ${process.argv[runsArg + 1] ?? ''}`);
  for (const dir of ['admin', 'project-page']) {
    if (!existsSync(join(DIST, dir, 'index.html'))) throw new Error(`${join(DIST, dir)} is missing: npm run build:ui first.`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);

  for (const dir of ['admin', 'project-page']) {
    for (const file of readdirSync(join(DIST, dir, 'assets'))) {
      if (file.endsWith('.js')) SCRIPT_GZIP.set(file, gzipSync(readFileSync(join(DIST, dir, 'assets', file)), { level: 9 }).length);
    }
  }

  const loadAtStart = loadavg()[0] ?? 0;
  const host = await startHost();
  const { baseUrl, demoWebhookId } = host;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const results: Record<string, unknown> = {};
  try {
    // One warm-up load: the host's first theme CSS and file reads are not a page's first load.
    for (const page of CASES) await measure(browser, baseUrl, page, demoWebhookId);
    const rows: string[] = [];
    for (const page of CASES) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i += 1) samples.push(await measure(browser, baseUrl, page, demoWebhookId));
      const usable = median(samples.map((s) => s.usableMs));
      const frameHtml = median(samples.map((s) => s.frameHtmlMs));
      const last = samples[samples.length - 1];
      const calls = (last?.calls ?? []).map((c) => ({ functionKey: c.functionKey, startMs: round(c.startMs), endMs: c.endMs === undefined ? null : round(c.endMs) }));
      const scriptKb = median(samples.map((s) => s.scriptGzipBytes)) / 1024;
      results[page.id] = {
        usableMs: round(usable),
        usableMsMax: round(Math.max(...samples.map((s) => s.usableMs))),
        frameHtmlMs: round(frameHtml),
        usableRatio: round(usable / frameHtml, 2),
        scriptGzipKb: round(scriptKb, 1),
        scripts: last?.scripts ?? 0,
        startupCalls: calls,
        parallel: samples.every((s) => ranInParallel(s.calls)),
        ...(page.everyEditor ? { pickersLoadedMs: round(median(samples.map((s) => s.pickersMs ?? Number.NaN))) } : {}),
      };
      rows.push(
        `${page.id.padEnd(20)} usable ${String(round(usable)).padStart(5)} ms (goal < ${GOAL_USABLE_MS})  frame HTML ${String(round(frameHtml)).padStart(4)} ms  x${round(usable / frameHtml, 2)}  script ${round(scriptKb, 1)} KB gzip (goal <= ${GOAL_SCRIPT_GZIP_KB})${page.everyEditor ? `  pickers loaded ${round(median(samples.map((s) => s.pickersMs ?? Number.NaN)))} ms` : ''}  start-up calls ${calls.map((c) => `${c.functionKey} ${c.startMs}-${c.endMs ?? '?'}`).join(', ')}`,
      );
    }
    console.log(`UI first load at ${commitOf()}, median of ${runs} cold loads per page (${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadAtStart.toFixed(2)} at the start):`);
    for (const row of rows) console.log(`  ${row}`);
    if (host.log.some((line) => /fail|error/i.test(line))) console.log(`Host log:\n${host.log.join('\n')}`);
  } finally {
    await browser.close();
    await host.stop();
  }

  const outArg = process.argv.indexOf('--out');
  const path = outArg >= 0 ? (process.argv[outArg + 1] ?? '') : join(__dirname, 'results.json');
  if (path === '') throw new Error('--out needs a file name');
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const ui = { measuredAt: new Date().toISOString(), app: commitOf(), loadAverageAtStart: Number(loadAtStart.toFixed(2)), runs, goals: { usableMs: GOAL_USABLE_MS, scriptGzipKb: GOAL_SCRIPT_GZIP_KB }, pages: results };
  writeFileSync(path, `${JSON.stringify({ ...previous, ui }, null, 2)}\n`);
  console.log(`Wrote ui to ${path}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
