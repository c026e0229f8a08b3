import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { startDemoReceiver, type DemoReceiver, type ResponsePlan } from './index';

/**
 * The demo receiver over real HTTPS on 127.0.0.1. Requests are signed here with node:crypto (and
 * once with the official `standardwebhooks` library), as the app would sign them.
 */

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const otherSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const tlsDir = mkdtempSync(join(tmpdir(), 'demo-receiver-tls-'));

let receiver: DemoReceiver;

beforeAll(async () => {
  receiver = await startDemoReceiver({ port: 0, tlsDir, secretsFor: (hook) => (hook === 'resolved' ? otherSecret : undefined) });
  receiver.setSecret('demo', secret);
});

afterAll(async () => {
  await receiver.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

beforeEach(() => {
  receiver.clear();
  for (const hook of ['demo', 'status', 'slow', 'queued']) receiver.respondWith(hook, undefined);
});

let counter = 0;
function signed(body: string, options: { key?: string; timestampSeconds?: number; id?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_${++counter}`;
  const timestamp = String(options.timestampSeconds ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from((options.key ?? secret).slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}`, 'webhook-attempt': '1', 'user-agent': 'projectrak-webhooks/test' };
}

const post = (hook: string, body: string, headers: Record<string, string>, init: RequestInit = {}) => receiver.trustedFetch(receiver.hookUrl(hook), { method: 'POST', headers, body, ...init });

describe('demo receiver: signatures', () => {
  it('lists a correctly signed POST as valid, with what arrived', async () => {
    const body = '{"data":{"event":"updated","project":{"id":13647,"key":"DEMO","name":"Demo project"},"fields":[]}}';
    const headers = signed(body, { id: 'msg_valid' });
    const response = await post('demo', body, headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: expect.any(Number), verdict: 'valid' });
    const [entry, ...rest] = receiver.received('demo');
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      hook: 'demo',
      method: 'POST',
      path: '/hooks/demo',
      body,
      bodyBytes: Buffer.byteLength(body),
      bodyTruncated: false,
      verdict: { valid: true, matchedSecret: 0 },
      response: { status: 200, delayMs: 0 },
      clientClosedEarly: false,
      headers: expect.objectContaining({ 'webhook-id': 'msg_valid', 'webhook-attempt': '1', 'content-type': 'application/json', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }),
    });
    expect(Date.now() - (entry?.receivedAtMs ?? 0)).toBeLessThan(5_000);
    expect(entry?.receivedAt).toBe(new Date(entry?.receivedAtMs ?? 0).toISOString());
  });

  it('verifies what the official standardwebhooks library signs', async () => {
    const body = '{"data":{"event":"test"}}';
    const now = new Date();
    const signature = new Webhook(secret).sign('msg_official', now, body);
    await post('demo', body, { 'webhook-id': 'msg_official', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature });
    expect(receiver.received('demo')[0]?.verdict).toEqual({ valid: true, matchedSecret: 0 });
  });

  it.each([
    ['a tampered body', () => ({ headers: signed('{"a":1}'), body: '{"a":2}' }), /^signature mismatch/],
    ['a wrong secret', () => ({ headers: signed('{"a":1}', { key: otherSecret }), body: '{"a":1}' }), /^signature mismatch/],
    ['a stale timestamp', () => ({ headers: signed('{"a":1}', { timestampSeconds: Math.floor(Date.now() / 1000) - 600 }), body: '{"a":1}' }), /^timestamp too old: 60\d s before now/],
    ['a timestamp from the future', () => ({ headers: signed('{"a":1}', { timestampSeconds: Math.floor(Date.now() / 1000) + 900 }), body: '{"a":1}' }), /^timestamp too new/],
    ['no signature headers', () => ({ headers: { 'content-type': 'application/json' }, body: '{"a":1}' }), /^missing headers webhook-id, webhook-timestamp, webhook-signature$/],
  ])('lists %s as invalid with the reason (and still answers as planned)', async (_name, make, reason) => {
    const { headers, body } = make();
    const response = await post('demo', body, headers);
    expect(response.status).toBe(200);
    const [entry] = receiver.received('demo');
    expect(entry?.verdict.valid).toBe(false);
    expect(entry?.verdict).toEqual({ valid: false, reason: expect.stringMatching(reason) });
  });

  it('says so when no secret is registered for the hook; secretsFor resolves others', async () => {
    await post('nobody', '{}', signed('{}'));
    expect(receiver.received('nobody')[0]?.verdict).toEqual({ valid: false, reason: 'no secret registered' });
    await post('resolved', '{}', signed('{}', { key: otherSecret }));
    expect(receiver.received('resolved')[0]?.verdict).toEqual({ valid: true, matchedSecret: 0 });
  });

  it('accepts the previous secret during a rotation (two signatures, two secrets)', async () => {
    const body = '{"rotation":true}';
    const oldSig = signed(body, { key: otherSecret, id: 'msg_rot' })['webhook-signature'];
    const headers = signed(body, { id: 'msg_rot' });
    await post('demo', body, { ...headers, 'webhook-signature': `${headers['webhook-signature']} ${oldSig}` });
    expect(receiver.received('demo')[0]?.verdict.valid).toBe(true);
    receiver.setSecret('two', [secret, otherSecret]);
    await post('two', body, signed(body, { key: otherSecret }));
    expect(receiver.received('two')[0]?.verdict).toEqual({ valid: true, matchedSecret: 1 });
  });
});

