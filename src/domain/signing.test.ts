import { Webhook } from 'standardwebhooks';
import {
  buildSignatureHeaders,
  generateWebhookSecret,
  parseWebhookSecret,
  signPayload,
  verifySignature,
  type VerifyInput,
} from './signing';

/** The known-answer vector of the Standard Webhooks libraries (libraries/javascript/src/webhook.test.ts). */
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampSeconds: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;

const bytes0to31 = Uint8Array.from({ length: 32 }, (_, i) => i);
const newSecret = generateWebhookSecret(Uint8Array.from({ length: 32 }, (_, i) => 255 - i));
const previousSecret = generateWebhookSecret(bytes0to31);
const body = JSON.stringify({ data: { event: 'test', user: 'acc-1', timestamp: 1675182117615, project: { id: 13647, key: 'DEMO', name: 'Démo ✓' }, fields: [] } });

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('generateWebhookSecret', () => {
  it('is whsec_ followed by the base64 of the 32 bytes', () => {
    expect(generateWebhookSecret(bytes0to31)).toBe('whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=');
  });

  it.each([0, 16, 31, 33, 64])('rejects %i bytes', (length) => {
    expect(() => generateWebhookSecret(new Uint8Array(length))).toThrow(RangeError);
  });

  it('round-trips through parseWebhookSecret', () => {
    expect(parseWebhookSecret(generateWebhookSecret(bytes0to31))).toEqual({ ok: true, value: Buffer.from(bytes0to31) });
  });
});

