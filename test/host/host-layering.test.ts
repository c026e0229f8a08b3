import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The offline host is the platform: it seeds and drives the app only through the app's entry
 * points (handlers the manifest names) and the platform's own services, never by calling the
 * app's use cases (src/app), which would let it do what no Forge platform can.
 */
const root = resolve(__dirname, '../..');

function hostFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hostFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('the offline host', () => {
  it("imports nothing from the app's use cases (src/app)", () => {
    const offending = hostFiles(join(root, 'local')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)]
        .map((m) => m[1] ?? '')
        .filter((spec) => /(^|\/)src\/app(\/|$)/.test(resolve(join(file, '..'), spec).replace(root, '')))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
