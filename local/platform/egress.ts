import { isIP } from 'node:net';

/**
 * The app's outbound HTTP (`fetch` from `@forge/api` is the global `fetch`, captured when the SDK
 * loads). The host installs a delegating `fetch` before the app loads, then points it at the
 * implementation it wants (one that trusts the demo receiver's certificate). The host only ever
 * talks to this machine: any other destination is refused like a blocked egress, so no test and
 * no demo can send traffic elsewhere.
 */
type FetchImpl = typeof globalThis.fetch;

const originalFetch: FetchImpl = globalThis.fetch.bind(globalThis);
let implementation: FetchImpl = originalFetch;
let installed = false;

export class EgressBlockedError extends Error {
  constructor(host: string) {
    super(`Forge host: egress to ${host} blocked; the offline host only reaches loopback addresses`);
    this.name = 'EgressBlockedError';
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

function targetOf(input: Parameters<FetchImpl>[0]): URL {
  if (input instanceof URL) return input;
  if (typeof input === 'string') return new URL(input);
  return new URL((input as Request).url);
}

export function installEgressFetch(): void {
  if (installed) return;
  installed = true;
  globalThis.fetch = async (input, init) => {
    const target = targetOf(input);
    if (!isLoopbackHost(target.hostname)) {
      throw new TypeError('fetch failed', { cause: new EgressBlockedError(target.hostname) });
    }
    return implementation(input, init);
  };
}

/** Points the installed `fetch` at another implementation (e.g. one trusting a local CA). */
export function setEgressImplementation(fetchImpl: FetchImpl | undefined): void {
  implementation = fetchImpl ?? originalFetch;
}
