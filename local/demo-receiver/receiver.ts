import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { realNow } from '../platform/clock';
import { loadOrCreateCertificate } from './certificate';
import { createTrustingFetch } from './trusting-fetch';
import { renderReceivedPage } from './received-page';

export interface ReceivedRequest {
  readonly id: number;
  readonly receivedAt: string;
  readonly hook: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Verified with the official `standardwebhooks` library, as a receiver would. */
  readonly verdict: { readonly valid: true } | { readonly valid: false; readonly reason: string };
  /**
   * Set when the signature's timestamp is more than 5 minutes ahead of real time: the host's
   * virtual clock was advanced, and a receiver in a process of its own (on real time) rejects the
   * signature as too new although the verdict here, on the host's clock, says valid.
   */
  readonly clockNote?: string;
  readonly answeredStatus: number;
}

/** Standard Webhooks' tolerance for a timestamp's distance from now. */
const TOLERANCE_SECONDS = 5 * 60;

/** What a receiver on real time thinks of the signature's timestamp, when it differs from the host's view. */
export function clockNoteFor(timestampHeader: string | undefined, realNowMs: number): string | undefined {
  const timestamp = Number(timestampHeader);
  if (!Number.isFinite(timestamp)) return undefined;
  const ahead = timestamp - Math.floor(realNowMs / 1000);
  if (ahead <= TOLERANCE_SECONDS) return undefined;
  const minutes = Math.round(ahead / 60);
  return `Signed ${minutes} minute${minutes === 1 ? '' : 's'} ahead of real time: the host's clock was advanced (/_host/clock). A receiver on real time rejects this signature as too new (Standard Webhooks allows 5 minutes).`;
}

export interface ResponsePlan {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Real milliseconds to wait before answering (for time-out tests). */
  readonly delayMs?: number;
}

export interface DemoReceiver {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly caPem: string;
  /** A fetch that trusts this receiver's certificate (and `trust`), for the host's egress. */
  readonly trustedFetch: typeof globalThis.fetch;
  hookUrl(name: string): string;
  setSecret(hook: string, secret: string): void;
  /** How `/hooks/<hook>` answers from now on (default 200 `{"ok":true}`). */
  respondWith(hook: string, plan: ResponsePlan | undefined): void;
  received(hook?: string): ReceivedRequest[];
  clear(): void;
  stop(): Promise<void>;
}

const MAX_KEPT = 500;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The demo HTTPS receiver of the offline host: what an engineer on the receiving end runs. It
 * records every POST to `/hooks/<name>`, verifies its Standard Webhooks signature with the
 * secret registered for that name, and lists what it got at `/` (HTML) and `/api/received`.
 */
export async function startDemoReceiver(options: { port: number; tlsDir: string; host?: string; secretsFile?: string; trust?: readonly string[] }): Promise<DemoReceiver> {
  const tls = loadOrCreateCertificate(options.tlsDir);
  // Secrets registered for hooks survive restarts when a file is given (npm start keeps it in the state folder).
  const secrets = new Map<string, string>(options.secretsFile && existsSync(options.secretsFile) ? Object.entries(JSON.parse(readFileSync(options.secretsFile, 'utf8')) as Record<string, string>) : []);
  const registerSecret = (hook: string, secret: string) => {
    secrets.set(hook, secret);
    if (options.secretsFile) writeFileSync(options.secretsFile, JSON.stringify(Object.fromEntries(secrets), null, 2), { mode: 0o600 });
  };
  const plans = new Map<string, ResponsePlan>();
  const received: ReceivedRequest[] = [];
  let nextId = 1;

  function verify(hook: string, headers: Record<string, string>, body: string): ReceivedRequest['verdict'] {
    const secret = secrets.get(hook);
    if (!secret) return { valid: false, reason: `no secret registered for hook "${hook}"` };
    try {
      new Webhook(secret).verify(body, headers);
      return { valid: true };
    } catch (error) {
      return { valid: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new Error('body over 1 MiB');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://receiver');
    const hookMatch = /^\/hooks\/([A-Za-z0-9._-]{1,64})$/.exec(url.pathname);
    if (hookMatch && req.method === 'POST') {
      const hook = hookMatch[1] ?? '';
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const plan = plans.get(hook) ?? { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } };
      const clockNote = clockNoteFor(headers['webhook-timestamp'], realNow());
      received.unshift({ id: nextId++, receivedAt: new Date().toISOString(), hook, method: req.method, path: url.pathname, headers, body, verdict: verify(hook, headers, body), ...(clockNote ? { clockNote } : {}), answeredStatus: plan.status });
      received.length = Math.min(received.length, MAX_KEPT);
      if (plan.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs));
      res.writeHead(plan.status, plan.headers ?? {});
      res.end(plan.body ?? '');
      return;
    }
    const secretMatch = /^\/api\/secrets\/([A-Za-z0-9._-]{1,64})$/.exec(url.pathname);
    if (secretMatch && req.method === 'PUT') {
      const secret = (await readBody(req)).trim();
      if (!secret.startsWith('whsec_')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'send the whsec_ secret as the body' }));
        return;
      }
      registerSecret(secretMatch[1] ?? '', secret);
      res.writeHead(204).end();
      return;
    }
    // The page's form: register a hook's secret from the browser (the admin page shows it once).
    if (req.method === 'POST' && url.pathname === '/secrets') {
      const form = new URLSearchParams(await readBody(req));
      const hook = form.get('hook')?.trim() ?? '';
      const secret = form.get('secret')?.trim() ?? '';
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(hook) || !secret.startsWith('whsec_')) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Give a hook name (letters, digits, . _ -) and its whsec_ secret.');
        return;
      }
      registerSecret(hook, secret);
      res.writeHead(303, { location: '/' }).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/received') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received, null, 2));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" }).end(renderReceivedPage(received, [...secrets.keys()]));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `nothing at ${req.method} ${url.pathname}` }));
  }

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;

  return {
    url,
    caPem: tls.cert,
    // The host's egress trusts this receiver and the certificates given to it (--trust-cert).
    trustedFetch: createTrustingFetch([tls.cert, ...(options.trust ?? [])]),
    hookUrl: (name) => `${url}/hooks/${encodeURIComponent(name)}`,
    setSecret: (hook, secret) => registerSecret(hook, secret),
    respondWith: (hook, plan) => void (plan ? plans.set(hook, plan) : plans.delete(hook)),
    received: (hook) => (hook ? received.filter((r) => r.hook === hook) : [...received]),
    clear: () => void (received.length = 0),
    stop: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
