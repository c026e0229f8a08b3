import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromWebTriggerResponse } from '../../local/platform/web-triggers';
import { type resolverPayloadSchemas } from '../../src/shared/resolver-schemas';
import type { ResolverResult } from '../../src/shared/resolver-contract';
import { startTestHost, type TestHost } from '../support/host-fixture';
import { startFaultReceiver, type FaultReceiver } from '../support/fault-receiver';
import { dumpStorage } from '../support/storage-dump';

/**
 * Issue 11: webhook secrets (`whsec_...`) are shown in the answers of createWebhook and
 * rotateWebhookSecret only. After a life of deliveries (OK, retried, 410, test send, rotation with
 * two signatures, redelivery), no other resolver answer, no management API answer, no delivery
 * log entry, no line the app or the host printed, and no plain (non-secret) storage holds one.
 */

let tlsDir: string;
let receiver: FaultReceiver;
let t: TestHost;
const printed: string[] = [];

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'prw-secrets-'));
  receiver = await startFaultReceiver({ tlsDir });
  t = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, log: (line) => void printed.push(line) });
});

afterAll(async () => {
  await t.stop();
  await receiver.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

it('no secret outside the create and rotate answers', async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  }
  const secrets: string[] = [];
  const create = async (hook: string) => {
    const created = await t.invokeOk('admin', 'createWebhook', { name: `Hook ${hook}`, url: receiver.hookUrl(hook) });
    secrets.push(created.secret);
    return created.webhook.id;
  };
  const ok = await create('ok');
  const flaky = await create('flaky');
  const gone = await create('gone');
  receiver.on('flaky', { kind: 'answer', status: 500, body: 'server error' });
  receiver.on('gone', { kind: 'answer', status: 410 });

  const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
  const budget = String(view.fields.find((f) => f.name === 'Budget')?.id);
  await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget]: 1 } });
  await t.host.settle();
  await t.host.advanceClock(10_000);
  await t.host.settle();
  const test = await t.invokeOk('admin', 'sendTestDelivery', { id: ok });
  await t.host.settle();
  const rotated = await t.invokeOk('admin', 'rotateWebhookSecret', { id: ok });
  expect(rotated.secret).toMatch(/^whsec_/);
  secrets.push(rotated.secret);
  await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 1, values: { [budget]: 2 } });
  await t.host.settle();
  await t.invokeOk('admin', 'redeliver', { deliveryId: test.id });
  await t.host.settle();
  expect(receiver.received('ok').length).toBeGreaterThanOrEqual(4);
  // A rotation's requests carry two signatures: still HMACs, never the secrets.
  expect(receiver.received('ok').some((r) => r.headers['webhook-signature']?.includes(' '))).toBe(true);
  await t.host.advanceClock(2_000);

  const answers: string[] = [];
  // Every resolver but the two that show a secret, with payloads that reach real data.
  const payloads = (deliveryId: string): Partial<Record<keyof typeof resolverPayloadSchemas, unknown>> => ({
    getSession: {},
    listFieldDefinitions: {},
    listFieldCleanups: {},
    getProjectFields: { projectKey: 'DEMO' },
    listWebhooks: {},
    getWebhook: { id: ok },
    updateWebhook: { id: flaky, name: 'Hook flaky (renamed)' },
    checkWebhookUrl: { url: receiver.hookUrl('ok') },
    listDeliveries: { webhookId: ok },
    getDelivery: { deliveryId },
    resendFailed: { webhookId: ok, since: 0 },
    listProjects: {},
    listApiTokens: {},
    getApiBaseUrl: {},
    sendTestDelivery: { id: ok },
  });
  for (const hook of [ok, flaky, gone]) {
    const log = await t.invokeOk('admin', 'listDeliveries', { webhookId: hook });
    answers.push(JSON.stringify(log));
    for (const delivery of log.deliveries) {
      for (const [name, payload] of Object.entries(payloads(delivery.id))) {
        const result = (await (t.invoke as unknown as (u: 'admin', n: string, p: unknown) => Promise<ResolverResult<unknown>>)('admin', name, payload)) as ResolverResult<unknown>;
        answers.push(JSON.stringify(result));
      }
      // The log entry itself: attempts' request headers (signatures), bodies, response excerpts.
      const detail = await t.invokeOk('admin', 'getDelivery', { deliveryId: delivery.id });
      // (A delivery waiting behind its project's failed one has no attempt yet.)
      expect(detail.attemptLog.length).toBe(delivery.attempts);
      answers.push(JSON.stringify(detail));
    }
  }

  // The management API's reading routes, as a script would see them.
  const apiToken = 'prw_secrets-0123456789abcdef012345';
  await t.host.seedApiToken(apiToken, t.accountId('admin'));
  const { deliveries } = await t.invokeOk('admin', 'listDeliveries', { webhookId: ok });
  for (const path of ['/webhooks', `/webhooks/${ok}`, `/webhooks/${gone}`, `/webhooks/${ok}/deliveries`, `/deliveries/${deliveries[0]?.id ?? ''}`]) {
    const answer = fromWebTriggerResponse(
      await t.host.runtime.invokeWebTrigger('management-api', { method: 'GET', path: `/x1/s${path}`, userPath: path, headers: { Authorization: [`Bearer ${apiToken}`] }, queryParameters: {}, body: '' }),
    );
    expect(answer.status).toBe(200);
    answers.push(answer.body);
  }

  const plainStorage = dumpStorage(t.host).filter((row) => row.table !== 'kvs_secrets');
  expect(dumpStorage(t.host).filter((row) => row.table === 'kvs_secrets').length).toBeGreaterThan(0);

  // Each secret, and its key material without the prefix (a base64 of 32 bytes), anywhere.
  const needles = secrets.flatMap((s) => [s, s.slice('whsec_'.length)]);
  const haystacks = { answers: answers.join('\n'), printed: printed.join('\n'), storage: JSON.stringify(plainStorage) };
  expect(haystacks.answers.length).toBeGreaterThan(10_000);
  expect(printed.length).toBeGreaterThan(5);
  for (const [where, text] of Object.entries(haystacks)) {
    expect({ where, whsec: text.includes('whsec_') }).toEqual({ where, whsec: false });
    for (const needle of needles) expect({ where, leaked: text.includes(needle) }).toEqual({ where, leaked: false });
  }
});
