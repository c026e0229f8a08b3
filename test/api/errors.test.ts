import { expectError, useApiFixture } from './api-fixture';

const api = useApiFixture();

describe('management API: requests it refuses, and how', () => {
  it('unknown routes are 404; a known path with another method is 405 with Allow', async () => {
    const { call } = api();
    expectError(await call('GET', '/nothing/here'), 404, 'NOT_FOUND');
    expectError(await call('GET', ''), 404, 'NOT_FOUND');
    const wrong = await call('PUT', '/webhooks');
    expectError(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST');
    const wrongOne = await call('POST', '/webhooks/abc');
    expect(wrongOne.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE');
  });

  it.each([
    ['/projects/..%2F..%2Fwebhooks/fields'],
    ['/projects/%2e%2e/fields'],
    ['/projects/x/../../webhooks'],
    ['/projects/./DEMO/fields'],
    ['/projects/DEMO%2Ffields'],
    ['/projects/DEMO%5cx/fields'],
    ['/webhooks//x'],
    ['/projects/DE%00MO/fields'],
    ['/projects/%E0%A4%A/fields'],
  ])('path tricks are refused with 400 INVALID_PATH, sent as is: %s', async (path) => {
    const { rawGet } = api();
    const answer = await rawGet(path);
    expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 400, code: 'INVALID_PATH' });
  });

  it('a body on a route with a body: JSON only (415 otherwise), valid JSON (400), at most 1 MB (413)', async () => {
    const { call } = api();
    expectError(await call('POST', '/webhooks', { raw: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await call('POST', '/webhooks', { raw: '{"name":"x"}' , headers: { 'Content-Type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await call('POST', '/webhooks', { raw: '{"name":', headers: { 'Content-Type': 'application/json' } }), 400, 'INVALID_JSON');
    expectError(await call('POST', '/webhooks', { raw: '', headers: { 'Content-Type': 'application/json' } }), 400, 'INVALID_REQUEST');
    const huge = JSON.stringify({ name: 'x', url: `https://example.com/${'a'.repeat(1024 * 1024)}` });
    expectError(await call('POST', '/webhooks', { raw: huge, headers: { 'Content-Type': 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE');
    const ok = await call('POST', '/fields', { raw: JSON.stringify({ name: 'Cost centre', type: 'text' }), headers: { 'Content-Type': 'Application/JSON; charset=utf-8' } });
    expect(ok.status).toBe(201);
  });

  it('a body where none is taken, or query parameters where none are, is 400', async () => {
    const { call } = api();
    expectError(await call('DELETE', '/webhooks/abc', { body: { force: true } }), 400, 'INVALID_REQUEST');
    expectError(await call('GET', '/webhooks?page=2'), 400, 'INVALID_REQUEST');
  });

  it('every error has the same shape and says what was wrong', async () => {
    const { call } = api();
    const answer = await call('GET', '/webhooks/abc');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('abc') } });
  });
});