describe('demo receiver: planned answers', () => {
  it.each<[ResponsePlan, number, Record<string, string>]>([
    [{ status: 500 }, 500, {}],
    [{ status: 410, body: { error: 'gone' } }, 410, {}],
    [{ status: 429, headers: { 'Retry-After': '120' } }, 429, { 'retry-after': '120' }],
    [{ status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, body: 'try later' }, 503, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT', 'content-type': 'text/plain; charset=utf-8' }],
  ])('answers %j', async (plan, status, headers) => {
    receiver.respondWith('status', plan);
    const response = await post('status', '{}', signed('{}'));
    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(headers)) expect(response.headers.get(name)).toBe(value);
    if (typeof plan.body === 'string') expect(await response.text()).toBe(plan.body);
    else if (plan.body) expect(await response.json()).toEqual(plan.body);
    expect(receiver.received('status')[0]?.response).toEqual({ status, delayMs: 0 });
  });

  it("a 302 is seen as such with redirect: 'manual', and not followed", async () => {
    receiver.respondWith('status', { status: 302, headers: { location: receiver.hookUrl('elsewhere') } });
    const response = await post('status', '{}', signed('{}'), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(receiver.hookUrl('elsewhere'));
    expect(receiver.received().map((r) => r.hook)).toEqual(['status']);
  });

  it('a slow answer lets the sender time out; the receiver notes it hung up', async () => {
    receiver.respondWith('slow', { status: 200, delayMs: 1_500 });
    const started = Date.now();
    await expect(post('slow', '{}', signed('{}'), { signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeLessThan(1_400);
    const [entry] = receiver.received('slow');
    expect(entry?.response).toEqual({ status: 200, delayMs: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received('slow')[0]?.clientClosedEarly).toBe(true);
  });

  it('a plan for the next N requests goes first, then the standing one', async () => {
    receiver.respondWith('queued', { status: 202 });
    receiver.respondWith('queued', { status: 503, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('queued', '{}', signed('{}'))).status);
    expect(statuses).toEqual([503, 503, 202, 202]);
    receiver.respondWith('queued', undefined);
    expect((await post('queued', '{}', signed('{}'))).status).toBe(200);
    expect(() => receiver.respondWith('queued', { status: 99 })).toThrow(RangeError);
  });

  it('records but refuses other methods; unknown paths are 404', async () => {
    const put = await receiver.trustedFetch(receiver.hookUrl('demo'), { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    expect(receiver.received('demo')[0]).toMatchObject({ method: 'PUT', response: { status: 405 } });
    expect((await receiver.trustedFetch(`${receiver.url}/nothing`)).status).toBe(404);
  });

  it('waitForRequests resolves when enough arrived', async () => {
    const waiting = receiver.waitForRequests('demo', 2, 5_000);
    await post('demo', '{}', signed('{}'));
    await post('demo', '{}', signed('{}'));
    expect((await waiting).length).toBe(2);
    await expect(receiver.waitForRequests('demo', 3, 50)).rejects.toThrow(/got 2 of 3/);
  });
});

describe('demo receiver: TLS and trust', () => {
  it('trustedFetch reaches it over HTTPS; the plain global fetch refuses the self-signed certificate', async () => {
    expect(receiver.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await receiver.trustedFetch(`${receiver.url}/api/received`)).status).toBe(200);
    const plain = await globalThis.fetch(`${receiver.url}/api/received`).then(
      () => undefined,
      (error: Error & { cause?: { code?: string } }) => error,
    );
    expect(plain?.name).toBe('TypeError');
    expect(plain?.cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('trustedFetch takes a global Request too', async () => {
    const body = '{"via":"Request"}';
    const response = await receiver.trustedFetch(new Request(receiver.hookUrl('demo'), { method: 'POST', headers: signed(body), body }));
    expect(response.status).toBe(200);
    expect(receiver.received('demo')[0]).toMatchObject({ body, verdict: { valid: true } });
  });

  it('keeps its certificate in tlsDir and reuses it on the next start', async () => {
    expect(receiver.certificateFile).toBe(join(tlsDir, 'receiver-cert.pem'));
    expect(readFileSync(join(tlsDir, 'receiver-cert.pem'), 'utf8')).toBe(receiver.caPem);
    expect(statSync(join(tlsDir, 'receiver-key.pem')).mode & 0o777).toBe(0o600);
    const second = await startDemoReceiver({ port: 0, tlsDir });
    try {
      expect(second.caPem).toBe(receiver.caPem);
      // The first receiver's trusting fetch trusts the second one (same certificate).
      expect((await receiver.trustedFetch(`${second.url}/api/received`)).status).toBe(200);
    } finally {
      await second.stop();
    }
    const inMemory = await startDemoReceiver();
    try {
      expect(inMemory.certificateFile).toBeUndefined();
      expect(inMemory.caPem).not.toBe(receiver.caPem);
      await expect(receiver.trustedFetch(`${inMemory.url}/`)).rejects.toThrow();
    } finally {
      await inMemory.stop();
    }
  });

  it('NODE_EXTRA_CA_CERTS with the certificate file makes the plain fetch of a new process trust it', async () => {
    expect(existsSync(receiver.certificateFile ?? '')).toBe(true);
    const script = `fetch(process.argv[1]).then(r => console.log(r.status), e => { console.log('error', e.cause && e.cause.code); })`;
    const run = (env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, ['-e', script, `${receiver.url}/api/received`], { env, timeout: 20_000 });
    const trusted = await run({ PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: receiver.certificateFile });
    expect(trusted.stdout.trim()).toBe('200');
    const untrusted = await run({ PATH: process.env.PATH });
    expect(untrusted.stdout.trim()).toMatch(/^error .*(SELF_SIGNED|UNABLE_TO_VERIFY)/);
  });

  it('listens on loopback only', async () => {
    await expect(startDemoReceiver({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});

describe('demo receiver: what it shows', () => {
  it('GET / lists requests newest first, with verdict, headers and the pretty body, escaped and self-contained', async () => {
    await post('demo', '{"first":true}', signed('{"first":true}'));
    const evil = '{"name":"<script>alert(1)</script>"}';
    await post('demo', evil, signed('{"other":1}'));
    const page = await receiver.trustedFetch(`${receiver.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;first&quot;: true');
    expect(html).toContain('✗ invalid: signature mismatch');
    expect(html).toContain('✓ signature valid');
    expect(html.indexOf('&lt;script&gt;')).toBeLessThan(html.indexOf('&quot;first&quot;'));
    expect(html).toContain('webhook-signature');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toContain(secret);
  });

  it('GET /api/received answers the same list as JSON; ?hook= filters', async () => {
    await post('demo', '{"n":1}', signed('{"n":1}'));
    await post('nobody', '{"n":2}', signed('{"n":2}'));
    const all = (await (await receiver.trustedFetch(`${receiver.url}/api/received`)).json()) as { count: number; received: { hook: string }[] };
    expect(all).toEqual({ count: 2, received: JSON.parse(JSON.stringify(receiver.received())) });
    expect(all.received.map((r) => r.hook)).toEqual(['nobody', 'demo']);
    const one = (await (await receiver.trustedFetch(`${receiver.url}/api/received?hook=demo`)).json()) as { count: number };
    expect(one.count).toBe(1);
    expect((await receiver.trustedFetch(`${receiver.url}/api/received`, { method: 'DELETE' })).status).toBe(204);
    expect(receiver.received()).toEqual([]);
  });

  it('secrets and answers can be set over HTTP, and with the page’s form', async () => {
    const put = await receiver.trustedFetch(`${receiver.url}/api/hooks/viahttp/secret`, { method: 'PUT', body: JSON.stringify({ secret }) });
    expect(put.status).toBe(204);
    expect((await receiver.trustedFetch(`${receiver.url}/api/hooks/viahttp/response`, { method: 'PUT', body: '{"status":99}' })).status).toBe(400);
    await receiver.trustedFetch(`${receiver.url}/api/hooks/viahttp/response`, { method: 'PUT', body: '{"status":409}' });
    const answered = await post('viahttp', '{}', signed('{}'));
    expect(answered.status).toBe(409);
    expect(receiver.received('viahttp')[0]?.verdict.valid).toBe(true);

    const form = await receiver.trustedFetch(`${receiver.url}/secrets`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ hook: 'fromform', secret: otherSecret }).toString(),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/');
    await post('fromform', '{}', signed('{}', { key: otherSecret }));
    expect(receiver.received('fromform')[0]?.verdict.valid).toBe(true);
    receiver.respondWith('viahttp', undefined);
  });
});
