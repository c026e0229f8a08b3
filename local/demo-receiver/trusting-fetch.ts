import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A `fetch` that trusts extra certificates (the demo receiver's, and any given with
 * `npm start -- --trust-cert <pem>`) on top of the system CAs. NODE_EXTRA_CA_CERTS would do the
 * same for the whole process, but it is read only at start-up, before the host has made its
 * certificate; this keeps the trust inside the host's egress.
 */
export function createTrustingFetch(extraCaPems: string | readonly string[]): typeof globalThis.fetch {
  const extra = typeof extraCaPems === 'string' ? [extraCaPems] : [...extraCaPems];
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, ...extra] } });
  return ((input: Parameters<typeof globalThis.fetch>[0], init?: Parameters<typeof globalThis.fetch>[1]) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as typeof globalThis.fetch;
}

/**
 * The certificates of a PEM file's text, each as PEM, checked to parse as X.509; throws an Error
 * naming the file and what is wrong (no certificate in it, or one that does not parse).
 */
export function certificatesIn(pemText: string, source: string): string[] {
  const blocks = pemText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new Error(`${source} holds no certificate (expected a PEM file with -----BEGIN CERTIFICATE-----${/PRIVATE KEY/.test(pemText) ? '; this is a private key: give the certificate, not the key' : ''})`);
  }
  return blocks.map((block, index) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new Error(`${source}: certificate ${index + 1} does not parse (${error instanceof Error ? error.message : String(error)})`);
    }
    return block;
  });
}
