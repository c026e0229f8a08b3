import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from './result';

/**
 * Standard Webhooks 1.0, symmetric scheme (DESIGN.md section 5): every request carries
 * `webhook-id`, `webhook-timestamp` and `webhook-signature`, where a signature is
 * `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` and the key is the decoded bytes of a
 * `whsec_<base64>` secret. During a secret rotation the header holds one signature per secret,
 * separated by one space, so a receiver holding either secret verifies the request.
 *
 * Pure: time and random bytes are passed in.
 */

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Length of the secrets this app generates. */
export const WEBHOOK_SECRET_BYTES = 32;
/** The specification's bounds for a symmetric key: at least 24 bytes, at most 512 bits. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** The version identifier of HMAC-SHA256 signatures; other versions (e.g. `v1a`) are ignored. */
const SIGNATURE_VERSION = 'v1';
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `whsec_<base64 of the 32 bytes>`; the caller passes `crypto.randomBytes(32)`. */
export function generateWebhookSecret(randomBytes32: Uint8Array): string {
  if (randomBytes32.length !== WEBHOOK_SECRET_BYTES) {
    throw new RangeError(`A webhook secret needs ${WEBHOOK_SECRET_BYTES} random bytes, got ${randomBytes32.length}.`);
  }
  return WEBHOOK_SECRET_PREFIX + Buffer.from(randomBytes32).toString('base64');
}

export type SecretError = {
  readonly reason: 'missing-prefix' | 'not-base64' | 'wrong-length';
  readonly message: string;
};

/** The HMAC key of a `whsec_` secret: the bytes its base64 part decodes to. */
export function parseWebhookSecret(secret: string): Result<Buffer, SecretError> {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    return err({ reason: 'missing-prefix', message: `A webhook secret starts with "${WEBHOOK_SECRET_PREFIX}".` });
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) {
    return err({ reason: 'not-base64', message: `The part of a webhook secret after "${WEBHOOK_SECRET_PREFIX}" must be standard base64.` });
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    return err({
      reason: 'wrong-length',
      message: `A webhook secret decodes to ${MIN_SECRET_BYTES}-${MAX_SECRET_BYTES} bytes; this one decodes to ${key.length}.`,
    });
  }
  return ok(key);
}

/**
 * A `whsec_` secret decoded once: a drain signs every attempt of its run with the same keys
 * instead of decoding the secret again for each one.
 */
export interface SigningKey {
  readonly key: Buffer;
}

export type SignInput = {
  /** The delivery id (`webhook-id`): no `.`, so the signed content cannot be re-split. */
  readonly msgId: string;
  /** Unix seconds of this attempt (`webhook-timestamp`). */
  readonly timestampSeconds: number;
  /** The exact request body that is sent. */
  readonly body: string;
  /** `whsec_` secrets (or their keys, decoded once), newest first; two while a secret is being rotated. */
  readonly secrets: readonly (string | SigningKey)[];
};

/** The `webhook-signature` value: one `v1,<base64>` per secret, separated by one space. */
export function signPayload({ msgId, timestampSeconds, body, secrets }: SignInput): string {
  if (msgId === '' || msgId.includes('.')) {
    throw new RangeError(`A webhook id must be non-empty and contain no ".": ${JSON.stringify(msgId)}.`);
  }
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`A webhook timestamp is whole unix seconds, got ${timestampSeconds}.`);
  }
  if (secrets.length === 0) throw new RangeError('Signing needs at least one webhook secret.');
  const content = signedContent(msgId, String(timestampSeconds), body);
  return secrets.map((secret) => `${SIGNATURE_VERSION},${hmacBase64(typeof secret === 'string' ? keyOf(secret) : secret.key, content)}`).join(' ');
}

/** The request headers of DESIGN.md section 5, exactly; names in lower case. */
export type WebhookRequestHeaders = {
  readonly 'content-type': 'application/json';
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
  readonly 'webhook-attempt': string;
  readonly 'user-agent': string;
};

