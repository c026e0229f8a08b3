import { Webhook } from 'standardwebhooks';
import type { DemoReceiver } from '../../local/demo-receiver';
import { webhookBodySchema } from '../../src/domain/webhook-body';
import { queriesCaughtUp, type TestHost } from '../support/host-fixture';
import { webhookFixture, type WebhookFixture } from '../support/webhook-fixture';

let f: WebhookFixture;
let t: TestHost;
let receiver: DemoReceiver;

beforeAll(async () => {
  f = await webhookFixture();
  receiver = f.receiver;
});
afterAll(async () => {
  await f.close();
});
beforeEach(async () => {
  t = await f.start();
});
afterEach(async () => {
  await f.stopAll();
});

/** Index queries lag writes on Forge (and in strict fidelity): the delivery log is one. */
const pastIndexLag = queriesCaughtUp;

async function fieldIds(): Promise<{ budget: number; status: number }> {
  return { budget: await f.fieldId('Budget'), status: await f.fieldId('Status') };
}

async function createHook(hook: string, extra: Record<string, unknown> = {}) {
  const created = await f.createHook(hook, extra);
  return { secret: created.secret, webhook: { id: created.id } };
}

describe('outgoing webhooks: one save, one signed POST', () => {
  it('a save of Budget and Status sends one POST with the seed body (plus revision), verified by the official library; status OK', async () => {
    const { budget, status } = await fieldIds();
    const created = await createHook('a');
    expect(created.secret).toMatch(/^whsec_/);

    await t.invokeOk('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget]: 25, [status]: 'On track' } });
    await t.host.settle();
    receiver.clear();
    await t.invokeOk('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 1, values: { [budget]: 23, [status]: 'Done' } });
    await t.host.settle();

    const got = receiver.received('a');
    expect(got).toHaveLength(1);
    const [request] = got;
    expect(request?.verdict).toEqual({ valid: true });
    // Verified again here, independently of the receiver.
    expect(() => new Webhook(created.secret).verify(request?.body ?? '', request?.headers ?? {})).not.toThrow();
    const body = webhookBodySchema.parse(JSON.parse(request?.body ?? '{}'));
    expect(body.data).toMatchObject({ event: 'updated', user: t.accountId('projectAdmin'), project: { id: 13647, key: 'DEMO', name: 'Demo project' }, revision: 2 });
    expect(body.data.fields).toEqual(
      expect.arrayContaining([
        { id: budget, name: 'Budget', type: 'number', value: { current: '23.000', previous: '25.000' } },
        { id: status, name: 'Status', type: 'status', value: { current: 'Done', previous: 'On track' } },
      ]),
    );
    expect(request?.headers['webhook-attempt']).toBe('1');
    expect(request?.headers['user-agent']).toMatch(/^projectrak-webhooks\//);

    const webhook = await t.invokeOk('admin', 'getWebhook', { id: created.webhook.id });
    expect(webhook.status).toMatchObject({ lastResult: 'OK', lastStatusCode: 200 });
    expect(webhook.health).toMatchObject({ attempts24h: 2, failures24h: 0, pending: 0 });
    await pastIndexLag();
    const log = await t.invokeOk('admin', 'listDeliveries', { webhookId: created.webhook.id });
    expect(log.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    const detail = await t.invokeOk('admin', 'getDelivery', { deliveryId: log.deliveries[0]?.id ?? '' });
    expect(detail.attemptLog).toHaveLength(1);
    expect(detail.attemptLog[0]).toMatchObject({ attempt: 1, outcome: 'delivered', responseStatus: 200, responseBodyExcerpt: '{"ok":true}' });
    expect(JSON.stringify(detail)).not.toContain(created.secret);
  });

  it('filters: a webhook limited to other fields gets nothing; one limited to Budget gets only Budget', async () => {
    const { budget, status } = await fieldIds();
    await createHook('status-only', { fieldIds: [status] });
    await createHook('budget-only', { fieldIds: [budget], projectKeys: ['DEMO'] });
    await createHook('ops-only', { projectKeys: ['OPS'] });
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget]: 5 } });
    await t.host.settle();
    expect(receiver.received('status-only')).toHaveLength(0);
    expect(receiver.received('ops-only')).toHaveLength(0);
    const [only] = receiver.received('budget-only');
    expect(JSON.parse(only?.body ?? '{}').data.fields.map((f: { id: number }) => f.id)).toEqual([budget]);
  });

  it('a receiver error is retried on the virtual clock, the same webhook-id, a new attempt number; ERROR then OK', async () => {
    const { budget } = await fieldIds();
    const created = await createHook('flaky');
    receiver.respondWith('flaky', { status: 500, body: 'boom' });
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget]: 1 } });
    await t.host.settle();
    expect((await t.invokeOk('admin', 'getWebhook', { id: created.webhook.id })).status).toMatchObject({ lastResult: 'ERROR', lastStatusCode: 500 });
    receiver.respondWith('flaky', undefined);
    await t.host.advanceClock(10_000);
    await t.host.settle();
    const got = receiver.received('flaky');
    expect(got.map((r) => r.headers['webhook-attempt'])).toEqual(['2', '1']);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect((await t.invokeOk('admin', 'getWebhook', { id: created.webhook.id })).status).toMatchObject({ lastResult: 'OK', lastStatusCode: 200 });
  });

  it('410 disables the webhook at once and says why', async () => {
    const { budget } = await fieldIds();
    const created = await createHook('gone');
    receiver.respondWith('gone', { status: 410 });
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget]: 1 } });
    await t.host.settle();
    const webhook = await t.invokeOk('admin', 'getWebhook', { id: created.webhook.id });
    expect(webhook.active).toBe(false);
    expect(webhook.disabledReason).toMatch(/410/);
  });
});
