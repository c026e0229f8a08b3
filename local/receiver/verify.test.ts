import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signWebhook, verifyWebhookSignature, type VerifyInput } from './verify';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const otherSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const NOW_MS = 1_675_182_117_615;
const NOW_S = Math.floor(NOW_MS / 1000);
const body = '{"data":{"event":"updated","project":{"id":13647,"key":"DEMO","name":"Demo project"}}}';

function input(overrides: Partial<VerifyInput> & { timestamp?: number; signature?: string; id?: string } = {}): VerifyInput {
  const id = overrides.id ?? 'msg_2a9c';
  const timestamp = overrides.timestamp ?? NOW_S;
  return {
    headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': overrides.signature ?? signWebhook(secret, id, timestamp, body) },
    body,
    secrets: [secret],
    nowMs: NOW_MS,
    ...overrides,
  };
}

describe('Standard Webhooks verification', () => {
  it('accepts what the official library signs, and the library accepts what signWebhook signs', () => {
    const official = new Webhook(secret).sign('msg_2a9c', new Date(NOW_MS), body);
    expect(official).toBe(signWebhook(secret, 'msg_2a9c', NOW_S, body));
    expect(verifyWebhookSignature(input({ signature: official }))).toEqual({ valid: true, matchedSecret: 0 });
  });

  it('verifies over the raw bytes (a multi-byte body)', () => {
    const utf8 = Buffer.from('{"name":"Presupuesto — año"}', 'utf8');
    const signature = signWebhook(secret, 'msg_1', NOW_S, utf8);
    expect(verifyWebhookSignature({ headers: { 'Webhook-Id': 'msg_1', 'Webhook-Timestamp': String(NOW_S), 'Webhook-Signature': signature }, body: utf8, secrets: [secret], nowMs: NOW_MS })).toEqual({
      valid: true,
      matchedSecret: 0,
    });
  });

  it('accepts any one of several signatures (sender rotating its secret) and any one of several secrets', () => {
    const both = `${signWebhook(otherSecret, 'msg_2a9c', NOW_S, body)} ${signWebhook(secret, 'msg_2a9c', NOW_S, body)}`;
    expect(verifyWebhookSignature(input({ signature: both }))).toEqual({ valid: true, matchedSecret: 0 });
    expect(verifyWebhookSignature(input({ secrets: [otherSecret, secret] }))).toEqual({ valid: true, matchedSecret: 1 });
    expect(verifyWebhookSignature(input({ secrets: [`whsec_${randomBytes(32).toString('base64')}`] }))).toMatchObject({ valid: false, reason: expect.stringMatching(/signature mismatch/) });
  });

  it('rejects a tampered body, a wrong id and a wrong secret', () => {
    expect(verifyWebhookSignature({ ...input(), body: body.replace('13647', '13648') })).toMatchObject({ valid: false, reason: expect.stringMatching(/signature mismatch/) });
    expect(verifyWebhookSignature(input({ signature: signWebhook(secret, 'msg_other', NOW_S, body) }))).toMatchObject({ valid: false });
    expect(verifyWebhookSignature(input({ signature: signWebhook(otherSecret, 'msg_2a9c', NOW_S, body) }))).toMatchObject({ valid: false, reason: expect.stringMatching(/signature mismatch/) });
  });

  it('allows 5 minutes of clock difference either way, not more', () => {
    expect(verifyWebhookSignature(input({ timestamp: NOW_S - 300 })).valid).toBe(true);
    expect(verifyWebhookSignature(input({ timestamp: NOW_S + 300 })).valid).toBe(true);
    expect(verifyWebhookSignature(input({ timestamp: NOW_S - 301 }))).toEqual({ valid: false, reason: 'timestamp too old: 301 s before now (tolerance 300 s)' });
    expect(verifyWebhookSignature(input({ timestamp: NOW_S + 301 }))).toEqual({ valid: false, reason: 'timestamp too new: 301 s ahead of now (tolerance 300 s)' });
    expect(verifyWebhookSignature({ ...input({ timestamp: NOW_S - 301 }), toleranceSeconds: 600 }).valid).toBe(true);
  });

  it('says what is missing or malformed', () => {
    expect(verifyWebhookSignature({ ...input(), secrets: [] })).toEqual({ valid: false, reason: 'no secret registered' });
    expect(verifyWebhookSignature({ ...input(), headers: { 'webhook-id': 'x' } })).toEqual({ valid: false, reason: 'missing headers webhook-timestamp, webhook-signature' });
    expect(verifyWebhookSignature({ ...input(), headers: new Headers({ 'webhook-id': 'x', 'webhook-signature': 'v1,abc=' }) })).toEqual({ valid: false, reason: 'missing header webhook-timestamp' });
    expect(verifyWebhookSignature(input({ signature: 'v1a,AAAA v2,AAAA' }))).toEqual({ valid: false, reason: 'no v1 signature in webhook-signature' });
    expect(verifyWebhookSignature({ ...input(), headers: { 'webhook-id': 'x', 'webhook-timestamp': '12.5', 'webhook-signature': 'v1,AAAA' } })).toMatchObject({ valid: false, reason: expect.stringMatching(/not unix seconds/) });
    expect(verifyWebhookSignature({ ...input(), secrets: ['whsec_not base64!'] })).toEqual({ valid: false, reason: 'the registered secret is not whsec_<base64>' });
  });
});
