import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/**
 * The demo receiver's TLS material: a self-signed certificate for `localhost`, `127.0.0.1` and
 * `::1`, made with the `selfsigned` package (pure JavaScript: works after `npm ci` on a machine
 * without the openssl CLI). Kept in `tlsDir` when given, so it survives restarts and can be handed
 * to `NODE_EXTRA_CA_CERTS`; made fresh in memory otherwise.
 */

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  /** Where the certificate is stored (absent when kept in memory only). */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Whether this start made a new certificate (false: reused from `tlsDir`). */
  readonly created: boolean;
}

export const CERT_FILE = 'receiver-cert.pem';
export const KEY_FILE = 'receiver-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
const VALID_DAYS = 825;

/**
 * Real wall-clock time. The offline host may have moved `Date` forward (virtual clock); TLS
 * checks certificates against the real time, so certificate dates must too.
 */
export const realNowMs = (): number => performance.timeOrigin + performance.now();

/** Is this certificate (with this key) usable for the receiver for at least another day? */
export function isUsable(cert: string, key: string): boolean {
  try {
    const x509 = new X509Certificate(cert);
    const now = realNowMs();
    return (
      x509.checkPrivateKey(createPrivateKey(key)) &&
      x509.checkHost('localhost') !== undefined &&
      x509.checkIP('127.0.0.1') !== undefined &&
      Date.parse(x509.validFrom) <= now &&
      Date.parse(x509.validTo) > now + DAY_MS
    );
  } catch {
    return false;
  }
}

export async function createCertificate(): Promise<{ key: string; cert: string }> {
  const now = realNowMs();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'Projectrak Webhooks offline host (demo receiver)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + VALID_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export async function loadOrCreateCertificate(tlsDir?: string): Promise<TlsMaterial> {
  if (!tlsDir) return { ...(await createCertificate()), created: true };
  const certFile = join(tlsDir, CERT_FILE);
  const keyFile = join(tlsDir, KEY_FILE);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    if (isUsable(cert, key)) return { key, cert, certFile, keyFile, created: false };
  }
  const made = await createCertificate();
  mkdirSync(tlsDir, { recursive: true });
  writeFileSync(keyFile, made.key, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, made.cert);
  return { ...made, certFile, keyFile, created: true };
}