export type SignatureHeadersInput = {
  /** Same on every retry and redelivery of one delivery. */
  readonly deliveryId: string;
  /** Unix seconds of this attempt: new on every attempt. */
  readonly timestampSeconds: number;
  readonly body: string;
  readonly secrets: readonly (string | SigningKey)[];
  /** 1-based attempt number. */
  readonly attempt: number;
  /** `projectrak-webhooks/<version>`. */
  readonly userAgent: string;
};

export function buildSignatureHeaders(input: SignatureHeadersInput): WebhookRequestHeaders {
  const { deliveryId, timestampSeconds, body, secrets, attempt, userAgent } = input;
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`The attempt number is 1-based, got ${attempt}.`);
  }
  return {
    'content-type': 'application/json',
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signPayload({ msgId: deliveryId, timestampSeconds, body, secrets }),
    'webhook-attempt': String(attempt),
    'user-agent': userAgent,
  };
}

export type VerifyFailure = 'stale' | 'future' | 'no-match' | 'malformed';

export type VerifyInput = {
  /** The `webhook-id` header. */
  readonly msgId: string;
  /** The `webhook-timestamp` header, as received or as a number. */
  readonly timestampSeconds: number | string;
  /** The raw request body, before any JSON parsing. */
  readonly body: string;
  /** The `webhook-signature` header. */
  readonly signatureHeader: string;
  /** The receiver's `whsec_` secrets; any one matching is enough. */
  readonly secrets: readonly string[];
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
};

/**
 * Checks a received request the way a Standard Webhooks receiver does: the timestamp within the
 * tolerance of `nowSeconds` (replay protection), then any `v1,` signature in the header equal,
 * in constant time, to the one computed with any of `secrets`. Other signature versions are
 * ignored. On success, says which secret matched.
 */
export function verifySignature(input: VerifyInput): Result<{ readonly matchedSecretIndex: number }, VerifyFailure> {
  const { msgId, body, signatureHeader, secrets, nowSeconds, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = input;
  const timestamp = wholeSeconds(input.timestampSeconds);
  const signatures = signatureHeader
    .split(' ')
    .filter((entry) => entry.includes(','))
    .map((entry) => ({ version: entry.slice(0, entry.indexOf(',')), value: entry.slice(entry.indexOf(',') + 1) }));
  if (msgId === '' || timestamp === undefined || signatures.length === 0) return err('malformed');

  if (nowSeconds - timestamp > toleranceSeconds) return err('stale');
  if (timestamp - nowSeconds > toleranceSeconds) return err('future');

  const received = signatures.filter((s) => s.version === SIGNATURE_VERSION).map((s) => Buffer.from(s.value, 'utf8'));
  const content = signedContent(msgId, String(timestamp), body);
  for (const [index, secret] of secrets.entries()) {
    const expected = Buffer.from(hmacBase64(keyOf(secret), content), 'utf8');
    if (received.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) {
      return ok({ matchedSecretIndex: index });
    }
  }
  return err('no-match');
}

/** The signed content `<id>.<timestamp>.<body>`, kept in parts so a large body is never copied. */
type SignedContent = readonly [msgId: string, timestamp: string, body: string];

function signedContent(msgId: string, timestamp: string, body: string): SignedContent {
  return [msgId, timestamp, body];
}

function hmacBase64(key: Buffer, [msgId, timestamp, body]: SignedContent): string {
  return createHmac('sha256', key).update(msgId, 'utf8').update('.').update(timestamp, 'utf8').update('.').update(body, 'utf8').digest('base64');
}

/** A stored or configured secret that does not parse is a bug or corrupt data, not an outcome. */
function keyOf(secret: string): Buffer {
  const key = parseWebhookSecret(secret);
  if (!key.ok) throw new Error(`Invalid webhook secret: ${key.error.message}`);
  return key.value;
}

function wholeSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (!/^[0-9]{1,15}$/.test(value)) return undefined;
  return Number(value);
}
