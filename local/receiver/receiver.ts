import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { loadOrCreateCertificate } from './certificate';
import { renderReceivedPage } from './page';
import { createTrustingFetch, type TrustingFetch } from './trusting-fetch';
import { DEFAULT_TOLERANCE_SECONDS, verifyWebhookSignature, type Verdict } from './verify';

/**
 * The demo HTTPS receiver of the offline host: what the engineer on the receiving end runs. It
 * listens on a loopback address only and
 * - records every request to `/hooks/<name>` (method, path, headers, raw body, time) and checks
 *   its Standard Webhooks signature with the secret registered for `<name>` (`verify.ts`);
 * - answers POSTs as planned per hook (`respondWith`: a status, headers, a body, a delay), 200
 *   by default, so tests can play a failing, gone, rate-limiting, redirecting or slow endpoint;
 * - shows what arrived at `GET /` (HTML) and `GET /api/received` (JSON), newest first.
 *
 * HTTP control surface (for demos, all optional): `PUT|DELETE /api/hooks/<name>/secret` (body:
 * the secret as text, or `{"secret"}` / `{"secrets": [...]}`), `PUT|DELETE /api/hooks/<name>/response`
 * (body: a `ResponsePlan`), `DELETE /api/received`.
 */

export interface ResponsePlan {
  /** 200..599; default 200. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else as JSON. Default: a short JSON acknowledgement. */
  readonly body?: unknown;
  /** Real milliseconds to wait before answering (timers are not moved by the virtual clock). */
  readonly delayMs?: number;
  /** Only for the next `times` requests, then the hook answers as before (queued in order). */
  readonly times?: number;
}

export interface ReceivedRequest {
  /** 1, 2, 3, ... in arrival order. */
  readonly id: number;
  /** `<name>` of `/hooks/<name>`. */
  readonly hook: string;
  readonly method: string;
  /** Path and query as requested. */
  readonly path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body as UTF-8 text. */
  readonly body: string;
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
  /** ISO time of arrival by the process clock (`Date`, which the host's virtual clock moves). */
  readonly receivedAt: string;
  readonly receivedAtMs: number;
  readonly verdict: Verdict;
  readonly response: { readonly status: number; readonly delayMs: number };
  /** The sender hung up (e.g. its timeout) before the answer was sent. */
  readonly clientClosedEarly: boolean;
}

/** Secret(s) for a hook, given its name and the request path (with query). */
export type SecretResolver = (hook: string, path: string) => string | readonly string[] | undefined;

