import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** The package a bundled input file comes from, e.g. node_modules/@scope/name/x.js -> @scope/name. */
function packageOf(input: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1];
}

describe('what Forge deploys (everything src/index.ts reaches)', () => {
  let inputs: string[] = [];

  beforeAll(async () => {
    const result = await build({
      entryPoints: [join(root, 'src/index.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['@forge/*'],
      absWorkingDir: root,
    });
    inputs = Object.keys(result.metafile.inputs);
  });

  it('bundles', () => {
    expect(inputs).toContain('src/index.ts');
  });

  it('never reaches the offline host, tests, benchmarks or the UI sources', () => {
    expect(inputs.filter((i) => /^(local|test|bench|static|scripts)\//.test(i))).toEqual([]);
  });

  it('uses only runtime dependencies of package.json, no dev tools', () => {
    const packages = [...new Set(inputs.map(packageOf).filter((p): p is string => p !== undefined))];
    expect(packages.filter((p) => !(p in pkg.dependencies))).toEqual([]);
  });

  it('contains no native modules', () => {
    expect(inputs.filter((i) => i.endsWith('.node'))).toEqual([]);
  });
});
