import { isIP } from 'node:net';
import { currentInvocation, InvocationStoppedError, stoppedReason, type Invocation } from './invocation-context';

/**
 * The app's outbound HTTP (`fetch` from `@forge/api` is the global `fetch`, captured when the SDK
 * loads). The host installs a delegating `fetch` before the app loads, then points it at the
 * implementation it wants (one that trusts the demo receiver's certificate).
 *
 * Inside an invocation, as Forge's egress proxy does: a stopped (timed-out) invocation gets
 * nothing; a URL the manifest's `permissions.external.fetch.backend` does not declare is answered
 * 403 (a response, not an exception). And whatever the manifest says, the host only ever talks to
 * this machine: any other destination is refused like an unreachable network, so no test and no
 * demo can send traffic elsewhere. Calls outside any invocation (tests, the host itself) only meet
 * the loopback guard.
 */
type FetchImpl = typeof globalThis.fetch;

const originalFetch: FetchImpl = globalThis.fetch.bind(globalThis);
let implementation: FetchImpl = originalFetch;
let installed = false;

export interface EgressRules {
  /** Whether the manifest lets the app reach `url`. */
  allows(url: URL): boolean;
  /** Sees every app request (usage counting). */
  onRequest?(invocation: Invocation, outcome: 'sent' | 'refused' | 'after-timeout'): void;
  /** How long an app request waits before it goes out (a receiver that far away); 0 or absent: none. */
  readonly latencyMs?: number;
  /** How that time passes (real time by default; a test may record it instead). */
  readonly wait?: (ms: number) => Promise<void>;
  /** One request from an async event consumer is cut after this many ms (Forge: 180 s). */
  readonly asyncRequestTimeoutMs?: number;
}

/** Invocations of async event consumers: Forge cuts each of their outbound requests at 180 s. */
const ASYNC_EVENT_MODULE_TYPES: ReadonlySet<string> = new Set(['consumer']);

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The caller's signal, plus the async-event cut: the request is aborted with a `TimeoutError`
 * (what `AbortSignal.timeout` gives fetch) once it has taken `ms`.
 */
function withRequestTimeout(init: Parameters<FetchImpl>[1], ms: number): Parameters<FetchImpl>[1] {
  const cut = AbortSignal.timeout(ms);
  const signal = init?.signal ? AbortSignal.any([init.signal, cut]) : cut;
  return { ...init, signal };
}

const ALLOW_ALL: EgressRules = { allows: () => true };
let rules: EgressRules = ALLOW_ALL;

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

/**
 * `permissions.external.fetch.backend` as a rule: entries are strings or `{ address }`; an
 * address is `*`, a host (`api.example.com`), a wildcard host (`*.example.com`: its subdomains),
 * each optionally with a scheme (`https://...`) that must then match.
 */
export function backendEgressRule(entries: readonly unknown[]): (url: URL) => boolean {
  const patterns = entries
    .map((entry) => (typeof entry === 'string' ? entry : typeof entry === 'object' && entry !== null ? (entry as { address?: unknown }).address : undefined))
    .filter((address): address is string => typeof address === 'string' && address !== '')
    .map((address) => {
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(address)?.[1]?.toLowerCase();
      const host = (scheme ? address.slice(scheme.length + 3) : address).split(/[/:?#]/)[0]?.toLowerCase() ?? '';
      return { scheme, host };
    });
  return (url) =>
    patterns.some(({ scheme, host }) => {
      if (scheme && `${scheme}:` !== url.protocol) return false;
      const target = url.hostname.toLowerCase();
      if (host === '*') return true;
      if (host.startsWith('*.')) return target.endsWith(host.slice(1));
      return target === host;
    });
}

/** Forge's egress proxy answer to an undeclared URL (the SDK's `ExternalEndpointNotAllowedError` text). */
function egressRefusal(url: URL): Response {
  const message = `URL not included in the external fetch backend permissions: ${url.href}. Visit go.atlassian.com/forge-egress for more information.`;
  return new Response(JSON.stringify({ message }), {
    status: 403,
    statusText: 'Forbidden',
    headers: { 'content-type': 'application/json', 'forge-proxy-error': 'REQUEST_EGRESS_ALLOWLIST_ERR' },
  });
}

export function installEgressFetch(): void {
  if (installed) return;
  installed = true;
  globalThis.fetch = async (input, init) => {
    const target = targetOf(input);
    const invocation = currentInvocation();
    if (invocation) {
      const stopped = stoppedReason(invocation);
      if (stopped !== undefined) {
        rules.onRequest?.(invocation, 'after-timeout');
        throw new InvocationStoppedError(invocation, stopped);
      }
      if (!rules.allows(target)) {
        rules.onRequest?.(invocation, 'refused');
        return egressRefusal(target);
      }
      rules.onRequest?.(invocation, 'sent');
    }
    if (!isLoopbackHost(target.hostname)) {
      throw new TypeError('fetch failed', { cause: new EgressBlockedError(target.hostname) });
    }
    if (!invocation) return implementation(input, init);
    const limit = ASYNC_EVENT_MODULE_TYPES.has(invocation.moduleType) ? rules.asyncRequestTimeoutMs : undefined;
    const sent = limit !== undefined && Number.isFinite(limit) ? withRequestTimeout(init, limit) : init;
    // The latency is part of the request's time, as it is behind Forge's egress proxy.
    if (rules.latencyMs) {
      const signal = sent?.signal;
      await Promise.race([(rules.wait ?? realWait)(rules.latencyMs), ...(signal ? [abortOf(signal)] : [])]);
    }
    return implementation(input, sent);
  };
}

/** Rejects as fetch does when `signal` aborts (its reason: a TimeoutError for the async-event cut). */
function abortOf(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Points the installed `fetch` at another implementation (e.g. one trusting a local CA). */
export function setEgressImplementation(fetchImpl: FetchImpl | undefined): void {
  implementation = fetchImpl ?? originalFetch;
}

/** The manifest's egress rule and the usage hook of the running host (undefined: allow all). */
export function setEgressRules(next: EgressRules | undefined): void {
  rules = next ?? ALLOW_ALL;
}
