import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A `fetch` (same signature as the global one) that trusts extra CA certificates — the demo
 * receiver's self-signed one — IN ADDITION to the usual ones. The host installs it as the app's
 * egress before the app loads (`@forge/api`'s `fetch` is the global fetch), so only the host trusts
 * the receiver; nothing else in the process, and nothing deployed, does.
 *
 * It uses undici's own `fetch` with an undici `Agent` whose TLS options carry the CAs (Node's
 * built-in fetch takes no CA option). Responses are undici `Response` objects: same API as the
 * global `Response`, but not `instanceof` it.
 *
 * The alternative without code: start Node with `NODE_EXTRA_CA_CERTS=<tlsDir>/receiver-cert.pem`
 * (read once at process start), and the plain global fetch trusts the receiver too.
 */

export type TrustingFetch = typeof globalThis.fetch & {
  /** Closes the connection pool (pending requests fail). */
  close(): Promise<void>;
};

/**
 * The CAs a plain `fetch` of this process trusts: Node's bundled roots plus `NODE_EXTRA_CA_CERTS`
 * (and the system store where Node is told to use it and can say so, Node >= 22.15).
 */
export function defaultCaCertificates(): string[] {
  const getCACertificates = (tls as unknown as { getCACertificates?: (type?: 'default') => string[] }).getCACertificates;
  if (typeof getCACertificates === 'function') return getCACertificates('default');
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  let extra: string[] = [];
  if (extraFile) {
    try {
      extra = readFileSync(extraFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (by ignoring it).
    }
  }
  return [...tls.rootCertificates, ...extra];
}

type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;
type UndiciInput = Parameters<typeof undiciFetch>[0];

/** A global `Request` is not undici's own class: pass its parts instead. */
async function fromGlobalRequest(request: Request, init: RequestInit | undefined): Promise<[string, RequestInit]> {
  const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
  return [
    request.url,
    {
      method: request.method,
      headers: request.headers,
      redirect: request.redirect,
      signal: request.signal,
      ...(hasBody ? { body: await request.arrayBuffer() } : {}),
      ...init,
    },
  ];
}

export function createTrustingFetch(caPem: string | readonly string[]): TrustingFetch {
  const extra = typeof caPem === 'string' ? [caPem] : [...caPem];
  const agent = new Agent({ connect: { ca: [...defaultCaCertificates(), ...extra] } });

  const trustingFetch = async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit): Promise<Response> => {
    let url: string | URL = input instanceof URL ? input : typeof input === 'string' ? input : '';
    let options: RequestInit | undefined = init;
    if (input instanceof Request) [url, options] = await fromGlobalRequest(input, init);
    const response = await undiciFetch(url as UndiciInput, { ...(options as UndiciInit), dispatcher: agent });
    return response as unknown as Response;
  };
  return Object.assign(trustingFetch, {
    close: async () => {
      await agent.destroy();
    },
  }) as TrustingFetch;
}
