import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import api, { route } from '@forge/api';
import { Queue } from '@forge/events';
import { kvs } from '@forge/kvs';
import { makeResolver } from '@forge/resolver';
import type { ForgeHost } from '../../local/host';
import { cloudIdOf, LOCAL_APP, localIdOf } from '../../local/platform/forge-seam';
import { runInInvocation } from '../../local/platform/invocation-context';
import { DEMO_USERS } from '../../local/platform/jira-site';
import { asInvocation, gate, startMiniHost } from '../support/mini-host';

let host: ForgeHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

describe('the timeout cut: after its timeout an invocation reaches nothing', () => {
  it('a consumer past its timeout can no longer write, push or fetch', async () => {
    const goOn = gate();
    const attempts: string[] = [];
    let finished: Promise<void> = Promise.resolve();
    host = startMiniHost(
      { queues: { slow: 1, other: 25 } },
      {
        consumer: (event: unknown) => {
          if ((event as { queueName: string }).queueName !== 'slow') return undefined;
          finished = (async () => {
            await goOn.wait;
            for (const [name, call] of [
              ['write', () => kvs.set('late-write', true)],
              ['push', () => new Queue({ key: 'other' }).push({ body: {} })],
              ['fetch', () => fetch('http://127.0.0.1:9/never')],
            ] as const) {
              await call().then(
                () => attempts.push(`${name}: done`),
                (error: unknown) => attempts.push(`${name}: ${(error as Error).name}`),
              );
            }
          })();
          return finished;
        },
      },
    );
    const run = host.runtime.invokeConsumer('slow', { queueName: 'slow', body: {} });
    await expect(run).rejects.toThrow('timed out after 1 s');
    goOn.open();
    await finished;
    expect(attempts).toEqual(['write: InvocationStoppedError', 'push: InvocationStoppedError', 'fetch: InvocationStoppedError']);
    expect(await asInvocation(() => kvs.get('late-write'))).toBeUndefined();
    expect(host.queues.pending('other')).toEqual([]);
    expect(host.usage().byKind['consumer:slow-fn']).toMatchObject({ callsAfterTimeout: 3, kvsRequests: 0, queuePushes: 0 });
  });
});

describe('egress: only what permissions.external.fetch.backend declares, answered as Forge does', () => {
  let receiver: Server;
  let url: string;
  beforeAll(async () => {
    receiver = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((done) => receiver.close(() => done())));

  it("the app's '*' reaches any host (here: the loopback receiver)", async () => {
    host = startMiniHost({ egress: ['*'] }, {});
    const response = await asInvocation(() => api.fetch(url));
    expect(await response.text()).toBe('ok');
    expect(host.usage().total).toMatchObject({ egressRequests: 1, egressRefused: 0 });
  });

  it('an undeclared host gets a 403 response from the egress proxy, not an exception', async () => {
    host = startMiniHost({ egress: ['https://hooks.example.com', '*.partner.example'] }, {});
    const refused = await asInvocation(() => api.fetch(url));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('forge-proxy-error')).toBe('REQUEST_EGRESS_ALLOWLIST_ERR');
    expect(((await refused.json()) as { message: string }).message).toContain('URL not included in the external fetch backend permissions');
    expect(host.usage().total).toMatchObject({ egressRequests: 1, egressRefused: 1 });
    // Declared hosts pass the manifest rule and then meet the host's loopback-only guard.
    await expect(asInvocation(() => api.fetch('https://hooks.example.com/x'))).rejects.toThrow('fetch failed');
    await expect(asInvocation(() => api.fetch('https://a.partner.example/x'))).rejects.toThrow('fetch failed');
    expect((await asInvocation(() => api.fetch('http://hooks.example.com/x'))).status).toBe(403);
    expect((await asInvocation(() => api.fetch('https://partner.example/x'))).status).toBe(403);
  });
});

describe('Jira scopes: the stand-in refuses an endpoint whose scope the manifest lacks', () => {
  it('answers 401 "scope does not match" as Jira does, and serves the scopes that are there', async () => {
    host = startMiniHost({ scopes: ['read:jira-work'] }, {});
    const asUser = () => runAs(DEMO_USERS.admin.accountId);
    const myself = await asUser()(() => api.asUser().requestJira(route`/rest/api/3/myself`));
    expect(myself.status).toBe(401);
    expect(await myself.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    const project = await asUser()(() => api.asUser().requestJira(route`/rest/api/3/project/DEMO`));
    expect(project.status).toBe(200);
    expect((await asInvocation(() => api.asApp().requestJira(route`/rest/api/3/user/search?query=a`))).status).toBe(401);
    expect(host.usage().total.jiraRequests).toBe(3);
  });
});

function runAs(accountId: string) {
  return <T>(fn: () => Promise<T>) => runInInvocation({ moduleKey: 'm', moduleType: 'test', functionKey: 'f', timeoutMs: 30_000, accountId }, fn);
}

describe('the resolver context, as Forge gives it', () => {
  it('carries license and installation, and the cloudId and localId view.getContext() gives the page', async () => {
    const manifest = `
modules:
  jira:adminPage:
    - key: admin-page
      resource: main
      resolver: { function: resolver }
      title: Admin
  function:
    - key: resolver
      handler: index.resolver
resources:
  - key: main
    path: static/dist/admin
app:
  id: ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000
`;
    const resolver = makeResolver<{ whoAmI: () => unknown }>({ whoAmI: ({ context }) => context });
    host = startMiniHost({}, { resolver }, { manifestText: manifest });
    const context = (await host.runtime.invokeResolver({ moduleKey: 'admin-page', functionKey: 'whoAmI', payload: {}, accountId: 'acc-1', extensionContext: { type: 'jira:adminPage' } })) as Record<string, unknown>;
    expect(context).toMatchObject({
      accountId: 'acc-1',
      cloudId: cloudIdOf(LOCAL_APP),
      localId: localIdOf(LOCAL_APP, 'admin-page'),
      license: { isActive: true },
      installation: expect.any(Object) as unknown,
      installContext: LOCAL_APP.contextAri,
    });
  });
});
