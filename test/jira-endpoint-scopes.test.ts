import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseManifest } from '../local/platform/manifest-model';
import { JIRA_ENDPOINT_SCOPES, type JiraEndpointScopes } from './fixtures/jira-endpoint-scopes';

/**
 * Every Jira endpoint the app calls is in the table of endpoints and scopes (Jira's REST API
 * reference), and manifest.yml grants what each needs. Call sites are found by reading src/ as
 * `forge lint` does: only a literal `requestJira(route`...`, { method })` names its endpoint, so
 * any other form of call fails here too.
 */

const root = resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

interface CallSite {
  readonly where: string;
  readonly method: string;
  /** The route with each `${...}` as `{}` and without its query. */
  readonly path: string;
}

const LITERAL_CALL = /requestJira\(\s*route`([^`]*)`\s*([,)])/y;

/** The object literal starting at `from` (an opening brace), braces balanced; undefined if there is none. */
function objectLiteralAt(text: string, from: number): string | undefined {
  if (text[from] !== '{') return undefined;
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  return undefined;
}

/** Every `requestJira(` in src/, read as forge lint reads it; `unreadable`: calls it cannot read. */
function callSites(): { sites: CallSite[]; unreadable: string[] } {
  const sites: CallSite[] = [];
  const unreadable: string[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/requestJira\(/g)) {
      const before = text.slice(0, match.index);
      const line = before.split('\n').length;
      const where = `${relative(root, file)}:${line}`;
      // Comments that show the form are not calls.
      if (/^\s*(\*|\/\/)/.test(before.slice(before.lastIndexOf('\n') + 1))) continue;
      LITERAL_CALL.lastIndex = match.index;
      const literal = LITERAL_CALL.exec(text);
      if (!literal) {
        unreadable.push(where);
        continue;
      }
      let options: string | undefined;
      if (literal[2] === ',') {
        const rest = text.slice(LITERAL_CALL.lastIndex);
        const start = LITERAL_CALL.lastIndex + (rest.length - rest.trimStart().length);
        options = objectLiteralAt(text, start);
        // forge lint reads the method only from an object literal.
        if (options === undefined) {
          unreadable.push(where);
          continue;
        }
      }
      const method = /method:\s*'([A-Z]+)'/.exec(options ?? '')?.[1] ?? 'GET';
      const path = (literal[1] ?? '').replace(/\?.*$/, '').replace(/\$\{[^}]*\}/g, '{}');
      sites.push({ where, method, path });
    }
  }
  return { sites, unreadable };
}

const template = (path: string) => path.replace(/\{[^}]*\}/g, '{}');
const entryOf = (site: CallSite): JiraEndpointScopes | undefined => JIRA_ENDPOINT_SCOPES.find((e) => e.method === site.method && template(e.path) === site.path);

/** Call sites whose endpoint needs a classic scope `scopes` does not grant. */
function missingScopes(sites: readonly CallSite[], scopes: readonly string[]): string[] {
  return sites.flatMap((site) => (entryOf(site)?.classic ?? []).filter((s) => !scopes.includes(s)).map((s) => `${site.method} ${site.path} (${site.where}) needs ${s}`));
}

describe('Jira endpoints and the scopes manifest.yml grants', () => {
  const { sites, unreadable } = callSites();
  const scopes = parseManifest(readFileSync(join(root, 'manifest.yml'), 'utf8')).scopes;

  it('every Jira call in src/ names its endpoint literally (forge lint can check it)', () => {
    expect(unreadable).toEqual([]);
    // asUser and asApp calls of every endpoint the app uses.
    expect(sites.length).toBeGreaterThanOrEqual(JIRA_ENDPOINT_SCOPES.length);
  });

  it('every endpoint called is in the table, and every table entry is called', () => {
    expect(sites.filter((s) => !entryOf(s)).map((s) => `${s.method} ${s.path} (${s.where})`)).toEqual([]);
    const called = new Set(sites.map((s) => `${s.method} ${s.path}`));
    expect(JIRA_ENDPOINT_SCOPES.filter((e) => !called.has(`${e.method} ${template(e.path)}`)).map((e) => `${e.method} ${e.path}`)).toEqual([]);
  });

  it("manifest.yml grants every endpoint's scope, and no Jira scope no endpoint needs", () => {
    expect(missingScopes(sites, scopes)).toEqual([]);
    const needed = new Set(JIRA_ENDPOINT_SCOPES.flatMap((e) => e.classic));
    expect(scopes.filter((s) => /jira/.test(s) && !needed.has(s))).toEqual([]);
  });

  it('without read:jira-user the user endpoints are reported', () => {
    const reported = missingScopes(sites, scopes.filter((s) => s !== 'read:jira-user'));
    expect(new Set(reported.map((r) => r.split(' (')[0]))).toEqual(new Set(['GET /rest/api/3/myself', 'GET /rest/api/3/user', 'GET /rest/api/3/user/search', 'GET /rest/api/3/user/bulk', 'GET /rest/api/3/user/groups', 'GET /rest/api/3/groups/picker']));
  });
});
