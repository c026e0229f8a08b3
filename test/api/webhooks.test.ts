import { expectError, useApiFixture } from './api-fixture';

const api = useApiFixture();

/** Index queries lag writes on Forge (and in strict fidelity): the delivery log is one. */
const pastIndexLag = () => api().t.host.advanceClock(2_000);

async function createHook(name = 'ERP', extra: Record<string, unknown> = {}) {
  const { call, receiver } = api();
  const created = await call('POST', '/webhooks', { body: { name, url: receiver.hookUrl(name.toLowerCase()), ...extra } });
  expect(created.status).toBe(201);
  receiver.setSecret(name.toLowerCase(), created.json.secret as string);
  return created;
}

describe('webhook routes', () => {
  it('POST /webhooks answers 201 with the secret once; reads never show it', async () => {
    const { call } = api();
    const created = await createHook('ERP', { projects: ['DEMO'] });
    // Location resolves under the API's base (the web trigger URL), and reads the webhook there.
    const location = created.headers.get('location') ?? '';
    expect(location).toBe(api().url(`/webhooks/${created.json.webhook.id}`));
    const atLocation = await fetch(location, { headers: { Authorization: `Bearer ${api().token}` } });
    expect(atLocation.status).toBe(200);
    expect(((await atLocation.json()) as { id: string }).id).toBe(created.json.webhook.id);
    expect(created.json.secret).toMatch(/^whsec_/);
    expect(created.json.webhook).toMatchObject({ name: 'ERP', active: true, projects: ['DEMO'], fields: null, status: { lastRunAt: null, lastResult: null, lastStatusCode: null, disabledReason: null } });
    const id = created.json.webhook.id as string;
    const one = await call('GET', `/webhooks/${id}`);
    const list = await call('GET', '/webhooks');
    expect(one.status).toBe(200);
    expect(list.json.webhooks).toHaveLength(1);
    for (const answer of [one, list]) {
      expect(JSON.stringify(answer.json)).not.toContain(created.json.secret);
      expect(JSON.stringify(answer.json)).not.toMatch(/secret"/);
    }
  });

  it('PATCH changes, DELETE removes; unknown ids are 404; a taken name 409; a refused URL 422; bad bodies 400', async () => {
    const { call } = api();
    const id = (await createHook('ERP')).json.webhook.id as string;
    await createHook('CRM');
    const changed = await call('PATCH', `/webhooks/${id}`, { body: { active: false, fields: null } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ id, active: false });
    expect(changed.json.secret).toBeUndefined();
    expectError(await call('PATCH', `/webhooks/${id}`, { body: { name: 'crm' } }), 409, 'CONFLICT');
    expectError(await call('PATCH', `/webhooks/${id}`, { body: { url: 'http://example.com/hook' } }), 422, 'INVALID_INPUT');
    expectError(await call('PATCH', `/webhooks/${id}`, { body: { secret: 'mine' } }), 400, 'INVALID_REQUEST');
    expectError(await call('POST', '/webhooks', { body: { name: 'X', url: 'https://example.com/h', projects: ['NOPE'] } }), 422, 'INVALID_INPUT');
    expectError(await call('POST', '/webhooks', { body: { name: 'X' } }), 400, 'INVALID_REQUEST');
    expect(await call('DELETE', `/webhooks/${id}`)).toMatchObject({ status: 200, json: { id } });
    expectError(await call('GET', `/webhooks/${id}`), 404, 'NOT_FOUND');
    expectError(await call('DELETE', `/webhooks/${id}`), 404, 'NOT_FOUND');
  });

  it('rotate-secret answers the new secret; the next delivery is signed with both', async () => {
    const { call, receiver, t } = api();
    const created = await createHook('ERP');
    const id = created.json.webhook.id as string;
    const rotated = await call('POST', `/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(created.json.secret);
    expect(rotated.json.webhook.previousSecretUntil).toEqual(expect.any(Number));
    receiver.setSecret('erp', rotated.json.secret as string);
    expect((await call('POST', `/webhooks/${id}/test`)).status).toBe(202);
    await t.host.settle();
    const [got] = receiver.received('erp');
    expect(got?.verdict).toEqual({ valid: true });
    expect(got?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expectError(await call('POST', '/webhooks/nope/rotate-secret'), 404, 'NOT_FOUND');
  });

  it('test, delivery log (status filter, paging), one delivery with attempts, redeliver', async () => {
    const { call, receiver, t } = api();
    const id = (await createHook('ERP')).json.webhook.id as string;
    const test = await call('POST', `/webhooks/${id}/test`, { body: { project: 'OPS' } });
    expect(test.status).toBe(202);
    expect(test.json).toMatchObject({ webhookId: id, event: 'test', project: { key: 'OPS' }, status: 'pending' });
    await t.host.settle();
    await pastIndexLag();
    expect(receiver.received('erp')).toHaveLength(1);

    const log = await call('GET', `/webhooks/${id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.json).toMatchObject({ deliveries: [{ id: test.json.id, status: 'delivered', attempts: 1, lastStatusCode: 200 }], nextCursor: null });
    expect((await call('GET', `/webhooks/${id}/deliveries?status=failed`)).json.deliveries).toEqual([]);
    expect((await call('GET', `/webhooks/${id}/deliveries?limit=1&status=delivered`)).json.deliveries).toHaveLength(1);
    expectError(await call('GET', `/webhooks/${id}/deliveries?status=lost`), 400, 'INVALID_REQUEST');
    expectError(await call('GET', `/webhooks/${id}/deliveries?limit=1&limit=2`), 400, 'INVALID_REQUEST');
    expectError(await call('GET', `/webhooks/${id}/deliveries?colour=red`), 400, 'INVALID_REQUEST');

    const detail = await call('GET', `/deliveries/${test.json.id}`);
    expect(detail.json).toMatchObject({ id: test.json.id, attemptLog: [{ attempt: 1, responseStatus: 200, outcome: 'delivered' }] });
    expect(JSON.parse(detail.json.body)).toMatchObject({ data: { event: 'test', project: { key: 'OPS' }, fields: [] } });

    const again = await call('POST', `/deliveries/${test.json.id}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ id: test.json.id, status: 'pending' });
    await t.host.settle();
    expect(receiver.received('erp')).toHaveLength(2);
    expect(receiver.received('erp')[0]?.headers['webhook-id']).toBe(test.json.id);
    expectError(await call('POST', '/deliveries/nope/redeliver'), 404, 'NOT_FOUND');
    expectError(await call('GET', '/webhooks/nope/deliveries'), 404, 'NOT_FOUND');
  });

  it('a test of a disabled webhook is 409', async () => {
    const { call } = api();
    const id = (await createHook('ERP', { active: false })).json.webhook.id as string;
    expectError(await call('POST', `/webhooks/${id}/test`), 409, 'CONFLICT');
  });
});
