import { join } from 'node:path';
import * as app from '../src/index';
import { createForgeHost, REPO_ROOT, type ForgeHost } from './host';
import { startHostServer, type HostServer } from './server';
import { createUiRoutes } from './ui';
import { readMeta, writeMeta } from './platform/database';
import { parseChaosSpec } from './chaos-spec';
import { startDemoReceiver, type DemoReceiver } from './demo-receiver';
import { seedDemoData } from './demo-data';
import type { SiteProject } from './platform/jira-site';
import type { FidelityMode } from './platform/fidelity';

export interface LocalAppOptions {
  readonly databaseFile: string;
  readonly port: number;
  readonly receiverPort: number;
  readonly stateDir: string;
  readonly chaos?: string | undefined;
  readonly apiToken?: string | undefined;
  readonly allowLoopback: boolean;
  /** Seed a webhook to the demo receiver (npm start), so the first saves already show deliveries. */
  readonly demoWebhook?: boolean;
  /** `--forge-fidelity`: default, or strict (Forge's behaviour in time and at scale). */
  readonly fidelity?: FidelityMode | undefined;
  readonly log?: (line: string) => void;
  /** PEM certificates the host's egress trusts besides the demo receiver's (`--trust-cert`). */
  readonly trustCertificates?: readonly string[];
  /** `--egress-latency`: ms every outbound request of the app waits (a receiver that far away). */
  readonly egressLatencyMs?: number;
  /** The built Custom UI to serve (default static/dist; bench:ui's `--dist` compares another build). */
  readonly uiDistDir?: string;
}

export interface LocalApp {
  readonly host: ForgeHost;
  readonly server: HostServer;
  readonly receiver: DemoReceiver;
  banner(): string;
  stop(): Promise<void>;
}

const toUiProject = (p: SiteProject) => ({ id: p.id, key: p.key, name: p.name, type: p.projectTypeKey });

/** The whole app in the offline host: platform, HTTP server, UI, demo receiver and demo data. */
export async function startLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const log = options.log ?? ((line: string) => console.log(line));
  const receiver = await startDemoReceiver({ port: options.receiverPort, tlsDir: join(options.stateDir, 'tls'), secretsFile: join(options.stateDir, 'receiver-secrets.json'), trust: options.trustCertificates ?? [] });

  let baseUrl = `http://127.0.0.1:${options.port}`;
  const host = createForgeHost({
    databaseFile: options.databaseFile,
    app,
    baseUrl: () => baseUrl,
    egressFetch: receiver.trustedFetch,
    allowLoopbackTargets: options.allowLoopback,
    ...(options.fidelity ? { fidelity: options.fidelity } : {}),
    ...(options.egressLatencyMs ? { egressLatencyMs: options.egressLatencyMs } : {}),
    ...(options.chaos ? { chaos: parseChaosSpec(options.chaos) } : {}),
    log,
  });

  const admin = host.jira.demo.users.admin;
  const ui = createUiRoutes({
    distDir: options.uiDistDir ?? join(REPO_ROOT, 'static/dist'),
    resources: host.manifest.uiModules.map((m) => ({
      key: m.resourceKey,
      dir: m.resourcePath.replace(/^static\/dist\//, ''),
      moduleKey: m.key,
      moduleType: m.moduleType,
      title: m.title,
      pages: m.pages,
    })),
    users: host.jira.shellUsers(),
    projects: host.jira.projects().map(toUiProject),
    projectsFor: (accountId) => host.jira.projectsBrowsableBy(accountId).map(toUiProject),
    invokeResolver: (call) => host.runtime.invokeResolver({ ...call, extensionContext: { ...call.extensionContext } }),
    contentPermissions: host.manifest.contentPermissions,
    log,
  });
  const server = await startHostServer(host, { port: options.port, extraRoutes: [ui] });
  baseUrl = server.baseUrl;

  if (readMeta(host.db, 'demo:seeded') === undefined) {
    await seedDemoData(host, admin.accountId, options.demoWebhook && options.allowLoopback ? receiver : undefined);
    writeMeta(host.db, 'demo:seeded', new Date().toISOString());
  }
  if (options.apiToken) await host.seedApiToken(options.apiToken, admin.accountId);
  host.queues.start();
  host.scheduler.start();

  return {
    host,
    server,
    receiver,
    banner: () =>
      [
        '',
        'Projectrak Webhooks — offline Forge host',
        `  Jira shell (switch user and page):  ${server.baseUrl}/`,
        `  Management API (web trigger):       ${server.baseUrl}/x/management-api`,
        `  Demo webhook receiver:              ${receiver.url}/  (POST ${receiver.url}/hooks/<name>)`,
        `  Host control:                       ${server.baseUrl}/_host/health, /_host/clock, /_host/queues, /_host/usage`,
        `  Forge fidelity:                     ${host.fidelity.mode}${host.fidelity.mode === 'strict' ? ' (as Forge in time and at scale)' : ' (--forge-fidelity strict for Forge in time and at scale)'}`,
        `  State:                              ${options.stateDir}`,
        options.allowLoopback ? '  Loopback webhook targets are allowed (offline host only; --no-allow-loopback to apply the deployed policy)' : '  URL policy as deployed: loopback targets are rejected',
        '',
      ].join('\n'),
    async stop() {
      await server.close();
      await host.stop();
      await receiver.stop();
    },
  };
}
