import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, parseCli } from '../../local/main';
import { runInInvocation } from '../../local/platform/invocation-context';
import { InvocationRateLimitedError } from '../../local/platform/invocation-rate';
import { resolveFidelity } from '../../local/platform/fidelity';
import { startHostServer, type HostServer } from '../../local/server';
import { startTestHost, type TestHost } from '../support/host-fixture';
import { startMiniHost } from '../support/mini-host';

/**
 * What Forge limits and the host models since: user-led invocations per user and per
 * installation (fixed one-minute windows; resolvers and web triggers), one outbound request from an
 * async event consumer (cut at 180 s), and the egress latency of a receiver far away.
 */

describe("Forge's user-led invocation limits", () => {
  let t: TestHost | undefined;
  let server: HostServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await t?.stop();
    t = undefined;
  });

  const started = async (options: Parameters<typeof startTestHost>[0]) => {
    t = await startTestHost(options);
    return t;
  };

  it('strict fidelity applies 1,200 per user and 5,000 per installation a minute; the default host none', () => {
    expect(resolveFidelity('strict')).toMatchObject({ userInvocationsPerMinute: 1_200, installationInvocationsPerMinute: 5_000, asyncEgressRequestTimeoutMs: 180_000 });
    expect(resolveFidelity('default')).toMatchObject({ userInvocationsPerMinute: Number.POSITIVE_INFINITY, installationInvocationsPerMinute: Number.POSITIVE_INFINITY });
  });

  it('a user over the per-user limit is refused (not run) until the minute ends; another user still gets through', async () => {
    const t = await started({ fidelity: { mode: 'strict', userInvocationsPerMinute: 3, installationInvocationsPerMinute: 100 } });
    // The window is a fixed minute: start at its beginning so the test never straddles two.
    await t.host.advanceClock(60_000 - (Date.now() % 60_000) + 1);
    for (let i = 0; i < 3; i++) await t.invokeOk('admin', 'getSession');
    const refused = await t.invoke('admin', 'getSession').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvocationRateLimitedError);
    expect(refused).toMatchObject({ scope: 'user', limit: 3 });
    expect((refused as InvocationRateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    // Nothing ran for the refused call: it counted no invocation.
    const before = t.host.usage().total.invocations;
    await t.invoke('admin', 'getSession').catch(() => undefined);
    expect(t.host.usage().total.invocations).toBe(before);

    await expect(t.invokeOk('viewer', 'getSession')).resolves.toMatchObject({ isJiraAdmin: false });
    await t.host.advanceClock(60_000);
    await expect(t.invokeOk('admin', 'getSession')).resolves.toMatchObject({ isJiraAdmin: true });
  });

  it('web triggers count against the installation: over it the caller gets 429 with Retry-After and the function does not run', async () => {
    const t = await started({ fidelity: { mode: 'strict', userInvocationsPerMinute: 100, installationInvocationsPerMinute: 4 } });
    server = await startHostServer(t.host, { port: 0 });
    await t.host.advanceClock(60_000 - (Date.now() % 60_000) + 1);
    await t.invokeOk('admin', 'getSession');
    await t.invokeOk('viewer', 'getSession');
    const openapi = () => fetch(`${server?.baseUrl ?? ''}/x/management-api/openapi.json`);
    expect((await openapi()).status).toBe(200);
    expect((await openapi()).status).toBe(200);
    const refused = await openapi();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/5|4 invocations per installation/) } });
    // The installation's limit stops the resolvers of every user too.
    await expect(t.invoke('projectAdmin', 'getSession')).rejects.toMatchObject({ scope: 'installation' });
  });
});

describe('egress: one request of an async event cut at its limit, latency before each request', () => {
  let receiver: Server;
  let base: string;
  beforeAll(async () => {
    // Answers after the number of ms the path names.
    receiver = createServer((req, res) => {
      const ms = Number((req.url ?? '/0').slice(1));
      setTimeout(() => res.end('done'), ms);
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const inModule = (moduleType: string, fn: () => Promise<unknown>) => runInInvocation({ moduleKey: 'm', moduleType, functionKey: 'f', timeoutMs: 30_000 }, fn);

  it('a consumer request longer than the limit fails with a TimeoutError; a resolver request longer than it is not cut', async () => {
    const host = startMiniHost({}, {}, { fidelity: { mode: 'default', asyncEgressRequestTimeoutMs: 1_000 } });
    try {
      const cut = await inModule('consumer', () => fetch(`${base}/4000`)).catch((e: unknown) => e);
      expect(cut).toMatchObject({ name: 'TimeoutError' });
      const answered = (await inModule('consumer', () => fetch(`${base}/0`))) as Response;
      expect(await answered.text()).toBe('done');
      const resolver = (await inModule('resolver', () => fetch(`${base}/1500`))) as Response;
      expect(await resolver.text()).toBe('done');
    } finally {
      await host.stop();
    }
  });

  it('--egress-latency: each app request waits the latency before it goes out (requests outside the app do not)', async () => {
    const waited: number[] = [];
    const host = startMiniHost({}, {}, { egressLatencyMs: 250, egressLatencyWait: async (ms) => void waited.push(ms) });
    try {
      await inModule('consumer', async () => (await fetch(`${base}/0`)).text());
      await inModule('resolver', async () => (await fetch(`${base}/0`)).text());
      await (await fetch(`${base}/0`)).text();
      expect(waited).toEqual([250, 250]);
    } finally {
      await host.stop();
    }
  });

  it('npm start -- --egress-latency <ms> sets it, and a value that is not whole milliseconds is one clear line', () => {
    expect(parseCli(['--egress-latency', '250'])).toMatchObject({ egressLatencyMs: 250 });
    expect(parseCli(['--egress-latency', '0'])).not.toHaveProperty('egressLatencyMs');
    for (const bad of ['-5', '2.5', 'fast', '60001']) expect(() => parseCli([`--egress-latency=${bad}`])).toThrow(new CliError(`--egress-latency must be a whole number of milliseconds from 0 to 60000, e.g. --egress-latency 250, got "${bad}"`));
  });

  it('refuses a negative or non-numeric latency', () => {
    expect(() => startMiniHost({}, {}, { egressLatencyMs: -1 })).toThrow(/non-negative/);
    expect(() => startMiniHost({}, {}, { egressLatencyMs: Number.NaN })).toThrow(/non-negative/);
  });
});
