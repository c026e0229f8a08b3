import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoReceiver, type DemoReceiver } from '../../local/demo-receiver';
import { startHostServer, type HostServer } from '../../local/server';
import { startTestHost, type DemoUserName, type TestHost } from '../support/host-fixture';
import { fetchDocument, recordAnswer, useContractCheck } from './contract';

/**
 * The management API over HTTP through the offline host: the real app, the real SDKs, the host's
 * web trigger route, a demo HTTPS receiver for webhook targets. Each test gets a fresh host and
 * its own token, so the per-token rate limit of one test never touches another.
 */
export interface ApiFixture {
  readonly t: TestHost;
  readonly server: HostServer;
  readonly receiver: DemoReceiver;
  /** The admin's token of this test. */
  readonly token: string;
  readonly url: (path: string) => string;
  call(method: string, path: string, options?: CallOptions): Promise<ApiAnswer>;
  /** GET with the path sent byte for byte (fetch would resolve `..` and `%2e%2e` first). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read by shape
  rawGet(path: string): Promise<{ status: number; json: any }>;
  /** A token for another demo user (a "demoted" admin, or one who never was). */
  seedToken(user: DemoUserName): Promise<string>;
}

export interface CallOptions {
  /** JSON-encoded with Content-Type: application/json unless `raw` is given. */
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  /** null: no Authorization header. */
  readonly token?: string | null;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read by shape in each test
  readonly json: any;
}

let tokenCounter = 0;
const newToken = () => `prw_test-${process.pid}-${Date.now()}-${(tokenCounter += 1)}-0123456789abcdef`;

export function useApiFixture(): () => ApiFixture {
  let tlsDir: string;
  let receiver: DemoReceiver;
  let current: ApiFixture | undefined;
  let stop: (() => Promise<void>) | undefined;
  // Every answer of the suite is checked against the OpenAPI document after its last test.
  useContractCheck();

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'prw-api-tls-'));
    receiver = await startDemoReceiver({ port: 0, tlsDir });
  });
  afterAll(async () => {
    await receiver.stop();
    rmSync(tlsDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    receiver.clear();
    let base = 'http://127.0.0.1';
    const t = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, baseUrl: () => base });
    const server = await startHostServer(t.host, { port: 0 });
    base = server.baseUrl;
    const seedToken = async (user: DemoUserName) => {
      const token = newToken();
      await t.host.seedApiToken(token, t.accountId(user));
      return token;
    };
    const token = await seedToken('admin');
    const url = (path: string) => `${server.baseUrl}/x/management-api${path}`;
    const call = async (method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer> => {
      const headers: Record<string, string> = { ...(options.token === null ? {} : { Authorization: `Bearer ${options.token ?? token}` }) };
      let body: string | undefined;
      if (options.raw !== undefined) body = options.raw;
      else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['Content-Type'] = 'application/json';
      }
      const response = await fetch(url(path), { method, headers: { ...headers, ...options.headers }, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      recordAnswer(method, path, response, text);
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, headers: response.headers, json };
    };
    const rawGet = (path: string) =>
      new Promise<{ status: number; json: unknown }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path: `/x/management-api${path}`, method: 'GET', headers: { Authorization: `Bearer ${token}` } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
            recordAnswer('GET', path, { status: res.statusCode ?? 0, headers }, text);
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || 'null') });
          });
        });
        req.on('error', reject);
        req.end();
      });
    await fetchDocument(url(''));
    current = { t, server, receiver, token, url, call, rawGet, seedToken };
    stop = async () => {
      await server.close();
      await t.stop();
    };
  });
  afterEach(async () => {
    await stop?.();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the API fixture runs inside a test only');
    return current;
  };
}

/** An error answer with this status and code. */
export function expectError(answer: ApiAnswer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status, code });
  expect(typeof answer.json.error.message).toBe('string');
}
