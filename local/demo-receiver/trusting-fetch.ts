import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A `fetch` that trusts one extra certificate (the demo receiver's) on top of the system CAs.
 * NODE_EXTRA_CA_CERTS would do the same for the whole process, but it is read only at start-up,
 * before the host has made its certificate; this keeps the trust inside the host's egress.
 */
export function createTrustingFetch(extraCaPem: string): typeof globalThis.fetch {
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, extraCaPem] } });
  return ((input: Parameters<typeof globalThis.fetch>[0], init?: Parameters<typeof globalThis.fetch>[1]) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as typeof globalThis.fetch;
}
