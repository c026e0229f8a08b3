import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every answer the API suites get is recorded and, after each suite, checked against the OpenAPI
 * document the API serves, by a real OpenAPI 3.1 validator (openapi-check.mjs, @hyperjump/json-schema):
 * the document and the server cannot drift apart.
 */
export interface RecordedAnswer {
  readonly method: string;
  /** The API path (after the web trigger's base), without the query. */
  readonly path: string;
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

let answers: RecordedAnswer[] = [];
let document: unknown;

/** Records one answer; `apiPath` is what followed the API base (query included or not). */
export function recordAnswer(method: string, apiPath: string, response: { status: number; headers: Headers }, body: string): void {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  answers.push({ method: method.toUpperCase(), path: apiPath.split('?')[0] || '/', status: response.status, headers, body });
}

/** Remembers the document to check against (fetch it from the API under test, as a client would). */
export async function fetchDocument(apiBase: string): Promise<void> {
  const response = await fetch(`${apiBase}/openapi.json`);
  if (response.status === 200) document = await response.json();
}

/** Checks `recorded` against `openapi` with the validator (a child process: the library is ESM only). */
export function checkAnswersAgainst(openapi: unknown, recorded: readonly RecordedAnswer[]): { checked: number; problems: unknown[] } {
  const dir = mkdtempSync(join(tmpdir(), 'prw-openapi-'));
  try {
    writeFileSync(join(dir, 'api.openapi.json'), JSON.stringify(openapi));
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(recorded));
    const run = spawnSync(process.execPath, [join(__dirname, 'openapi-check.mjs'), dir, join(dir, 'answers.json')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) return { checked: recorded.length, problems: [`the checker failed: ${run.stderr.slice(0, 2000)}`] };
    return JSON.parse(run.stdout) as { checked: number; problems: unknown[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function checkAnswers(): { checked: number; problems: unknown[] } {
  const recorded = answers;
  answers = [];
  if (recorded.length === 0) return { checked: 0, problems: [] };
  if (!document) return { checked: recorded.length, problems: ['no OpenAPI document was fetched to check the answers against'] };
  return checkAnswersAgainst(document, recorded);
}

/** In a suite: after its last test, every recorded answer must match the document. */
export function useContractCheck(): void {
  afterAll(() => {
    const result = checkAnswers();
    expect(result.problems).toEqual([]);
  });
}
