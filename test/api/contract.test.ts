import { openApiDocument } from '../../src/webtriggers/openapi';
import { checkAnswersAgainst, type RecordedAnswer } from './contract';

/** The contract check itself: it must find an answer the document does not allow. */
const doc = openApiDocument('https://example.atlassian-dev.net/x1/abc');
const json = { 'content-type': 'application/json; charset=utf-8' };
const error = (code: string) => JSON.stringify({ error: { code, message: 'm' } });
const answer = (over: Partial<RecordedAnswer>): RecordedAnswer => ({ method: 'GET', path: '/fields', status: 200, headers: json, body: JSON.stringify({ fields: [] }), ...over });

describe('the OpenAPI contract check', () => {
  it('passes answers the document allows', () => {
    const result = checkAnswersAgainst(doc, [
      answer({}),
      answer({ method: 'HEAD', body: '' }),
      answer({ path: '/projects/DEMO/fields', status: 404, body: error('NOT_FOUND') }),
      answer({ status: 401, headers: { ...json, 'www-authenticate': 'Bearer' }, body: error('UNAUTHORIZED') }),
      answer({ method: 'PUT', status: 405, headers: { ...json, allow: 'GET, HEAD, POST' }, body: error('METHOD_NOT_ALLOWED') }),
    ]);
    expect(result).toEqual({ checked: 5, problems: [] });
  });

  const cases: [string, Partial<RecordedAnswer>, RegExp][] = [
    ['a body of the wrong shape', { body: JSON.stringify({ fields: [{ id: 'x' }] }) }, /does not match its schema/],
    ['a status the route never answers', { status: 409, body: error('CONFLICT') }, /status 409 is not documented/],
    ['a 404 on a route without parameters', { status: 404, body: error('NOT_FOUND') }, /status 404 is not documented/],
    ['a missing required header', { path: '/projects/DEMO/fields', body: JSON.stringify({ project: { id: 1, key: 'D', name: 'd' }, revision: 0, canEdit: true, fields: [] }) }, /required header ETag is missing/],
    ['a header the answer does not declare', { headers: { ...json, etag: '"1"' } }, /sends etag/],
    ['a 401 without WWW-Authenticate', { status: 401, body: error('UNAUTHORIZED') }, /WWW-Authenticate is missing/],
    ['a 405 whose Allow is not the documented methods', { method: 'PUT', status: 405, headers: { ...json, allow: 'GET, POST' }, body: error('METHOD_NOT_ALLOWED') }, /Allow .{0,4}GET, POST.{0,4} is not the documented methods/],
    ['a HEAD answer with a body', { method: 'HEAD' }, /HEAD answer has a body/],
    ['an ETag that is no revision', { path: '/projects/DEMO/fields', headers: { ...json, etag: 'W/x' }, body: JSON.stringify({ project: { id: 1, key: 'D', name: 'd' }, revision: 0, canEdit: true, fields: [] }) }, /header ETag/],
  ];
  // One run of the checker for every case: each answer's problems carry its position.
  let found: string[] = [];
  beforeAll(() => {
    const result = checkAnswersAgainst(doc, cases.map(([, over]) => answer(over)));
    found = cases.map((_, i) => JSON.stringify(result.problems.filter((p) => String((p as { answer: string }).answer).startsWith(`#${i} `))));
  });

  it.each(cases.map((c, i) => [c[0], i, c[2]] as const))('finds %s', (_, index, problem) => {
    expect(found[index]).toMatch(problem);
  });

  it('finds a document that is not valid OpenAPI 3.1', () => {
    const result = checkAnswersAgainst({ ...doc, openapi: '3.1.0', paths: { '/x': { get: { responses: { '200': { content: 'nope' } } } } } }, [answer({ path: '/x' })]);
    expect(JSON.stringify(result.problems)).toMatch(/not a valid OpenAPI 3.1 document/);
  });
});
