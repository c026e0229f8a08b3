import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * A bare `git clone` must pass `npm test`: no test, script or source file may read a path outside
 * the repository (a folder checked out beside it, a path of one machine). This scans every text
 * file of the project for path literals that leave the repository root.
 */

const ROOT = resolve(__dirname, '..');
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage', '.forge-local', 'test-results']);
const TEXT_FILE = /\.(ts|tsx|js|mjs|cjs|json|ya?ml|sh|html|css)$/;
/** Extension-less scripts that run in CI. */
const SCRIPTS = new Set(['.ci/run']);

/** Folders of one machine: the home of a user, or a workspace mount. */
const MACHINE_PREFIXES = [/^\/home\//, /^\/Users\//, /^\/root\//, /^\/work(space)?\//, /^\/mnt\//, /^[A-Za-z]:\\/];

function projectFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) || full === join(ROOT, 'static', 'dist') ? [] : projectFiles(full);
    const rel = relative(ROOT, full).split(sep).join('/');
    return TEXT_FILE.test(entry.name) && entry.name !== 'package-lock.json' || SCRIPTS.has(rel) ? [full] : [];
  });
}

const isOutside = (root: string, target: string) => {
  const rel = relative(root, target);
  return rel === '..' || rel.startsWith(`..${sep}`) || resolve(rel) === rel;
};

/**
 * Path references in `text` (the content of the file at `file`) that point outside `root`:
 * relative literals (`'../x'`, `'./x'`) resolved from the file's folder, `join/resolve(__dirname,
 * '..', ...)` calls, and absolute literals under the repository's parent or a machine's folders.
 */
function pathsOutside(root: string, file: string, source: string): string[] {
  const found: string[] = [];
  // Comment lines may name paths in prose (e.g. how Vite links assets); only code reads files.
  const text = source.split('\n').filter((line) => !/^\s*(\/\/|\/?\*|#)/.test(line)).join('\n');
  const parentPrefix = dirname(root) + sep;
  for (const match of text.matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g)) {
    const literal = match[2] ?? '';
    if (/^\.\.?\//.test(literal) && isOutside(root, resolve(dirname(file), literal))) found.push(literal);
    else if (literal.startsWith(parentPrefix) || MACHINE_PREFIXES.some((prefix) => prefix.test(literal))) found.push(literal);
  }
  for (const match of text.matchAll(/\b(?:join|resolve)\(\s*__dirname((?:\s*,\s*(['"])[^'"\n]*\2)+)\s*\)/g)) {
    const parts = [...(match[1] ?? '').matchAll(/(['"])([^'"\n]*)\1/g)].map((part) => part[2] ?? '');
    if (isOutside(root, resolve(dirname(file), ...parts))) found.push(`__dirname + ${parts.join(', ')}`);
  }
  return found;
}

describe('pathsOutside finds references that leave the repository', () => {
  const root = '/checkout/repo';
  const file = '/checkout/repo/src/domain/example.test.ts';
  const up = '..';

  it.each<[string, string, string[]]>([
    ['a relative path to a folder beside the checkout', `readFileSync('${up}/${up}/${up}/shared/seed.txt')`, [`${up}/${up}/${up}/shared/seed.txt`]],
    ['path.resolve(__dirname, ...) leaving the root', `resolve(__dirname, '${up}/${up}/${up}/shared/x')`, [`${up}/${up}/${up}/shared/x`, `__dirname + ${up}/${up}/${up}/shared/x`]],
    ['join(__dirname, "..", ...) leaving the root', `join(__dirname, '${up}', '${up}', '${up}', 'shared')`, [`__dirname + ${up}, ${up}, ${up}, shared`]],
    ['an absolute path beside the checkout', `const page = "/checkout/shared/seed.txt";`, ['/checkout/shared/seed.txt']],
    ['an absolute path inside the checkout (one machine only)', 'const p = `/checkout/repo/test/x.json`;', ['/checkout/repo/test/x.json']],
    ['a home folder', `const p = '/home/dev/seed.txt';`, ['/home/dev/seed.txt']],
    ['an import within the repository', `import { x } from '${up}/${up}/test/support/host-fixture';`, []],
    ['join(__dirname, "..") within the repository', `join(__dirname, '${up}', '${up}', 'manifest.yml')`, []],
    ['a URL path', `fetch('/rest/api/3/project/DEMO')`, []],
    ['a system binary', `const chromium = '/usr/bin/chromium';`, []],
    ['a comment line naming a path in prose', `// Vite links \`${up}/${up}/${up}/<dir>/\` by default`, []],
  ])('%s', (_case, text, expected) => {
    expect(pathsOutside(root, file, text)).toEqual(expected);
  });
});

describe('the repository stands alone', () => {
  it('scans the project (sanity: it sees sources, tests and scripts)', () => {
    const files = projectFiles().map((f) => relative(ROOT, f).split(sep).join('/'));
    expect(files).toEqual(expect.arrayContaining(['src/index.ts', 'test/support/host-fixture.ts', 'local/main.ts', 'package.json', '.ci/run']));
  });

  it('has no file referencing a path outside the repository', () => {
    const offenders = projectFiles()
      .filter((file) => file !== __filename)
      .flatMap((file) => pathsOutside(ROOT, file, readFileSync(file, 'utf8')).map((ref) => `${relative(ROOT, file)}: ${ref}`));
    expect(offenders).toEqual([]);
  });
});
