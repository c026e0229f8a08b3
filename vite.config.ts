/**
 * The Custom UI resources of `manifest.yml`, one self-contained build each: Forge serves every
 * resource directory on its own, so a page must never load a chunk from another resource.
 * Sources: `static/<dir>/index.html` (shared code in `static/common/`);
 * output: `static/dist/<dir>/index.html` with its assets in `static/dist/<dir>/assets/`.
 * Run from the repository root (`npm run build:ui`, or `npx vite build`).
 */
const RESOURCES = [
  // Vite names environments with identifiers only.
  { environment: 'admin', dir: 'admin' },
  { environment: 'projectPage', dir: 'project-page' },
] as const;

function resourceEnvironment(dir: string, first: boolean) {
  return {
    consumer: 'client',
    build: {
      outDir: 'dist',
      // Both builds write into static/dist: the first one empties it.
      emptyOutDir: first,
      // The admin page's styles in one file, linked from its HTML: a subpage's chunk then waits for
      // no stylesheet of its own (Vite holds a chunk back until its styles have loaded, and on the
      // host those requests queue behind the page's resolver calls). 28 KB gzip, no script.
      cssCodeSplit: dir !== 'admin',
      // The HTML lands at <dir>/index.html (its path under `root`), so its assets go beside it.
      assetsDir: `${dir}/assets`,
      rollupOptions: {
        input: `${dir}/index.html`,
        // The contracts in src/shared declare their zod schemas at the top level; a page that takes
        // only a constant from one (the API tokens page: the name's length) would otherwise carry
        // zod and every schema (23 KB gzip) and build them all at start. Schemas nobody uses go.
        treeshake: { manualPureFunctions: ['z'] },
      },
      // Which chunks each page loads, outside the resource's directory (Forge uploads that one):
      // the size budget test (test/ui-size-budget.test.ts) reads it.
      manifest: `.vite/${dir}.json`,
    },
  };
}

interface BuiltChunk {
  readonly type: 'chunk' | 'asset';
  readonly fileName: string;
  readonly facadeModuleId?: string | null;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
  readonly viteMetadata?: { readonly importedCss: ReadonlySet<string> };
}

/**
 * A page's first script (`<dir>/main.tsx`, static/common/boot.ts) is small: it asks for the
 * page's data and theme, then imports the page's code from `<dir>/app.tsx`. This plugin links
 * that code and its styles from the HTML (`modulepreload`, `stylesheet`), so the browser fetches
 * them beside the first script instead of once it has run, and with them the chunks most of the
 * views that first script may start share (sharedViewCode).
 */
const preloadPageCode = {
  name: 'projectrak-preload-page-code',
  transformIndexHtml: {
    order: 'post' as const,
    handler(_html: string, ctx: { readonly path: string; readonly bundle?: Record<string, BuiltChunk>; readonly chunk?: BuiltChunk }) {
      const { bundle, chunk: entry } = ctx;
      if (!bundle || !entry) return [];
      const dir = ctx.path.replace(/^\/+/, '').split('/')[0] ?? '';
      const app = (entry.dynamicImports ?? []).map((file) => bundle[file]).find((c) => c?.facadeModuleId?.endsWith(`/${dir}/app.tsx`));
      if (!app) throw new Error(`vite.config.ts: ${dir}/main.tsx does not import ${dir}/app.tsx`);
      // The entry's own imports are linked by Vite already.
      const linked = new Set<string>([entry.fileName, ...(entry.imports ?? [])]);
      const scripts: string[] = [];
      const styles = new Set<string>();
      const visit = (file: string): void => {
        const chunk = bundle[file];
        if (linked.has(file) || !chunk) return;
        linked.add(file);
        for (const imported of chunk.imports ?? []) visit(imported);
        scripts.push(file);
        for (const css of chunk.viteMetadata?.importedCss ?? []) styles.add(css);
      };
      visit(app.fileName);
      for (const file of sharedViewCode(bundle, entry, app.fileName)) visit(file);
      const href = (file: string) => `./${file.slice(dir.length + 1)}`;
      return [
        ...scripts.map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: href(file) }, injectTo: 'head' as const })),
        ...[...styles].map((file) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: href(file) }, injectTo: 'head' as const })),
      ];
    },
  },
};

/**
 * The chunks most of the views the first script may start need (the admin page's subpages and a
 * webhook's own address: table, lozenge, box…), so the HTML links them beside the page's code:
 * otherwise they are asked for only once the first script has run, beside the view's data, and
 * the host answers them behind its resolver calls. What only one or two views need is still
 * fetched when the view starts; each page's budget (test/ui-size-budget.test.ts) counts both.
 */
function sharedViewCode(bundle: Record<string, BuiltChunk>, entry: BuiltChunk, appFile: string): string[] {
  const views = (entry.dynamicImports ?? []).filter((file) => file !== appFile && !bundle[file]?.facadeModuleId?.includes('/node_modules/'));
  const needed = new Map<string, number>();
  for (const view of views) {
    const seen = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imported of bundle[file]?.imports ?? []) walk(imported);
    };
    for (const imported of bundle[view]?.imports ?? []) walk(imported);
    for (const file of seen) needed.set(file, (needed.get(file) ?? 0) + 1);
  }
  return [...needed].filter(([, count]) => views.length > 1 && count * 2 > views.length).map(([file]) => file);
}

const config = {
  root: 'static',
  plugins: [preloadPageCode],
  // Forge serves a resource under a path of its own: every asset URL must be relative.
  base: './',
  // Vite's built-in oxc transform compiles TSX (no React plugin is needed for a build).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  experimental: {
    // A page's HTML sits at <dir>/index.html and its assets at <dir>/assets/…: link them as
    // `./assets/…` (Vite's relative default goes through `../<dir>/`, which breaks once Forge
    // serves the directory under a name of its own).
    renderBuiltUrl(filename: string, { hostType, hostId }: { hostType: 'js' | 'css' | 'html'; hostId: string }) {
      if (hostType !== 'html') return { relative: true };
      const dir = hostId.split('/')[0] ?? '';
      return filename.startsWith(`${dir}/`) ? `./${filename.slice(dir.length + 1)}` : { relative: true };
    },
  },
  resolve: {
    alias: [
      // Atlaskit's client for Atlassian's own feature gates (Statsig, ~230 KB): an app frame has
      // none, so every gate is off (static/common/feature-gates-off.ts).
      { find: /^@atlaskit\/feature-gate-js-client\/feature-gates$/, replacement: `${__dirname}/static/common/feature-gates-off.ts` },
    ],
  },
  build: {
    target: 'es2022',
    // Pages split their code by view (React.lazy); what each page loads before it is usable has a
    // budget of its own (test/ui-size-budget.test.ts), so Vite's per-chunk warning adds nothing.
    chunkSizeWarningLimit: 4096,
  },
  environments: Object.fromEntries(RESOURCES.map((r, index) => [r.environment, resourceEnvironment(r.dir, index === 0)])),
  builder: {
    async buildApp(builder: { environments: Record<string, unknown>; build(environment: unknown): Promise<unknown> }) {
      for (const { environment } of RESOURCES) {
        const env = builder.environments[environment];
        if (!env) throw new Error(`vite.config.ts: no build environment ${environment}`);
        await builder.build(env);
      }
    },
  },
};

// CommonJS on purpose (no import, no export): the package is CommonJS, and ESM syntax here makes
// every build warn about Vite's future native config loader. Vite checks the shape when it loads.
module.exports = config;
