/**
 * Full `@forge/manifest` validation of manifest.yml, the same checks `forge deploy` and
 * `forge lint` start with: schema, modules, permissions, storage entities, that every function
 * handler's file exists (`index.<export>` -> src/index.ts; the validator does not look at the
 * export names, test/manifest.test.ts does) and that every resource folder exists (static/dist/*,
 * built by `npm run build:ui`).
 *
 *   npm run validate:manifest
 *
 * Prints every error and warning with its line in manifest.yml; exits 1 if there is any error,
 * 0 otherwise (warnings alone do not fail).
 *
 * Errors are decided by `level`, not by the result's `success`: in @forge/manifest 13.7 the
 * permissions validator sets `success: false` for warnings too (it counts all its findings), so
 * the expected egress warning alone makes `success` false.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validate, type ValidationError } from '@forge/manifest';

const ROOT = resolve(__dirname, '..');
const MANIFEST = 'manifest.yml';

/**
 * The one warning this app expects: egress to any host (`address: '*'`), because admins type the
 * webhook URLs. README.md, "The egress trade-off", explains it and what guards it instead.
 */
function isExpectedEgressWarning(problem: ValidationError): boolean {
  return problem.level === 'warning' && /external\.fetch\.backend/.test(problem.message) && /global url/i.test(problem.message);
}

/** The `resources[].path` entries of the parsed manifest, if it got that far. */
function resourcePaths(typedContent: unknown): string[] {
  if (typeof typedContent !== 'object' || typedContent === null || !('resources' in typedContent)) return [];
  const { resources } = typedContent;
  if (!Array.isArray(resources)) return [];
  return resources.flatMap((resource: unknown) =>
    typeof resource === 'object' && resource !== null && 'path' in resource && typeof resource.path === 'string' ? [resource.path] : [],
  );
}

function describe(problem: ValidationError): string {
  const where = problem.line === undefined ? 'manifest.yml' : `manifest.yml:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return `${problem.level === 'error' ? 'error  ' : 'warning'} ${where}  ${problem.message} [${problem.reference}]`;
}

async function main(): Promise<number> {
  // The validator resolves handlers and resource folders relative to the manifest.
  process.chdir(ROOT);
  if (!existsSync(MANIFEST)) {
    console.error(`No ${MANIFEST} in ${ROOT}.`);
    return 1;
  }

  const result = await validate(false, MANIFEST);
  const problems = [...(result.errors ?? [])].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const errors = problems.filter((p) => p.level === 'error');
  const warnings = problems.filter((p) => p.level === 'warning');

  for (const problem of problems) {
    console.log(describe(problem));
    if (isExpectedEgressWarning(problem)) {
      console.log("         expected: webhook URLs are typed by admins, so egress is allowed to any host (address: '*');");
      console.log('         the app\'s URL policy (src/domain/url-policy.ts) guards every request. See README.md, "The egress trade-off".');
    }
  }

  // Custom UI resources are build output: say how to get them rather than leave a bare "missing".
  const unbuilt = resourcePaths(result.manifestObject?.typedContent).filter((path) => !existsSync(join(path, 'index.html')));
  if (unbuilt.length > 0) {
    console.log('');
    console.log(`Not built: ${unbuilt.map((path) => join(path, 'index.html')).join(', ')}.`);
    console.log('Run `npm run build:ui` first (it builds static/dist), then run this again.');
  }

  const expected = warnings.filter(isExpectedEgressWarning).length;
  // A failure with no problem listed at all would be a validator that stopped early: fail too.
  const failed = errors.length > 0 || (!result.success && problems.length === 0);
  console.log('');
  console.log(
    `${MANIFEST}: ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` +
      `${expected > 0 ? ` (${expected} expected)` : ''} - ${failed ? 'FAILED' : 'valid'}.`,
  );
  if (!result.success && problems.length === 0) console.log('The validator reported failure without naming a problem.');
  if (!result.success && !failed) console.log('(@forge/manifest reports success: false for warnings too; only errors fail this check.)');
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('Manifest validation could not run:', error);
    process.exitCode = 1;
  },
);
