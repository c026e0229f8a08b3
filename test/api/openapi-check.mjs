/**
 * Checks answers of the management API against its OpenAPI 3.1 document with
 * @hyperjump/json-schema (the OpenAPI 3.1 dialect and meta-schemas). ESM only, so test/api runs
 * it in a child process: `node openapi-check.mjs <dir with api.openapi.json> <answers.json>`;
 * prints `{ problems: [...] }`.
 *
 * For each answer: the operation its method and path name (HEAD: the head operation), the
 * response its status names (undocumented: a problem), the body against that response's schema,
 * every header the response declares required present and valid, and the API's own headers
 * (ETag, Location, Allow, Retry-After, WWW-Authenticate) only where the response declares them.
 * A 405 must carry Allow naming exactly the path's documented methods.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate } from '@hyperjump/json-schema/openapi-3-1';
import { BASIC } from '@hyperjump/json-schema/experimental';

const [dir, answersFile] = process.argv.slice(2);
const docFile = join(dir, 'api.openapi.json');
const doc = JSON.parse(readFileSync(docFile, 'utf8'));
const docUrl = pathToFileURL(docFile).href;
const answers = JSON.parse(readFileSync(answersFile, 'utf8'));
const problems = [];
const API_HEADERS = ['etag', 'location', 'allow', 'retry-after', 'www-authenticate'];

const pointer = (...parts) => parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
/** A JSON pointer as a URI fragment: each token percent-encoded ({key} is not allowed as is). */
const fragment = (path) => path.split('/').map(encodeURIComponent).join('/');
const errorsOf = (output) => (output.errors ?? []).slice(0, 5).map((e) => `${e.instanceLocation ?? ''} ${e.keyword ?? ''} ${e.absoluteKeywordLocation ?? ''}`.trim());

const self = await validate('https://spec.openapis.org/oas/3.1/schema-base', doc, BASIC);
if (!self.valid) problems.push({ answer: 'the document itself', problem: 'is not a valid OpenAPI 3.1 document', details: errorsOf(self) });

/** The path template of the document that names `path` (literal segments first). */
function templateOf(path) {
  const segments = path.split('/').slice(1);
  const candidates = Object.keys(doc.paths).filter((template) => {
    const parts = template.split('/').slice(1);
    return parts.length === segments.length && parts.every((part, i) => /^\{\w+\}$/.test(part) || part === segments[i]);
  });
  return candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

const resolveRef = (node) => {
  if (!node?.$ref) return { node, at: undefined };
  const at = node.$ref.slice(1);
  return { node: at.split('/').slice(1).reduce((n, p) => n?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc), at };
};

for (const [index, answer] of answers.entries()) {
  const where = `#${index} ${answer.method} ${answer.path} -> ${answer.status}`;
  const template = templateOf(answer.path);
  if (!template) {
    // Before any route is known the API checks the size, the path, the token, its rate and the
    // admin: a path the document does not have answers one of those errors, or 404.
    if (![400, 401, 403, 404, 413, 429, 503].includes(answer.status)) problems.push({ answer: where, problem: 'no documented path, yet not an error every path may answer' });
    else if (answer.method !== 'HEAD') {
      const output = await validate(`${docUrl}#/components/schemas/Error`, JSON.parse(answer.body || 'null'), BASIC);
      if (!output.valid) problems.push({ answer: where, problem: 'the error body does not match the Error schema', details: errorsOf(output) });
    }
    continue;
  }
  const item = doc.paths[template];
  const method = answer.method.toLowerCase();
  const operation = item[method];
  if (!operation) {
    const documented = Object.keys(item).map((m) => m.toUpperCase());
    if (answer.status !== 405) problems.push({ answer: where, problem: `${answer.method} is not documented for ${template}, yet the answer is not 405` });
    else if ((answer.headers.allow ?? '').split(', ').sort().join(',') !== documented.sort().join(',')) problems.push({ answer: where, problem: `Allow "${answer.headers.allow}" is not the documented methods ${documented.join(', ')}` });
    continue;
  }
  const declared = operation.responses[String(answer.status)];
  if (!declared) {
    problems.push({ answer: where, problem: `status ${answer.status} is not documented for ${method.toUpperCase()} ${template}` });
    continue;
  }
  const { node: response, at } = resolveRef(declared);
  const base = at ?? `/${pointer('paths', template, method, 'responses', answer.status)}`;
  const headers = response.headers ?? {};
  for (const [name, header] of Object.entries(headers)) {
    const value = answer.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push({ answer: where, problem: `the required header ${name} is missing` });
      continue;
    }
    const output = await validate(`${docUrl}#${fragment(`${base}/${pointer('headers', name, 'schema')}`)}`, value, BASIC);
    if (!output.valid) problems.push({ answer: where, problem: `header ${name}: ${JSON.stringify(value)} does not match its schema`, details: errorsOf(output) });
  }
  for (const name of API_HEADERS) {
    if (answer.headers[name] !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === name)) problems.push({ answer: where, problem: `sends ${name} the document does not declare for this answer` });
  }
  const json = response.content?.['application/json'];
  if (answer.method === 'HEAD') {
    if (answer.body !== '') problems.push({ answer: where, problem: 'a HEAD answer has a body' });
    continue;
  }
  if (!json) {
    if (answer.body !== '') problems.push({ answer: where, problem: 'a body the document does not declare' });
    continue;
  }
  let body;
  try {
    body = JSON.parse(answer.body);
  } catch {
    problems.push({ answer: where, problem: 'the body is not JSON' });
    continue;
  }
  const output = await validate(`${docUrl}#${fragment(`${base}/${pointer('content', 'application/json', 'schema')}`)}`, body, BASIC);
  if (!output.valid) problems.push({ answer: where, problem: 'the body does not match its schema', details: errorsOf(output) });
}

process.stdout.write(JSON.stringify({ checked: answers.length, problems }));
