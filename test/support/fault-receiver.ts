import { createServer as createNetServer, type Socket } from 'node:net';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadOrCreateCertificate } from '../../local/demo-receiver/certificate';
import { createTrustingFetch } from '../../local/demo-receiver/trusting-fetch';

/**
 * A loopback HTTPS receiver that misbehaves on purpose, per hook: what a webhook sender meets in
 * the wild (errors, rate limits, redirects, hangs, trickles, huge answers, resets). The demo
 * receiver answers plans with a status; these faults need the socket itself.
 */
export type Fault =
  | { readonly kind: 'answer'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  /** Reads the request and never answers (the sender's time-out must end it). */
  | { readonly kind: 'hang' }
  /** 200 and headers at once, then one byte every `intervalMs`, never ending. */
  | { readonly kind: 'trickle'; readonly intervalMs: number }
  /** 200 with a body of `bytes` bytes, written as the client reads it. */
  | { readonly kind: 'big'; readonly bytes: number }
  /** Reads the request, then destroys the connection without an answer (a TCP reset). */
  | { readonly kind: 'reset' }
  /** `fault` on every `n`th request to the hook (counted from 1), 200 otherwise: a receiver that is mostly fine. */
  | { readonly kind: 'every'; readonly n: number; readonly fault: Fault }
  /** Decided per request from what it carries (undefined: 200), e.g. a receiver that refuses one project's change. */
  | { readonly kind: 'decide'; readonly decide: (request: { readonly body: string; readonly headers: Readonly<Record<string, string>> }) => Fault | undefined };

type Direct = Exclude<Fault, { kind: 'every' } | { kind: 'decide' }>;

export interface Received {
  readonly hook: string;
  readonly webhookId: string;
  readonly attempt: number;
  /** The status it was answered with; null when it got no answer (hang, reset, trickle). */
  readonly answered: number | null;
  /** Virtual time (the host owns `Date` in this process) when the request arrived. */
  readonly at: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface FaultReceiver {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** Trusts this receiver's certificate (and what shares its TLS folder). */
  readonly trustedFetch: typeof globalThis.fetch;
  hookUrl(hook: string): string;
  /** How `/hooks/<hook>` answers from now on; undefined: 200 `{"ok":true}`. */
  on(hook: string, fault: Fault | undefined): void;
  /** Requests that reached `/hooks/<hook>` (or any hook), oldest first. */
  received(hook?: string): Received[];
  /** Bytes of big bodies written so far (all hooks). */
  bigBytesWritten(): number;
  clear(): void;
  stop(): Promise<void>;
}

export async function startFaultReceiver(options: { readonly tlsDir: string }): Promise<FaultReceiver> {
  const tls = loadOrCreateCertificate(options.tlsDir);
  const faults = new Map<string, Fault>();
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const counts = new Map<string, number>();
  const ok: Fault = { kind: 'answer', status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
  const pick = (fault: Fault | undefined, seen: number, request: { body: string; headers: Record<string, string> }): Direct => {
    if (!fault) return ok as Direct;
    if (fault.kind === 'decide') return pick(fault.decide(request), seen, request);
    if (fault.kind !== 'every') return fault;
    return seen % fault.n === 0 ? pick(fault.fault, seen, request) : (ok as Direct);
  };
  let bigWritten = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/hooks\/([A-Za-z0-9._-]{1,64})$/.exec(new URL(req.url ?? '/', 'https://x').pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!match || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const hook = match[1] ?? '';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const seen = (counts.get(hook) ?? 0) + 1;
    counts.set(hook, seen);
    const body = Buffer.concat(chunks).toString('utf8');
    const fault = pick(faults.get(hook), seen, { body, headers });
    const answered = fault.kind === 'answer' ? fault.status : fault.kind === 'big' ? 200 : null;
    received.push({ hook, webhookId: headers['webhook-id'] ?? '', attempt: Number(headers['webhook-attempt']), answered, at: Date.now(), headers, body });
    switch (fault.kind) {
      case 'answer':
        res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('x');
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          res.write('x');
        }, fault.intervalMs);
        timers.add(timer);
        return;
      }
      case 'big': {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(fault.bytes) });
        const block = Buffer.alloc(64 * 1024, 'y');
        let left = fault.bytes;
        // Written only as fast as the client takes it, so the count shows how much it read.
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            const piece = block.subarray(0, Math.min(block.length, left));
            left -= piece.length;
            bigWritten += piece.length;
            if (!res.write(piece)) return void res.once('drain', pump);
          }
          if (left === 0) res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
    }
  }

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    trustedFetch: createTrustingFetch(tls.cert),
    hookUrl: (hook) => `${url}/hooks/${hook}`,
    on: (hook, fault) => void (fault ? faults.set(hook, fault) : faults.delete(hook)),
    received: (hook) => received.filter((r) => hook === undefined || r.hook === hook),
    bigBytesWritten: () => bigWritten,
    clear: () => {
      received.length = 0;
      counts.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (bound, then closed): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createNetServer((socket: Socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
