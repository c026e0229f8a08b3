import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validate } from '@forge/manifest';
import { parseManifest } from '../local/platform/manifest-model';
import * as entry from '../src/index';
import { QUEUE_KEYS } from '../src/forge/queues';

const root = resolve(__dirname, '..');
const manifestText = readFileSync(join(root, 'manifest.yml'), 'utf8');
const manifest = parseManifest(manifestText);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('manifest.yml', () => {
  it('passes @forge/manifest FULL validation with no errors (warnings are printed)', async () => {
    const cwd = process.cwd();
    process.chdir(root); // the validator resolves handlers and resources from the app's folder
    try {
      const result = await validate(false, join(root, 'manifest.yml'));
      const problems = result.errors ?? [];
      const warnings = problems.filter((p) => p.level === 'warning');
      for (const w of warnings) console.warn(`manifest warning (line ${w.line}): ${w.message}`);
      const errors = problems.filter((p) => p.level === 'error').map((p) => `line ${p.line}: ${p.message}`);
      // The validator reports success: false for warnings too (the expected `address: '*'` one).
      expect(errors).toEqual([]);
      expect(result.manifestObject).toBeDefined();
    } finally {
      process.chdir(cwd);
    }
  });

  it('runs on nodejs22.x', () => {
    expect(manifestText).toMatch(/runtime:\s*\n\s*name: nodejs22\.x/);
  });

  it.each([...manifest.functions.values()].map((f) => [f.key, f.exportName]))('function %s: src/index.ts exports %s as a function', (_key, exportName) => {
    expect(typeof (entry as Record<string, unknown>)[exportName]).toBe('function');
  });

  it('src/index.ts exports nothing the manifest does not name', () => {
    const named = new Set([...manifest.functions.values()].map((f) => f.exportName));
    expect(Object.keys(entry).filter((name) => !named.has(name))).toEqual([]);
  });

  it.each(Object.values(QUEUE_KEYS))('queue %s, pushed to by the app, has a consumer in the manifest', (queueKey) => {
    expect(manifest.consumers.map((c) => c.queue)).toContain(queueKey);
  });

  it('every Queue the code creates uses a declared queue key', () => {
    const creations = sourceFiles(join(root, 'src')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/new Queue\(\s*\{\s*key:\s*([^}\s,]+)/g)].map((m) => ({ file, key: m[1] }));
    });
    expect(creations.length).toBeGreaterThan(0);
    for (const { file, key } of creations) {
      // Keys come from QUEUE_KEYS so this test and the manifest see the same list.
      expect(`${file}: ${key}`).toMatch(/: QUEUE_KEYS\.\w+$/);
    }
  });

  it('declares the modules of the product: admin page, project page, queues, sweeper, API, triggers', () => {
    expect(manifest.uiModules.map((m) => m.moduleType).sort()).toEqual(['jira:adminPage', 'jira:projectPage']);
    expect(manifest.consumers.map((c) => c.queue).sort()).toEqual(['bulk-saves', 'deliveries', 'field-changes', 'field-cleanup']);
    expect(manifest.scheduledTriggers).toEqual([expect.objectContaining({ interval: 'fiveMinute' })]);
    expect(manifest.webTriggers.map((w) => w.key)).toEqual(['management-api']);
    expect(manifest.triggers.flatMap((t) => t.events).sort()).toEqual(['avi:forge:installed:app', 'avi:jira:deleted:project', 'avi:jira:updated:project']);
  });
});
