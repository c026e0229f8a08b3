import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCertificate } from '../local/demo-receiver/certificate';
import { createTrustingFetch } from '../local/demo-receiver/trusting-fetch';

/**
 * A minimal loopback HTTPS receiver for the benchmark: answers 204 at once and counts distinct
 * `webhook-id`s. No signature check: both sides of the throughput comparison hit the same server,
 * so what it costs is the same for both, and the demo receiver's verifying would only add noise.
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
  clear(): void;
  /** Resolves when `count` distinct deliveries arrived; rejects after `timeoutMs` of real time. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const tlsDir = mkdtempSync(join(tmpdir(), 'prw-bench-tls-'));
  const tls = loadOrCreateCertificate(tlsDir);
  const seen = new Set<string>();
  let requests = 0;
  let sample: string | undefined;
  let waiters: { count: number; resolve: () => void }[] = [];

  const server: Server = createServer({ key: tls.key, cert: tls.cert, keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests += 1;
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') seen.add(id);
      sample ??= Buffer.concat(chunks).toString('utf8');
      res.writeHead(204).end();
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
    clear() {
      seen.clear();
      requests = 0;
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
