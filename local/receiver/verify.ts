import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks 1.0 verification, written the way a receiver would write it with nothing but
 * `node:crypto` (the official `standardwebhooks` library does the same):
 * - headers `webhook-id`, `webhook-timestamp` (unix seconds), `webhook-signature`;
 * - the timestamp within `toleranceSeconds` (default 5 minutes) of now, either way;
 * - `webhook-signature` is a space-separated list of `<version>,<base64>`; only `v1` counts;
 * - v1 = base64(HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")), key = the base64-decoded
 *   bytes after `whsec_`; compared in constant time. Several secrets may be configured (a
 *   rotation on the receiving side); any one matching any signature is enough.
 */

export type Verdict = { readonly valid: true; readonly matchedSecret: number } | { readonly valid: false; readonly reason: string };

export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface VerifyInput {
  /** Request headers; names are matched case-insensitively. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>> | Headers;
  /** The raw body bytes as received (a string is taken as UTF-8). */
  readonly body: Uint8Array | string;
  /** `whsec_<base64>` secrets; none means "no secret registered". */
  readonly secrets: readonly string[];
  /** Now, in epoch milliseconds. */
  readonly nowMs: number;
  readonly toleranceSeconds?: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function header(headers: VerifyInput['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

/** The HMAC key of a `whsec_` secret, or undefined when it is not valid base64. */
export function secretKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded)) return undefined;
  return Buffer.from(encoded, 'base64');
}

/** `v1,<base64>` of the body: what a sender puts in `webhook-signature` (tests sign with it). */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: Uint8Array | string): string {
  const key = secretKey(secret);
  if (!key) throw new Error('signWebhook: the secret is not whsec_<base64>');
  return `v1,${hmac(key, id, String(timestampSeconds), body).toString('base64')}`;
}

function hmac(key: Buffer, id: string, timestamp: string, body: Uint8Array | string): Buffer {
  // In parts: no copy of a large body.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

export function verifyWebhookSignature(input: VerifyInput): Verdict {
  const invalid = (reason: string): Verdict => ({ valid: false, reason });
  if (input.secrets.length === 0) return invalid('no secret registered');

  const id = header(input.headers, 'webhook-id');
  const timestamp = header(input.headers, 'webhook-timestamp');
  const signature = header(input.headers, 'webhook-signature');
  const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(Boolean);
  if (!id || !timestamp || !signature) return invalid(`missing header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);

  if (!/^\d{1,12}$/.test(timestamp)) return invalid(`webhook-timestamp is not unix seconds: "${timestamp.slice(0, 40)}"`);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = Math.floor(input.nowMs / 1000);
  const age = now - Number(timestamp);
  if (age > tolerance) return invalid(`timestamp too old: ${age} s before now (tolerance ${tolerance} s)`);
  if (-age > tolerance) return invalid(`timestamp too new: ${-age} s ahead of now (tolerance ${tolerance} s)`);

  const candidates = signature
    .split(' ')
    .filter(Boolean)
    .map((entry) => {
      const comma = entry.indexOf(',');
      return comma < 0 ? { version: entry, value: '' } : { version: entry.slice(0, comma), value: entry.slice(comma + 1) };
    })
    .filter((s) => s.version === 'v1' && BASE64.test(s.value) && s.value.length > 0)
    .map((s) => Buffer.from(s.value, 'base64'));
  if (candidates.length === 0) return invalid('no v1 signature in webhook-signature');

  let usableSecrets = 0;
  for (const [index, secret] of input.secrets.entries()) {
    const key = secretKey(secret);
    if (!key) continue;
    usableSecrets += 1;
    const expected = hmac(key, id, timestamp, input.body);
    if (candidates.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) return { valid: true, matchedSecret: index };
  }
  if (usableSecrets === 0) return invalid('the registered secret is not whsec_<base64>');
  return invalid(`signature mismatch: none of ${candidates.length} v1 signature(s) matches the body with the registered secret${input.secrets.length > 1 ? 's' : ''}`);
}