export interface DemoReceiverOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** A loopback address: `127.0.0.1` (default), `::1` or `localhost`. */
  readonly host?: string;
  /** Where the certificate is kept and reused; without it a fresh one is made in memory. */
  readonly tlsDir?: string;
  /** Secrets per hook name known from the start. */
  readonly secrets?: Readonly<Record<string, string | readonly string[]>>;
  /** Asked for hooks without a secret set by `setSecret` or `secrets`. */
  readonly secretsFor?: SecretResolver;
  readonly toleranceSeconds?: number;
  /** How many requests are kept (oldest dropped first); default 500. */
  readonly maxKept?: number;
  /** Bodies over this are answered 413 and not verified; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Now in epoch ms for the timestamp check and `receivedAt`; default `Date.now`. */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export interface DemoReceiver {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The receiver's certificate (PEM): the CA to trust. */
  readonly caPem: string;
  /** The certificate's file when `tlsDir` was given (e.g. for `NODE_EXTRA_CA_CERTS`). */
  readonly certificateFile: string | undefined;
  /** A fetch that trusts this receiver's certificate besides the usual CAs: the host's egress. */
  readonly trustedFetch: TrustingFetch;
  /** `https://127.0.0.1:<port>/hooks/<name>` */
  hookUrl(name: string): string;
  /** Registers the secret(s) `/hooks/<name>` is verified with; undefined removes them. */
  setSecret(name: string, secret: string | readonly string[] | undefined): void;
  /** How `/hooks/<name>` answers POSTs from now on; undefined restores the default 200. */
  respondWith(name: string, plan: ResponsePlan | undefined): void;
  /** What arrived, newest first, for one hook or all. */
  received(name?: string): ReceivedRequest[];
  /** Resolves once `/hooks/<name>` has received `count` requests (newest first). */
  waitForRequests(name: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Forgets what arrived (for one hook or all); secrets and plans stay. */
  clear(name?: string): void;
  stop(): Promise<void>;
}

const HOOK_NAME = /^[A-Za-z0-9._~-]{1,100}$/;
const CONTROL_BODY_LIMIT = 64 * 1024;

type MutableReceived = { -readonly [K in keyof ReceivedRequest]: ReceivedRequest[K] };

interface HookPlans {
  standing?: ResponsePlan;
  queue: { plan: ResponsePlan; remaining: number }[];
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function validatePlan(plan: ResponsePlan): void {
  const status = plan.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`respondWith: status must be an integer 200..599, got ${String(plan.status)}`);
  if (plan.delayMs !== undefined && (!Number.isFinite(plan.delayMs) || plan.delayMs < 0)) throw new RangeError(`respondWith: delayMs must be >= 0, got ${plan.delayMs}`);
  if (plan.times !== undefined && (!Number.isInteger(plan.times) || plan.times < 1)) throw new RangeError(`respondWith: times must be a positive integer, got ${plan.times}`);
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage, limit: number): Promise<{ bytes: Buffer; total: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (total + chunk.length <= limit) chunks.push(chunk);
    else if (total < limit) chunks.push(chunk.subarray(0, limit - total));
    total += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), total, truncated: total > limit };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  if (text && !lower['content-type']) lower['content-type'] = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'cache-control': 'no-store', ...lower, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export async function startDemoReceiver(options: DemoReceiverOptions = {}): Promise<DemoReceiver> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`demo receiver: listens on loopback addresses only, not ${host}`);
  const now = options.now ?? (() => Date.now());
  const log = options.log ?? (() => undefined);
  const maxKept = options.maxKept ?? 500;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

  const tlsMaterial = await loadOrCreateCertificate(options.tlsDir);
  const trustedFetch = createTrustingFetch(tlsMaterial.cert);

  const secrets = new Map<string, readonly string[]>();
  for (const [name, value] of Object.entries(options.secrets ?? {})) secrets.set(name, typeof value === 'string' ? [value] : [...value]);
  const plans = new Map<string, HookPlans>();
  const requests: MutableReceived[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let nextId = 1;
  let stopped = false;

  const secretsFor = (hook: string, path: string): readonly string[] => {
    const set = secrets.get(hook);
    if (set) return set;
    const resolved = options.secretsFor?.(hook, path);
    return resolved === undefined ? [] : typeof resolved === 'string' ? [resolved] : resolved;
  };

  function setSecret(name: string, secret: string | readonly string[] | undefined): void {
    if (secret === undefined) secrets.delete(name);
    else secrets.set(name, typeof secret === 'string' ? [secret] : [...secret]);
  }

  function respondWith(name: string, plan: ResponsePlan | undefined): void {
    if (plan === undefined) {
      plans.delete(name);
      return;
    }
    validatePlan(plan);
    const hookPlans = plans.get(name) ?? { queue: [] };
    if (plan.times !== undefined) hookPlans.queue.push({ plan, remaining: plan.times });
    else hookPlans.standing = plan;
    plans.set(name, hookPlans);
  }

  function nextPlan(name: string): ResponsePlan | undefined {
    const hookPlans = plans.get(name);
    if (!hookPlans) return undefined;
    const head = hookPlans.queue[0];
    if (head) {
      head.remaining -= 1;
      if (head.remaining <= 0) hookPlans.queue.shift();
      return head.plan;
    }
    return hookPlans.standing;
  }

  const received = (name?: string): ReceivedRequest[] => requests.filter((r) => name === undefined || r.hook === name).reverse();

  function record(entry: MutableReceived): void {
    requests.push(entry);
    if (requests.length > maxKept) requests.splice(0, requests.length - maxKept);
    for (const waiter of [...waiters]) waiter();
  }

  async function onHook(req: IncomingMessage, res: ServerResponse, hook: string, path: string): Promise<void> {
    const receivedAtMs = now();
    const headers = headersOf(req);
    const { bytes, total, truncated } = await readBody(req, maxBodyBytes);
    const verdict: Verdict = truncated
      ? { valid: false, reason: `body over ${maxBodyBytes} bytes: not verified` }
      : verifyWebhookSignature({ headers, body: bytes, secrets: secretsFor(hook, path), nowMs: now(), toleranceSeconds: tolerance });
    const id = nextId++;
    const isPost = req.method === 'POST';
    const plan = isPost && !truncated ? nextPlan(hook) : undefined;
    const status = truncated ? 413 : isPost ? (plan?.status ?? 200) : 405;
    const delayMs = plan?.delayMs ?? 0;
    const entry: MutableReceived = {
      id,
      hook,
      method: req.method ?? 'GET',
      path,
      headers,
      body: bytes.toString('utf8'),
      bodyBytes: total,
      bodyTruncated: truncated,
      receivedAt: new Date(receivedAtMs).toISOString(),
      receivedAtMs,
      verdict,
      response: { status, delayMs },
      clientClosedEarly: false,
    };
    record(entry);
    log(`demo receiver: #${id} ${entry.method} ${path} -> ${status}${delayMs ? ` after ${delayMs} ms` : ''} (${verdict.valid ? 'signature valid' : `invalid: ${verdict.reason}`})`);

    res.on('close', () => {
      if (!res.writableFinished) entry.clientClosedEarly = true;
    });
    const answer = () => {
      if (!isPost) return send(res, 405, { error: 'Webhooks are POSTed' }, { allow: 'POST' });
      if (truncated) return send(res, 413, { error: `Body over ${maxBodyBytes} bytes` });
      send(res, status, plan?.body ?? { received: id, verdict: verdict.valid ? 'valid' : 'invalid' }, { ...(plan?.headers ?? {}) });
    };
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, delayMs);
      timers.add(timer);
    } else {
      answer();
    }
  }

  async function controlBody(req: IncomingMessage): Promise<string | undefined> {
    const { bytes, truncated } = await readBody(req, CONTROL_BODY_LIMIT);
    return truncated ? undefined : bytes.toString('utf8');
  }

  async function onControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/' && method === 'GET') {
      const hook = url.searchParams.get('hook') ?? undefined;
      const refresh = Number(url.searchParams.get('refresh'));
      const html = renderReceivedPage({
        received: received(hook),
        baseUrl,
        hooksWithSecret: [...secrets.keys()].sort(),
        ...(hook ? { hook } : {}),
        ...(refresh >= 1 && refresh <= 60 ? { refreshSeconds: refresh } : {}),
      });
      return send(res, 200, html, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'" });
    }
    if (path === '/api/received') {
      if (method === 'GET') {
        const hook = url.searchParams.get('hook') ?? undefined;
        const list = received(hook);
        return send(res, 200, { count: list.length, received: list });
      }
      if (method === 'DELETE') {
        clear(url.searchParams.get('hook') ?? undefined);
        return send(res, 204, undefined);
      }
      return send(res, 405, { error: 'GET or DELETE' }, { allow: 'GET, DELETE' });
    }
    const control = /^\/api\/hooks\/([^/]+)\/(secret|response)$/.exec(path);
    if (control) {
      const name = decodeURIComponent(control[1] ?? '');
      if (!HOOK_NAME.test(name)) return send(res, 400, { error: 'hook names are 1-100 of A-Z a-z 0-9 . _ ~ -' });
      if (method === 'DELETE') {
        if (control[2] === 'secret') setSecret(name, undefined);
        else respondWith(name, undefined);
        return send(res, 204, undefined);
      }
      if (method !== 'PUT') return send(res, 405, { error: 'PUT or DELETE' }, { allow: 'PUT, DELETE' });
      const text = await controlBody(req);
      if (text === undefined) return send(res, 413, { error: 'too large' });
      let parsed: unknown = text.trim();
      try {
        parsed = JSON.parse(text);
      } catch {
        // a bare secret as text
      }
      try {
        if (control[2] === 'secret') {
          const value = typeof parsed === 'string' ? parsed : (parsed as { secret?: unknown; secrets?: unknown } | null)?.secrets ?? (parsed as { secret?: unknown } | null)?.secret;
          const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
          if (list.length === 0 || !list.every((s): s is string => typeof s === 'string' && s.length > 0)) return send(res, 400, { error: 'send the secret as text, {"secret": "whsec_..."} or {"secrets": [...]}' });
          setSecret(name, list);
        } else {
          if (typeof parsed !== 'object' || parsed === null) return send(res, 400, { error: 'send a JSON response plan: {"status", "headers", "body", "delayMs", "times"}' });
          respondWith(name, parsed as ResponsePlan);
        }
      } catch (error) {
        return send(res, 400, { error: (error as Error).message });
      }
      return send(res, 204, undefined);
    }
    // The page's two forms (no script): register a secret, clear the list.
    if (method === 'POST' && (path === '/secrets' || path === '/clear')) {
      const text = (await controlBody(req)) ?? '';
      if (path === '/clear') clear();
      else {
        const form = new URLSearchParams(text);
        const hook = form.get('hook')?.trim() ?? '';
        const secret = form.get('secret')?.trim() ?? '';
        if (!HOOK_NAME.test(hook) || !secret) return send(res, 400, 'A hook name (A-Z a-z 0-9 . _ ~ -) and a secret are needed.');
        setSecret(hook, secret);
      }
      return send(res, 303, undefined, { location: '/' });
    }
    return send(res, 404, { error: `Nothing at ${method} ${path}. Webhooks go to /hooks/<name>; the list is at / and /api/received.` });
  }

  function clear(name?: string): void {
    if (name === undefined) requests.length = 0;
    else {
      const kept = requests.filter((r) => r.hook !== name);
      requests.length = 0;
      requests.push(...kept);
    }
  }

  const server = createServer({ key: tlsMaterial.key, cert: tlsMaterial.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://receiver.localhost');
    const hookMatch = /^\/hooks\/([^/]+)(?:\/.*)?$/.exec(url.pathname);
    let handling: Promise<void>;
    if (hookMatch) {
      let hook = '';
      try {
        hook = decodeURIComponent(hookMatch[1] ?? '');
      } catch {
        // malformed escape: not a hook name
      }
      handling = HOOK_NAME.test(hook) ? onHook(req, res, hook, req.url ?? url.pathname) : Promise.resolve(send(res, 404, { error: 'hook names are 1-100 of A-Z a-z 0-9 . _ ~ -' }));
    } else {
      handling = onControl(req, res, url);
    }
    handling.catch((error: unknown) => {
      log(`demo receiver: ${req.method} ${req.url} failed: ${(error as Error).message}`);
      send(res, 500, { error: 'demo receiver failure' });
    });
  });
  // A client refusing the self-signed certificate ends the handshake: nothing to report.
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new Error(`demo receiver: cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`));
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    caPem: tlsMaterial.cert,
    certificateFile: tlsMaterial.certFile,
    trustedFetch,
    hookUrl: (name) => `${baseUrl}/hooks/${encodeURIComponent(name)}`,
    setSecret,
    respondWith,
    received,
    waitForRequests(name, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const list = received(name);
          if (list.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(list);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`demo receiver: /hooks/${name} got ${received(name).length} of ${count} request(s) within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    clear,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await trustedFetch.close();
    },
  };
}
