import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startLocalApp, type LocalApp } from '../local-app';
import { CliError, parseCli } from '../main';
import { realNow } from '../platform/clock';
import { loadOrCreateCertificate, type TlsMaterial } from './certificate';
import { clockNoteFor } from './receiver';

/**
 * An integrator's own HTTPS receiver, as the README's five lines run it, reached from the offline
 * host with `npm start -- --trust-cert <its certificate>`, and what the virtual clock does to
 * signatures checked on real time.
 */

interface Got {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly verdict: string;
}

/** The README's receiver: verifies with the official library, answers 204 or 400. */
async function ownReceiver(tls: TlsMaterial, secret: () => string, got: Got[]): Promise<{ server: Server; url: string }> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      try {
        new Webhook(secret()).verify(body, req.headers as Record<string, string>);
        got.push({ headers: req.headers, body, verdict: 'valid' });
        res.writeHead(204).end();
      } catch (error) {
        got.push({ headers: req.headers, body, verdict: String(error) });
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/projectrak` };
}

describe('npm start -- --trust-cert <pem>', () => {
  let dir: string;
  let mine: TlsMaterial;
  let other: TlsMaterial;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prw-trust-cert-'));
    mine = loadOrCreateCertificate(join(dir, 'mine'));
    other = loadOrCreateCertificate(join(dir, 'other'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every certificate given, repeatable', () => {
    const options = parseCli(['--trust-cert', join(dir, 'mine', 'receiver-cert.pem'), '--trust-cert', join(dir, 'other', 'receiver-cert.pem')]);
    expect(options).toMatchObject({ trustCertificates: [mine.cert.trim(), other.cert.trim()] });
    expect(parseCli([])).not.toHaveProperty('trustCertificates');
  });

  it.each<[string, () => string, RegExp]>([
    ['a file that is not there', () => join(dir, 'missing.pem'), /^--trust-cert: cannot read .*missing\.pem \(no such file\)$/],
    ['a folder', () => dir, /^--trust-cert: cannot read .* \(a folder, not a file\)$/],
    ['the private key instead of the certificate', () => join(dir, 'mine', 'receiver-key.pem'), /^--trust-cert .*receiver-key\.pem holds no certificate .*this is a private key: give the certificate, not the key\)$/],
    [
      'a certificate that does not parse',
      () => {
        const broken = join(dir, 'broken.pem');
        writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
        return broken;
      },
      /^--trust-cert .*broken\.pem: certificate 1 does not parse/,
    ],
  ])('says which file is wrong and why: %s', (_case, file, message) => {
    let said = '';
    try {
      parseCli(['--trust-cert', file()]);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      said = error.message;
    }
    expect(said).toMatch(message);
  });

  describe('delivering to your own receiver', () => {
    let app: LocalApp;
    let stateDir: string;
    const servers: Server[] = [];
    let secret = '';
    const got: Got[] = [];
    const gotUntrusted: Got[] = [];

    beforeAll(async () => {
      stateDir = mkdtempSync(join(tmpdir(), 'prw-own-receiver-'));
      const options = parseCli(['--trust-cert', join(dir, 'mine', 'receiver-cert.pem')]);
      if (options === 'help') throw new Error('no help expected');
      app = await startLocalApp({ databaseFile: ':memory:', port: 0, receiverPort: 0, stateDir, allowLoopback: true, trustCertificates: options.trustCertificates, log: () => undefined });
    });
    afterAll(async () => {
      for (const server of servers) await new Promise((done) => server.close(done));
      await app.stop();
      rmSync(stateDir, { recursive: true, force: true });
    });

    const asAdmin = async <T>(functionKey: string, payload: unknown): Promise<T> => {
      const admin = app.host.manifest.uiModules.find((m) => m.moduleType === 'jira:adminPage');
      const result = (await app.host.runtime.invokeResolver({ moduleKey: admin?.key ?? '', functionKey, payload, accountId: app.host.jira.demo.users.admin.accountId, extensionContext: { type: 'jira:adminPage' } })) as { ok: boolean; value: T; error?: unknown };
      if (!result.ok) throw new Error(`${functionKey} failed: ${JSON.stringify(result.error)}`);
      return result.value;
    };
    const sendTest = async (url: string): Promise<{ id: string; secret: string }> => {
      const created = await asAdmin<{ webhook: { id: string }; secret: string }>('createWebhook', { name: `Own receiver ${servers.length}`, url });
      return { id: created.webhook.id, secret: created.secret };
    };

    it('reaches a receiver whose certificate the host was given, signed as the README says', async () => {
      const receiver = await ownReceiver(mine, () => secret, got);
      servers.push(receiver.server);
      const hook = await sendTest(receiver.url);
      secret = hook.secret;
      await asAdmin('sendTestDelivery', { id: hook.id });
      await app.host.settle();
      // The test event (and the demo data's changes, which a webhook with no filter follows), each verified.
      const tests = got.filter((g) => (JSON.parse(g.body) as { data: { event: string } }).data.event === 'test');
      expect(tests).toHaveLength(1);
      expect(got.map((g) => g.verdict).every((v) => v === 'valid')).toBe(true);
      expect(JSON.parse(tests[0]?.body ?? '{}')).toMatchObject({ data: { event: 'test', fields: [] } });
    });

    it('does not reach a receiver whose certificate it was not given (the TLS check stays on)', async () => {
      const receiver = await ownReceiver(other, () => secret, gotUntrusted);
      servers.push(receiver.server);
      const hook = await sendTest(receiver.url);
      await asAdmin('sendTestDelivery', { id: hook.id });
      await app.host.settle();
      expect(gotUntrusted).toEqual([]);
      const { deliveries } = await asAdmin<{ deliveries: { attempts: number; lastError: string | null }[] }>('listDeliveries', { webhookId: hook.id, limit: 10 });
      expect(deliveries[0]?.attempts).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(deliveries[0])).toMatch(/certificate|self.signed|connect/i);
    });

    it('signs with the host\'s clock: once it is advanced past 5 minutes, a receiver on real time rejects the signature, and the demo receiver says why', async () => {
      await app.host.advanceClock(10 * 60_000);
      got.length = 0;
      const verifyOnRealTime = (g: Got): string => {
        const headers = g.headers as Record<string, string>;
        const late = Number(headers['webhook-timestamp']) - Math.floor(realNow() / 1000);
        return late > 5 * 60 ? 'too new' : 'in time';
      };
      const demo = await asAdmin<{ webhook: { id: string }; secret: string }>('createWebhook', { name: 'Demo receiver', url: app.receiver.hookUrl('clock') });
      app.receiver.setSecret('clock', demo.secret);
      await asAdmin('sendTestDelivery', { id: demo.webhook.id });
      await app.host.settle();
      const [request] = app.receiver.received('clock');
      // Checked on the host's clock the signature is valid; on real time it is 10 minutes early.
      expect(request?.verdict).toEqual({ valid: true });
      expect(request?.clockNote).toMatch(/^Signed 10 minutes ahead of real time: the host's clock was advanced \(\/_host\/clock\)\. A receiver on real time rejects this signature as too new/);
      expect(verifyOnRealTime({ headers: request?.headers ?? {}, body: '', verdict: '' })).toBe('too new');
    });
  });
});

describe('the demo receiver\'s note on the clock', () => {
  const now = Date.UTC(2026, 0, 5, 12, 0, 0);
  it('says nothing while the timestamp is within 5 minutes of real time', () => {
    expect(clockNoteFor(String(now / 1000), now)).toBeUndefined();
    expect(clockNoteFor(String(now / 1000 + 300), now)).toBeUndefined();
    expect(clockNoteFor('not a number', now)).toBeUndefined();
    expect(clockNoteFor(undefined, now)).toBeUndefined();
  });

  it('names how far ahead a signature is once the host\'s clock runs more than 5 minutes ahead', () => {
    expect(clockNoteFor(String(now / 1000 + 301), now)).toMatch(/^Signed 5 minutes ahead of real time/);
    expect(clockNoteFor(String(now / 1000 + 3600), now)).toMatch(/^Signed 60 minutes ahead/);
  });
});

// The README's receiver file must stay what this test runs (five lines of code).
it('the README shows the receiver this test runs', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain("new Webhook(process.env.WEBHOOK_SECRET).verify(body, req.headers);");
  expect(readme).toContain('npm start -- --trust-cert cert.pem');
});