describe('parseWebhookSecret', () => {
  it('decodes the bytes after whsec_', () => {
    expect(parseWebhookSecret(vector.secret)).toEqual({ ok: true, value: Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64') });
  });

  it.each([
    ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'missing-prefix'],
    ['an upper-case prefix', 'WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'missing-prefix'],
    ['the empty string', '', 'missing-prefix'],
    ['nothing after the prefix', 'whsec_', 'wrong-length'],
    ['characters outside base64', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa!w', 'not-base64'],
    ['url-safe base64', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa_w', 'not-base64'],
    ['a space inside', 'whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw', 'not-base64'],
    ['missing padding', 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', 'not-base64'],
    ['16 bytes', `whsec_${Buffer.alloc(16).toString('base64')}`, 'wrong-length'],
    ['65 bytes', `whsec_${Buffer.alloc(65).toString('base64')}`, 'wrong-length'],
  ])('rejects %s', (_case, secret, reason) => {
    const parsed = parseWebhookSecret(secret);
    expect(parsed).toEqual({ ok: false, error: { reason, message: expect.stringMatching(/webhook secret/) } });
  });
});

describe('signPayload', () => {
  it('reproduces the Standard Webhooks known-answer signature', () => {
    expect(signPayload({ msgId: vector.msgId, timestampSeconds: vector.timestampSeconds, body: vector.body, secrets: [vector.secret] })).toBe(vector.signature);
  });

  it('signs the same with a key decoded once as with its secret (what a drain does for its whole run)', () => {
    const decoded = parseWebhookSecret(vector.secret);
    if (!decoded.ok) throw new Error(decoded.error.message);
    expect(signPayload({ msgId: vector.msgId, timestampSeconds: vector.timestampSeconds, body: vector.body, secrets: [{ key: decoded.value }] })).toBe(vector.signature);
  });

  it('signs with every secret, newest first, separated by one space', () => {
    const single = (secret: string): string => signPayload({ msgId: 'd1', timestampSeconds: 1, body, secrets: [secret] });
    const rotated = signPayload({ msgId: 'd1', timestampSeconds: 1, body, secrets: [newSecret, previousSecret] });
    expect(rotated).toBe(`${single(newSecret)} ${single(previousSecret)}`);
  });

  it.each([
    ['no secrets', { secrets: [] }],
    ['an invalid secret', { secrets: ['not-a-secret'] }],
    ['an empty id', { msgId: '' }],
    ['an id with a dot', { msgId: 'msg.1' }],
    ['a fractional timestamp', { timestampSeconds: 1.5 }],
    ['a negative timestamp', { timestampSeconds: -1 }],
  ])('throws on %s', (_case, override) => {
    expect(() => signPayload({ msgId: 'd1', timestampSeconds: 1, body, secrets: [newSecret], ...override })).toThrow();
  });
});

describe('buildSignatureHeaders', () => {
  it('returns exactly the headers of DESIGN.md section 5', () => {
    const headers = buildSignatureHeaders({
      deliveryId: vector.msgId,
      timestampSeconds: vector.timestampSeconds,
      body: vector.body,
      secrets: [vector.secret],
      attempt: 3,
      userAgent: 'projectrak-webhooks/1.2.3',
    });
    expect(headers).toStrictEqual({
      'content-type': 'application/json',
      'webhook-id': vector.msgId,
      'webhook-timestamp': '1614265330',
      'webhook-signature': vector.signature,
      'webhook-attempt': '3',
      'user-agent': 'projectrak-webhooks/1.2.3',
    });
  });

  it.each([0, -1, 1.5])('throws on attempt %p', (attempt) => {
    expect(() => buildSignatureHeaders({ deliveryId: 'd1', timestampSeconds: 1, body, secrets: [newSecret], attempt, userAgent: 'ua' })).toThrow(RangeError);
  });
});

describe('verifySignature', () => {
  const ts = vector.timestampSeconds;
  const valid: VerifyInput = {
    msgId: vector.msgId,
    timestampSeconds: ts,
    body: vector.body,
    signatureHeader: vector.signature,
    secrets: [vector.secret],
    nowSeconds: ts,
  };
  const otherSig = signPayload({ msgId: vector.msgId, timestampSeconds: ts, body: vector.body, secrets: [newSecret] });
  const vectorSigBytes = vector.signature.slice('v1,'.length);

  it.each<[string, Partial<VerifyInput>]>([
    ['the known-answer vector', {}],
    ['the timestamp as the header string', { timestampSeconds: '1614265330' }],
    ['a timestamp exactly 300 s old', { nowSeconds: ts + 300 }],
    ['a timestamp exactly 300 s ahead', { nowSeconds: ts - 300 }],
    ['a timestamp inside a wider tolerance', { nowSeconds: ts + 3600, toleranceSeconds: 3600 }],
    ['the matching signature after non-matching ones', { signatureHeader: `${otherSig} v1,AAAA ${vector.signature}` }],
    ['the matching signature beside other versions', { signatureHeader: `v1a,${vectorSigBytes} ${vector.signature} v2,x` }],
  ])('accepts %s', (_case, override) => {
    expect(verifySignature({ ...valid, ...override }).ok).toBe(true);
  });

  it.each<[string, string, Partial<VerifyInput>]>([
    ['a timestamp 301 s old', 'stale', { nowSeconds: ts + 301 }],
    ['a timestamp outside a narrower tolerance', 'stale', { nowSeconds: ts + 11, toleranceSeconds: 10 }],
    ['a timestamp 301 s ahead', 'future', { nowSeconds: ts - 301 }],
    ['a tampered body', 'no-match', { body: '{"test": 2432232315}' }],
    ['another message id', 'no-match', { msgId: 'msg_other' }],
    ['another timestamp', 'no-match', { timestampSeconds: ts + 1 }],
    ['another secret', 'no-match', { secrets: [newSecret] }],
    ['no secrets', 'no-match', { secrets: [] }],
    ['a truncated signature', 'no-match', { signatureHeader: vector.signature.slice(0, 20) }],
    ['a signature with a trailing character', 'no-match', { signatureHeader: `${vector.signature}A` }],
    ['the right bytes under another version', 'no-match', { signatureHeader: `v1a,${vectorSigBytes}` }],
    ['an empty v1 signature', 'no-match', { signatureHeader: 'v1,' }],
    ['an empty signature header', 'malformed', { signatureHeader: '' }],
    ['a signature without a version', 'malformed', { signatureHeader: vectorSigBytes }],
    ['an empty message id', 'malformed', { msgId: '' }],
    ['a non-numeric timestamp', 'malformed', { timestampSeconds: 'hello' }],
    ['a fractional timestamp', 'malformed', { timestampSeconds: '1614265330.5' }],
    ['a negative timestamp', 'malformed', { timestampSeconds: '-1614265330' }],
    ['a fractional number timestamp', 'malformed', { timestampSeconds: 1614265330.5 }],
  ])('rejects %s as %s', (_case, error, override) => {
    expect(verifySignature({ ...valid, ...override })).toEqual({ ok: false, error });
  });

  it.each([
    ['new', newSecret],
    ['previous', previousSecret],
  ])('accepts a rotation header with the %s secret alone', (_case, secret) => {
    const signatureHeader = signPayload({ msgId: 'd1', timestampSeconds: ts, body, secrets: [newSecret, previousSecret] });
    expect(verifySignature({ msgId: 'd1', timestampSeconds: ts, body, signatureHeader, secrets: [secret], nowSeconds: ts })).toEqual({ ok: true, value: { matchedSecretIndex: 0 } });
  });

  it('says which of the receiver\'s secrets matched', () => {
    const signatureHeader = signPayload({ msgId: 'd1', timestampSeconds: ts, body, secrets: [previousSecret] });
    const verified = verifySignature({ msgId: 'd1', timestampSeconds: ts, body, signatureHeader, secrets: [newSecret, previousSecret], nowSeconds: ts });
    expect(verified).toEqual({ ok: true, value: { matchedSecretIndex: 1 } });
  });

  it('throws on an invalid configured secret instead of reporting a mismatch', () => {
    expect(() => verifySignature({ ...valid, secrets: ['whsec_!!'] })).toThrow(/Invalid webhook secret/);
  });
});

describe('interoperability with the official standardwebhooks library', () => {
  // The library checks the timestamp against the real clock, so these requests are signed "now".
  const signedNow = (secrets: string[], overrides: { timestampSeconds?: number } = {}) =>
    buildSignatureHeaders({
      deliveryId: 'dlv_01HZX3',
      timestampSeconds: overrides.timestampSeconds ?? nowSeconds(),
      body,
      secrets,
      attempt: 1,
      userAgent: 'projectrak-webhooks/0.1.0',
    });

  it('verifies what we sign, headers passed as they are sent', () => {
    expect(new Webhook(newSecret).verify(body, signedNow([newSecret]))).toEqual(JSON.parse(body));
  });

  it('rejects a tampered body', () => {
    expect(() => new Webhook(newSecret).verify(body.replace('DEMO', 'DEMX'), signedNow([newSecret]))).toThrow('No matching signature found');
  });

  it('rejects a wrong secret', () => {
    expect(() => new Webhook(previousSecret).verify(body, signedNow([newSecret]))).toThrow('No matching signature found');
  });

  it('rejects a timestamp more than 5 minutes old', () => {
    const headers = signedNow([newSecret], { timestampSeconds: nowSeconds() - 6 * 60 });
    expect(() => new Webhook(newSecret).verify(body, headers)).toThrow('Message timestamp too old');
  });

  it.each([
    ['new', newSecret],
    ['previous', previousSecret],
  ])('verifies a rotation header with the %s secret', (_case, secret) => {
    expect(new Webhook(secret).verify(body, signedNow([newSecret, previousSecret]))).toEqual(JSON.parse(body));
  });

  it('signs the known-answer vector as we do', () => {
    const theirs = new Webhook(vector.secret).sign(vector.msgId, new Date(vector.timestampSeconds * 1000), vector.body);
    expect(signPayload({ msgId: vector.msgId, timestampSeconds: vector.timestampSeconds, body: vector.body, secrets: [vector.secret] })).toBe(theirs);
  });

  it('is verified by our verifySignature when the library signs', () => {
    const ts = 1_700_000_000;
    const signatureHeader = new Webhook(newSecret).sign('dlv_01HZX3', new Date(ts * 1000), body);
    expect(verifySignature({ msgId: 'dlv_01HZX3', timestampSeconds: ts, body, signatureHeader, secrets: [newSecret], nowSeconds: ts + 5 })).toEqual({
      ok: true,
      value: { matchedSecretIndex: 0 },
    });
  });
});
