import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCertificate } from '../local/demo-receiver/certificate';
import { createTrustingFetch } from '../local/demo-receiver/trusting-fetch';

/**
 * A minimal loopback HTTPS receiver for the benchmark: answers 204 (at once, or after `delayMs`)
 * and counts distinct `webhook-id`s. No signature check: both sides of the throughput comparison
 * hit the same server, so what it costs is the same for both, and the demo receiver's verifying
 * would only add noise.
 */
export interface BenchReceiver {
  readonly origin: string;
  /** A fetch that trusts this receiver's self-signed certificate (the host's egress and the raw loop use it). */
  readonly trustedFetch: typeof globalThis.fetch;
  url(hook: string): string;
  /** Distinct deliveries (webhook-id) received since the last clear. */
  distinct(): number;
  /** Requests received since the last clear, duplicates included. */
  requests(): number;
  /** One body the pipeline sent (the raw loop sends bodies of the same size). */
  sampleBody(): string | undefined;
  /** The most requests open at once (arrived, not yet answered) since the last clear. */
  maxInFlight(): number;
  /**
   * With `trackOrder`: first arrivals of a webhook-id whose `data.revision` is lower than the
   * highest one already received for the same hook and project (a duplicate is not counted).
   */
  outOfOrder(): number;
  /** `performance.now()` when the last new webhook-id arrived; undefined before the first. */
  lastDistinctAt(): number | undefined;
  clear(): void;
  /** Resolves when `count` distinct deliveries arrived; rejects after `timeoutMs` of real time. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchReceiverOptions {
  /** Real time each request is held before the answer; requests are held side by side. */
  readonly delayMs?: number;
  /** Parse each first arrival's body to count revisions that arrive out of order (costs a JSON.parse per request). */
  readonly trackOrder?: boolean;
}

/** Where a body says it belongs in its project's order; undefined when it says nothing usable. */
function revisionOf(body: string): { project: string; revision: number } | undefined {
  try {
    const data = (JSON.parse(body) as { data?: { project?: { key?: unknown }; revision?: unknown } }).data;
    const project = data?.project?.key;
    const revision = data?.revision;
    return typeof project === 'string' && typeof revision === 'number' ? { project, revision } : undefined;
  } catch {
    return undefined;
  }
}

export async function startBenchReceiver(options: BenchReceiverOptions = {}): Promise<BenchReceiver> {
  const tlsDir = mkdtempSync(join(tmpdir(), 'prw-bench-tls-'));
  const tls = loadOrCreateCertificate(tlsDir);
  const delayMs = options.delayMs ?? 0;
  const seen = new Set<string>();
  /** Highest revision received per `hook path + project key`. */
  const highest = new Map<string, number>();
  let requests = 0;
  let open = 0;
  let maxOpen = 0;
  let outOfOrder = 0;
  let lastDistinctAt: number | undefined;
  let sample: string | undefined;
  let waiters: { count: number; resolve: () => void }[] = [];

  const server: Server = createServer({ key: tls.key, cert: tls.cert, keepAlive: true }, (req, res) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    // Open until the receiver answers (not until the socket has flushed it) or the sender gives up.
    let counted = true;
    const done = () => {
      if (counted) open -= 1;
      counted = false;
    };
    res.on('close', done);
    const answer = () => {
      done();
      res.writeHead(204).end();
    };
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests += 1;
      const id = req.headers['webhook-id'];
      const first = typeof id === 'string' && !seen.has(id);
      if (typeof id === 'string') seen.add(id);
      if (first) lastDistinctAt = performance.now();
      const body = sample === undefined || (first && options.trackOrder) ? Buffer.concat(chunks).toString('utf8') : undefined;
      sample ??= body;
      if (first && options.trackOrder && body !== undefined) {
        const place = revisionOf(body);
        if (place) {
          const key = `${req.url ?? ''} ${place.project}`;
          const before = highest.get(key);
          if (before !== undefined && place.revision < before) outOfOrder += 1;
          if (before === undefined || place.revision > before) highest.set(key, place.revision);
        }
      }
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
      if (waiters.length > 0) {
        const ready = waiters.filter((w) => seen.size >= w.count);
        waiters = waiters.filter((w) => seen.size < w.count);
        for (const w of ready) w.resolve();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    trustedFetch: createTrustingFetch(tls.cert),
    url: (hook) => `${origin}/hooks/${hook}`,
    distinct: () => seen.size,
    requests: () => requests,
    sampleBody: () => sample,
    maxInFlight: () => maxOpen,
    outOfOrder: () => outOfOrder,
    lastDistinctAt: () => lastDistinctAt,
    clear() {
      seen.clear();
      highest.clear();
      requests = 0;
      // Requests still open stay counted: they are open now.
      maxOpen = open;
      outOfOrder = 0;
      lastDistinctAt = undefined;
    },
    waitFor(count, timeoutMs) {
      if (seen.size >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver: ${seen.size} of ${count} deliveries after ${timeoutMs / 1000} s`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}
