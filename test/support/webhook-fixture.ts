import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoReceiver, type DemoReceiver } from '../../local/demo-receiver';
import type { HostOptions } from '../../local/host';
import { startTestHost, type TestHost } from './host-fixture';

/**
 * A test host whose webhooks reach a loopback demo receiver (trusted certificate), with helpers
 * to create webhooks and save DEMO's fields. One receiver per test file; a host per test.
 */
export interface WebhookFixture {
  readonly receiver: DemoReceiver;
  host(): TestHost;
  start(options?: Partial<HostOptions>): Promise<TestHost>;
  stopAll(): Promise<void>;
  /** Creates a webhook to receiver hook `hook` (secret registered with the receiver). */
  createHook(hook: string, extra?: Record<string, unknown>): Promise<{ id: string; secret: string }>;
  /** Saves DEMO's fields by name (as the Jira admin), answering the new revision. */
  saveDemo(values: Record<string, unknown>): Promise<number>;
  /** Saves a project's fields by name (as the Jira admin), answering the new revision. */
  saveProject(projectKey: string, values: Record<string, unknown>): Promise<number>;
  /** Adds `count` projects to the Jira stand-in (keys P1, P2, ...; the Jira admin may browse them), answering their keys. */
  addProjects(count: number): string[];
  fieldId(name: string): Promise<number>;
  /** Stops the host and the receiver (afterAll). */
  close(): Promise<void>;
}

export async function webhookFixture(): Promise<WebhookFixture> {
  const tlsDir = mkdtempSync(join(tmpdir(), 'prw-tls-'));
  const receiver = await startDemoReceiver({ port: 0, tlsDir });
  let current: TestHost | undefined;
  const host = () => {
    if (!current) throw new Error('start() the host first');
    return current;
  };
  const fieldId = async (name: string) => {
    const view = await host().invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const field = view.fields.find((f) => f.name === name);
    if (!field) throw new Error(`no field ${name}`);
    return field.id;
  };
  const saveProject = async (projectKey: string, values: Record<string, unknown>) => {
    const view = await host().invokeOk('admin', 'getProjectFields', { projectKey });
    const byId: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) byId[String(await fieldId(name))] = value;
    const saved = await host().invokeOk('admin', 'saveProjectFields', { projectKey, baseRevision: view.revision, values: byId });
    return saved.revision;
  };
  return {
    receiver,
    host,
    async start(options = {}) {
      receiver.clear();
      current = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, ...options });
      return current;
    },
    async stopAll() {
      await current?.stop();
      current = undefined;
    },
    async createHook(hook, extra = {}) {
      const created = await host().invokeOk('admin', 'createWebhook', { name: `Hook ${hook}`, url: receiver.hookUrl(hook), ...extra });
      receiver.setSecret(hook, created.secret);
      return { id: created.webhook.id, secret: created.secret };
    },
    saveDemo: (values) => saveProject('DEMO', values),
    saveProject,
    addProjects(count) {
      return Array.from({ length: count }, (_, i) => host().host.jira.addProject({ id: 30_000 + i, key: `P${i + 1}`, name: `Project ${i + 1}`, projectTypeKey: 'business', browsers: [], admins: [] }).key);
    },
    fieldId,
    async close() {
      await current?.stop();
      current = undefined;
      await receiver.stop();
      rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}
