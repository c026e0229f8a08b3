import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUiRoutes, type InvokeResolverArgs, type UiRoutesOptions } from './index';

/** The UI routes over HTTP, without a browser: what the shell, the frames and `invoke` answer. */

const users = [
  { accountId: 'acc-admin', displayName: 'Alice Admin', label: 'Jira admin' },
  { accountId: 'acc-viewer', displayName: 'Vic Viewer', label: 'Viewer' },
];
const projects = [
  { id: 10001, key: 'DEMO', name: 'Demo project' },
  { id: 10002, key: 'MKT', name: 'Marketing <site>' },
];
const resources = [
  {
    key: 'admin',
    dir: 'admin',
    moduleKey: 'projectrak-admin',
    moduleType: 'jira:adminPage',
    title: 'Projectrak Administration',
    pages: [
      { title: 'Outgoing webhooks', route: 'webhooks' },
      { title: 'Project fields', route: 'fields' },
    ],
  },
  { key: 'project-page', dir: 'project-page', moduleKey: 'projectrak-project-page', moduleType: 'jira:projectPage', title: 'Projectrak' },
];

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

describe('UI routes', () => {
  let distDir: string;
  let server: Server;
  let base: string;
  const invocations: InvokeResolverArgs[] = [];
  const logged: string[] = [];
  let answer: (args: InvokeResolverArgs) => Promise<unknown> = async () => ({ ok: true, value: 'hello' });

  beforeAll(async () => {
    distDir = mkdtempSync(join(tmpdir(), 'ui-routes-'));
    for (const dir of ['admin', 'project-page']) {
      mkdirSync(join(distDir, dir, 'assets'), { recursive: true });
      writeFileSync(join(distDir, dir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="./assets/app.js"></script></head><body></body></html>');
      writeFileSync(join(distDir, dir, 'assets', 'app.js'), 'console.log(1)');
    }
    writeFileSync(join(distDir, 'secret.txt'), 'not a resource file');
    const options: UiRoutesOptions = {
      distDir,
      resources,
      users,
      projects,
      contentPermissions: { styles: ['unsafe-inline'] },
      appId: 'ari:cloud:ecosystem::app/11111111-2222-4333-8444-555555555555',
      invokeResolver: (args) => {
        invocations.push(args);
        return answer(args);
      },
      log: (line) => logged.push(line),
    };
    const routes = createUiRoutes(options);
    server = createServer((req, res) => {
      void routes(req, res).then((handled) => {
        if (!handled) {
          res.writeHead(418);
          res.end('not mine');
        }
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(distDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    invocations.length = 0;
    logged.length = 0;
  });

  function send(method: string, path: string, options: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers = { ...(options.cookie ? { cookie: options.cookie } : {}), 'content-type': 'application/json', ...options.headers };
      const req = request(`${base}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    });
  }

  const frameConfig = (html: string) => JSON.parse(/<script id="forge-local-bridge-config" type="application\/json">(.*?)<\/script>/.exec(html)?.[1] ?? 'null') as Record<string, unknown>;

  it('serves the shell with the first page, a sidebar of every page and the user switcher', async () => {
    const shell = await send('GET', '/');
    expect(shell.status).toBe(200);
    expect(shell.body).toContain('src="/app/admin/?route=webhooks"');
    expect(shell.body).toContain('href="/?module=projectrak-admin&amp;route=fields"');
    expect(shell.body).toContain('href="/?module=projectrak-project-page&amp;project=MKT"');
    expect(shell.body).toContain('Marketing &lt;site&gt;');
    expect(shell.body).toContain('<option value="acc-viewer">Vic Viewer — Viewer</option>');
  });

  it('shows the page the URL names, as the user the cookie names', async () => {
    const shell = await send('GET', '/?module=projectrak-project-page&project=MKT', { cookie: 'forge-local-user=acc-viewer' });
    expect(shell.body).toContain('src="/app/project-page/?project=MKT"');
    expect(shell.body).toContain('<option value="acc-viewer" selected>');
  });

  it('injects the bridge before the app code, with the Forge context of the page', async () => {
    const page = await send('GET', '/app/project-page/?project=DEMO', { cookie: 'forge-local-user=acc-viewer' });
    expect(page.status).toBe(200);
    expect(page.body.indexOf('/_bridge/bridge.js')).toBeLessThan(page.body.indexOf('./assets/app.js'));
    expect(frameConfig(page.body)).toMatchObject({
      resourceKey: 'project-page',
      projectKey: 'DEMO',
      context: {
        accountId: 'acc-viewer',
        moduleKey: 'projectrak-project-page',
        localId: 'ari:cloud:ecosystem::extension/11111111-2222-4333-8444-555555555555/00000000-0000-4000-8000-00000000e000/static/projectrak-project-page',
        extension: { type: 'jira:projectPage', project: { id: '10001', key: 'DEMO', type: 'software' } },
      },
    });
    expect(page.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it("preloads the theme's tokens the bridge applies, before the app's code", async () => {
    const page = await send('GET', '/app/project-page/?project=DEMO', { cookie: 'forge-local-user=acc-viewer; forge-local-theme=dark' });
    const preload = '<link rel="preload" as="style" href="/_bridge/theme.css?colorMode=dark">';
    expect(page.body).toContain(preload);
    expect(page.body.indexOf(preload)).toBeLessThan(page.body.indexOf('./assets/app.js'));
    expect(frameConfig(page.body)).toMatchObject({ theme: { cssUrl: '/_bridge/theme.css?colorMode=dark' } });
  });

  it('serves assets and the bridge scripts, and nothing outside a resource', async () => {
    expect((await send('GET', '/app/admin/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await send('GET', '/_bridge/bridge.js')).body).toContain('globalThis.__bridge');
    expect((await send('GET', '/_bridge/theme.css?colorMode=dark')).body).toContain('html[data-color-mode="dark"]');
    expect((await send('GET', '/app/admin/..%2fsecret.txt')).status).toBe(404);
    expect((await send('GET', '/app/nope/')).status).toBe(404);
    const redirect = await send('GET', '/app/admin?route=fields');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe('/app/admin/?route=fields');
    expect((await send('POST', '/app/admin/')).status).toBe(405);
    expect((await send('GET', '/x/management-api')).status).toBe(418);
  });

  it('runs invoke as the cookie user with the page context, whatever the payload says', async () => {
    const answered = await send('POST', '/_bridge/invoke', {
      cookie: 'forge-local-user=acc-viewer',
      body: { resourceKey: 'project-page', functionKey: 'getProjectFields', payload: { projectKey: 'DEMO', accountId: 'acc-admin' }, projectKey: 'DEMO' },
    });
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ body: { ok: true, value: 'hello' } });
    expect(invocations).toEqual([
      {
        moduleKey: 'projectrak-project-page',
        functionKey: 'getProjectFields',
        payload: { projectKey: 'DEMO', accountId: 'acc-admin' },
        accountId: 'acc-viewer',
        extensionContext: { type: 'jira:projectPage', project: { id: '10001', key: 'DEMO', type: 'software' } },
      },
    ]);
  });

  it('shows the first user when no one is chosen yet, and names them in the session cookie', async () => {
    const shell = await send('GET', '/');
    expect(shell.headers['set-cookie']?.[0]).toMatch(/^forge-local-user=acc-admin; Path=\/; SameSite=Strict/);
    expect((await send('GET', '/', { cookie: 'forge-local-user=acc-viewer' })).headers['set-cookie']).toBeUndefined();
  });

  const invokeBody = { resourceKey: 'admin', functionKey: 'getSession' };
  it.each([
    ['no user session', { body: invokeBody }, 401],
    ['a session of an unknown user', { body: invokeBody, cookie: 'forge-local-user=acc-mallory' }, 401],
    ['a foreign Origin', { body: invokeBody, cookie: 'forge-local-user=acc-viewer', headers: { origin: 'https://evil.example' } }, 403],
    ['a sandboxed page (Origin null)', { body: invokeBody, cookie: 'forge-local-user=acc-viewer', headers: { origin: 'null' } }, 403],
    ['a foreign Host (DNS rebinding)', { body: invokeBody, cookie: 'forge-local-user=acc-viewer', headers: { host: 'evil.example:80' } }, 403],
    ['a form content type', { body: 'resourceKey=admin', cookie: 'forge-local-user=acc-viewer', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415],
    ['a text content type', { body: JSON.stringify(invokeBody), cookie: 'forge-local-user=acc-viewer', headers: { 'content-type': 'text/plain' } }, 415],
    ['a payload over 500 KB', { body: { ...invokeBody, payload: { text: 'x'.repeat(500 * 1024) } }, cookie: 'forge-local-user=acc-viewer' }, 413],
  ])('refuses an invoke with %s', async (_case, request, status) => {
    expect((await send('POST', '/_bridge/invoke', request)).status).toBe(status);
    expect(invocations).toHaveLength(0);
  });

  it('accepts its own Origin and a JSON content type with a charset', async () => {
    const own = { origin: base, 'content-type': 'application/json; charset=utf-8' };
    expect((await send('POST', '/_bridge/invoke', { body: invokeBody, cookie: 'forge-local-user=acc-viewer', headers: own })).status).toBe(200);
  });

  it('refuses the shell page to a foreign Host', async () => {
    expect((await send('GET', '/', { headers: { host: 'rebound.example:4040' } })).status).toBe(403);
  });

  it('refuses invokes for unknown resources and projects, and reports resolver failures', async () => {
    const cookie = 'forge-local-user=acc-admin';
    expect((await send('POST', '/_bridge/invoke', { body: { resourceKey: 'nope', functionKey: 'x' }, cookie })).status).toBe(404);
    expect((await send('POST', '/_bridge/invoke', { body: { resourceKey: 'project-page', functionKey: 'x', projectKey: 'NOPE' }, cookie })).status).toBe(404);
    expect((await send('POST', '/_bridge/invoke', { body: { resourceKey: 'admin' }, cookie })).status).toBe(400);
    expect(invocations).toHaveLength(0);

    answer = async () => {
      throw new Error('kvs is down');
    };
    const failed = await send('POST', '/_bridge/invoke', { body: { resourceKey: 'admin', functionKey: 'getSession' }, cookie: 'forge-local-user=acc-admin' });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ error: { message: 'kvs is down' } });
    expect(logged[0]).toContain('resolver projectrak-admin/getSession failed');
  });
});
