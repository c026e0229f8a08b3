import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSignatureHeaders, generateWebhookSecret } from '../../src/domain/signing';
import { setEgressImplementation } from '../platform/egress';
import { startDemoReceiver, type DemoReceiver } from './receiver';

let receiver: DemoReceiver;
const tlsDir = mkdtempSync(join(tmpdir(), 'receiver-tls-'));
const secret = generateWebhookSecret(new Uint8Array(32).fill(7));
const otherSecret = generateWebhookSecret(new Uint8Array(32).fill(9));

beforeAll(async () => {
  receiver = await startDemoReceiver({ port: 0, tlsDir });
  receiver.setSecret('demo', secret);
});

afterAll(async () => {
  await receiver.stop();
});

beforeEach(() => receiver.clear());

function signed(body: string, options: { secrets?: string[]; timestampSeconds?: number; id?: string } = {}) {
  return buildSignatureHeaders({
    deliveryId: options.id ?? 'msg_test1',
    timestampSeconds: options.timestampSeconds ?? Math.floor(Date.now() / 1000),
    body,
    secrets: options.secrets ?? [secret],
    attempt: 1,
    userAgent: 'projectrak-webhooks/test',
  });
}

describe('demo receiver', () => {
  it('lists a correctly signed POST as valid', async () => {
    const body = '{"data":{"event":"test"}}';
    const response = await receiver.trustedFetch(receiver.hookUrl('demo'), { method: 'POST', headers: { ...signed(body) }, body });
    expect(response.status).toBe(200);
    expect(receiver.received('demo')).toEqual([expect.objectContaining({ hook: 'demo', body, verdict: { valid: true }, answeredStatus: 200 })]);
  });

  it.each([
    ['a tampered body', () => ({ headers: signed('{"a":1}'), body: '{"a":2}' }), /signature/i],
    ['a wrong secret', () => ({ headers: signed('{"a":1}', { secrets: [otherSecret] }), body: '{"a":1}' }), /signature/i],
    ['a stale timestamp', () => ({ headers: signed('{"a":1}', { timestampSeconds: Math.floor(Date.now() / 1000) - 600 }), body: '{"a":1}' }), /too old/i],
  ])('marks %s invalid with the reason', async (_name, make, reason) => {
    const { headers, body } = make();
    await receiver.trustedFetch(receiver.hookUrl('demo'), { method: 'POST', headers: { ...headers }, body });
    const [entry] = receiver.received('demo');
    expect(entry?.verdict.valid).toBe(false);
    if (entry && !entry.verdict.valid) expect(entry.verdict.reason).toMatch(reason);
  });

  it('says when no secret is registered for a hook', async () => {
    await receiver.trustedFetch(receiver.hookUrl('unknown'), { method: 'POST', headers: { ...signed('{}') }, body: '{}' });
    expect(receiver.received('unknown')[0]?.verdict).toEqual({ valid: false, reason: 'no secret registered for hook "unknown"' });
  });

  it.each([
    [{ status: 500, body: 'boom' }],
    [{ status: 410 }],
    [{ status: 429, headers: { 'retry-after': '120' } }],
  ])('answers the planned response %j', async (plan) => {
    receiver.respondWith('planned', plan);
    const response = await receiver.trustedFetch(receiver.hookUrl('planned'), { method: 'POST', body: '{}' });
    expect(response.status).toBe(plan.status);
    if ('headers' in plan && plan.headers) expect(response.headers.get('retry-after')).toBe('120');
    receiver.respondWith('planned', undefined);
  });

  it('a redirect is seen, not followed, with redirect: manual', async () => {
    receiver.respondWith('moved', { status: 302, headers: { location: 'https://127.0.0.1:1/elsewhere' } });
    const response = await receiver.trustedFetch(receiver.hookUrl('moved'), { method: 'POST', body: '{}', redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://127.0.0.1:1/elsewhere');
  });

  it('only the trusting fetch accepts the self-signed certificate', async () => {
    setEgressImplementation(undefined);
    await expect(fetch(receiver.hookUrl('demo'), { method: 'POST', body: '{}' })).rejects.toThrow(/fetch failed/);
    const ok = await receiver.trustedFetch(`${receiver.url}/api/received`);
    expect(ok.status).toBe(200);
  });

  it('renders what it received as escaped HTML', async () => {
    const body = '{"x":"<script>alert(1)</script>"}';
    await receiver.trustedFetch(receiver.hookUrl('demo'), { method: 'POST', headers: { ...signed(body) }, body });
    const page = await (await receiver.trustedFetch(`${receiver.url}/`)).text();
    expect(page).toContain('signature valid');
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<script>alert');
  });

  it('reuses the certificate it made before', async () => {
    const again = await startDemoReceiver({ port: 0, tlsDir });
    expect(again.caPem).toBe(receiver.caPem);
    await again.stop();
  });
});

describe('demo receiver secrets', () => {
  it('the page form registers a hook’s secret, which a restart keeps; bad input is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'receiver-state-'));
    const secretsFile = join(dir, 'secrets.json');
    const first = await startDemoReceiver({ port: 0, tlsDir, secretsFile });
    try {
      const post = (form: Record<string, string>) =>
        first.trustedFetch(`${first.url}/secrets`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(), redirect: 'manual' });
      expect((await post({ hook: 'form', secret: secret })).status).toBe(303);
      expect((await post({ hook: 'bad name!', secret: secret })).status).toBe(400);
      expect((await post({ hook: 'form', secret: 'not-a-secret' })).status).toBe(400);
      expect(await (await first.trustedFetch(`${first.url}/`)).text()).toContain('<code>form</code>');
    } finally {
      await first.stop();
    }
    const second = await startDemoReceiver({ port: 0, tlsDir, secretsFile });
    try {
      const body = '{"data":{"event":"test"}}';
      await second.trustedFetch(second.hookUrl('form'), { method: 'POST', headers: { ...signed(body) }, body });
      expect(second.received('form')[0]?.verdict).toEqual({ valid: true });
    } finally {
      await second.stop();
    }
  });
});
