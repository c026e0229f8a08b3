import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The script a page loads before it is usable, from the built UI (`npm run build:ui`, which
 * `npm test` runs first): a page's entry plus the chunks it needs to show itself, each with every
 * chunk it imports, gzip-compressed (level 9, as bench/ui-load.ts counts). Issue 18's goal is at
 * most 150 KB gzip per page; `npm run bench:ui` measures the same in a browser, with the times.
 * Sizes, not times: deterministic for a given build.
 */
const DIST = resolve(__dirname, '..', 'static', 'dist');
const BUDGET_KB = 150;

interface ManifestChunk {
  readonly file: string;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
  readonly isEntry?: boolean;
  readonly isDynamicEntry?: boolean;
  readonly css?: readonly string[];
}
type Manifest = Readonly<Record<string, ManifestChunk>>;

function manifestOf(resource: string): Manifest {
  // vite.config.ts writes each resource's manifest beside the resources, not inside them.
  const path = join(DIST, '.vite', `${resource}.json`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build:ui\` first (npm test does).`);
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Every chunk the given ones load before they run: themselves and their static imports, transitively. */
function closure(manifest: Manifest, keys: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the build has no chunk for ${key}: was it renamed? Update this test's pages.`);
    seen.add(key);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const key of keys) visit(key);
  return seen;
}

function gzipKb(manifest: Manifest, keys: Iterable<string>): number {
  let bytes = 0;
  for (const key of keys) bytes += gzipSync(readFileSync(join(DIST, manifest[key]?.file ?? '')), { level: 9 }).length;
  return bytes / 1024;
}

/**
 * A page's first script (`<dir>/main.tsx`) is small: it asks for the page's data, then imports
 * the page's code (`<dir>/app.tsx`), which the HTML links for the browser to fetch beside it.
 * Both are loaded before any page is usable.
 */
const START = { admin: ['admin/index.html', 'admin/app.tsx'], 'project-page': ['project-page/index.html', 'project-page/app.tsx'] } as const;

/** Each page: its resource and the chunks (manifest keys: source paths under static/) it shows itself with. */
const PAGES: readonly { readonly page: string; readonly resource: keyof typeof START; readonly chunks: readonly string[] }[] = [
  { page: 'admin: outgoing webhooks', resource: 'admin', chunks: ['admin/webhooks/WebhooksPage.tsx'] },
  { page: "admin: a webhook's detail and delivery log", resource: 'admin', chunks: ['admin/webhooks/WebhooksPage.tsx', 'admin/webhooks/WebhookDetail.tsx'] },
  { page: 'admin: project fields', resource: 'admin', chunks: ['admin/fields/FieldsPage.tsx'] },
  { page: 'admin: API tokens', resource: 'admin', chunks: ['admin/api-tokens/ApiTokensPage.tsx'] },
  // Values, Save and every field's input: text, numbers and durations have their editors; dates,
  // options, people and projects a light stand-in (FieldEditor.tsx) that shows the value and
  // takes the focus and typing. The page is usable as first shown: the pickers themselves load
  // when someone first reaches one of those fields or the browser is idle (the chunk below).
  { page: 'project page, editor or viewer', resource: 'project-page', chunks: [] },
];

/** The chunks the page's HTML links (`modulepreload`): fetched by every view of the page, whether it needs them or not. */
function linkedFromHtml(resource: string, manifest: Manifest): string[] {
  const html = readFileSync(join(DIST, resource, 'index.html'), 'utf8');
  const files = new Set([...html.matchAll(/<link rel="modulepreload"[^>]* href="\.\/([^"]+)"/g)].map((match) => `${resource}/${match[1] ?? ''}`));
  return Object.keys(manifest).filter((key) => files.has(manifest[key]?.file ?? ''));
}

describe('the script each page loads before it is usable (built UI)', () => {
  it.each(PAGES)(`$page: at most ${BUDGET_KB} KB gzip`, ({ resource, chunks }) => {
    const manifest = manifestOf(resource);
    const kb = gzipKb(manifest, closure(manifest, [...START[resource], ...linkedFromHtml(resource, manifest), ...chunks]));
    expect(Math.round(kb * 10) / 10).toBeLessThanOrEqual(BUDGET_KB);
  });

  it('each admin subpage is a chunk of its own, none of them in the first script', () => {
    const manifest = manifestOf('admin');
    const first = closure(manifest, START.admin);
    for (const page of ['admin/webhooks/WebhooksPage.tsx', 'admin/webhooks/WebhookDetail.tsx', 'admin/fields/FieldsPage.tsx', 'admin/api-tokens/ApiTokensPage.tsx']) {
      expect({ page, dynamic: manifest[page]?.isDynamicEntry === true, inFirstScript: first.has(page) }).toEqual({ page, dynamic: true, inFirstScript: false });
    }
  });

  it("the project page's pickers are a chunk of their own, and stay within their share", () => {
    const manifest = manifestOf('project-page');
    const first = closure(manifest, START['project-page']);
    const editors = [...closure(manifest, ['project-page/editing.ts'])].filter((key) => !first.has(key));
    expect({ dynamic: manifest['project-page/editing.ts']?.isDynamicEntry, inFirstScript: first.has('project-page/editing.ts') }).toEqual({ dynamic: true, inFirstScript: false });
    // Atlaskit's select and date picker (with date-fns and the popups) are most of it: 110 KB
    // keeps a new picker's dependencies from growing it unnoticed. Nothing of it is in the page's
    // first scripts (FieldEditor.tsx imports its types only).
    expect(Math.round(gzipKb(manifest, editors) * 10) / 10).toBeLessThanOrEqual(110);
  });

  it.each(Object.entries(START))("%s: the first script stays small and the HTML links the page's code and styles to load beside it", (resource, [entry, app]) => {
    const manifest = manifestOf(resource);
    const html = readFileSync(join(DIST, resource, 'index.html'), 'utf8');
    // The first script asks for the page's data: it must not carry React or Atlaskit (boot.ts).
    expect(Math.round(gzipKb(manifest, closure(manifest, [entry])) * 10) / 10).toBeLessThanOrEqual(25);
    const linked = (file: string) => html.includes(`href="./${file.slice(resource.length + 1)}"`);
    const missing = [...closure(manifest, [app])]
      .filter((key) => !closure(manifest, [entry]).has(key))
      .flatMap((key) => [manifest[key]?.file ?? key, ...(manifest[key]?.css ?? [])])
      .filter((file) => !linked(file));
    expect(missing).toEqual([]);
  });
});
