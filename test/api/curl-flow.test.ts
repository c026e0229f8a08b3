import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalApp, type LocalApp } from '../../local/local-app';

/**
 * The README's curl script, as `npm start -- --api-token dev-token-0123456789abcdef` serves it:
 * create a webhook, change DEMO's fields, read the delivery that resulted from the delivery log.
 * Only HTTP, with the same calls curl makes.
 */
const TOKEN = 'dev-token-0123456789abcdef';

let app: LocalApp;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'prw-curl-flow-'));
  app = await startLocalApp({ databaseFile: join(stateDir, 'host.sqlite'), port: 0, receiverPort: 0, stateDir, apiToken: TOKEN, allowLoopback: true, log: () => undefined });
});

afterAll(async () => {
  await app.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers read by shape, as `curl | jq` would
type Json = any;

async function curl(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${app.server.baseUrl}/x/management-api${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

it('creates a webhook, changes DEMO, and reads the resulting delivery from the delivery log', async () => {
  // 1. curl -X POST .../webhooks -d '{"name":"Demo receiver","url":"<receiver>/hooks/demo","projects":["DEMO"]}'
  const created = await curl('POST', '/webhooks', { name: 'Curl flow', url: `${app.receiver.url}/hooks/curl-flow`, projects: ['DEMO'] });
  expect(created.status).toBe(201);
  const webhookId = created.json.webhook.id as string;
  app.receiver.setSecret('curl-flow', created.json.secret as string);

  // 2. curl -X PATCH .../projects/DEMO/fields -d '{"fields":{"Budget":"24.500","Status":"At risk"}}'
  const patched = await curl('PATCH', '/projects/DEMO/fields', { fields: { Budget: '24.500', Status: 'At risk' } });
  expect(patched.status).toBe(200);
  expect(patched.json.changes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'Budget', value: { current: '24.500', previous: '23.000' } }),
      expect.objectContaining({ name: 'Status', value: { current: 'At risk', previous: 'Done' } }),
    ]),
  );

  // 3. curl .../webhooks/<id>/deliveries (until the delivery is there and delivered)
  let deliveries: { id: string; status: string; fieldNames: string[] }[] = [];
  for (let i = 0; i < 50 && !deliveries.some((d) => d.status === 'delivered'); i += 1) {
    await app.host.settle();
    await app.host.advanceClock(1_000);
    deliveries = (await curl('GET', `/webhooks/${webhookId}/deliveries`)).json.deliveries as typeof deliveries;
  }
  expect(deliveries).toEqual([expect.objectContaining({ status: 'delivered', fieldNames: expect.arrayContaining(['Budget', 'Status']) })]);

  // 4. curl .../deliveries/<id>: the body as sent, and the receiver's answer
  const detail = await curl('GET', `/deliveries/${deliveries[0]?.id}`);
  expect(JSON.parse(detail.json.body as string)).toMatchObject({
    data: { event: 'updated', project: { key: 'DEMO' }, fields: expect.arrayContaining([expect.objectContaining({ name: 'Budget', type: 'number', value: { current: '24.500', previous: '23.000' } })]) },
  });
  expect(detail.json.attemptLog).toEqual([expect.objectContaining({ responseStatus: 200, outcome: 'delivered' })]);
  expect(app.receiver.received('curl-flow')[0]?.verdict).toEqual({ valid: true });
});
