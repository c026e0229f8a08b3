import { webhookFixture, type WebhookFixture } from '../support/webhook-fixture';

/**
 * KVS meters a write by the bytes it sends, in 10 KB units (#16): the drain's claim of a full
 * chunk (12 deliveries and the webhook's state) must fit one unit, and its results (the 12
 * deliveries, their attempt records and the state) two. Project names and field lists longer
 * than the demo's leave room for real data.
 */
const UNIT = 10 * 1024;

let f: WebhookFixture;
/** Transactions that wrote delivery records: their bytes, and how many deliveries and attempts each held. */
let writes: { bytes: number; deliveries: number; attempts: number; states: number }[] = [];

beforeAll(async () => {
  f = await webhookFixture();
});

beforeEach(async () => {
  writes = [];
  await f.start({
    interceptPlatform: async (request, next) => {
      if (request.path === '/api/v1/transaction' && request.body !== undefined) {
        const sets = (JSON.parse(request.body) as { set?: { key: string }[] }).set ?? [];
        const count = (prefix: string) => sets.filter((s) => s.key.startsWith(prefix)).length;
        if (count('delivery:') > 0) writes.push({ bytes: Buffer.byteLength(request.body), deliveries: count('delivery:'), attempts: count('attempt:'), states: count('webhook-state:') });
      }
      return next();
    },
  });
});

afterEach(() => f.stopAll());
afterAll(() => f.close());

it("a full chunk's claim is one 10 KB write unit and its results two", async () => {
  const t = f.host();
  await f.createHook('sizes');
  const projects = Array.from({ length: 12 }, (_, i) => t.host.jira.addProject({ id: 40_000 + i, key: `SIZE${i + 1}`, name: `Customer onboarding programme, region ${i + 1}`, projectTypeKey: 'business', browsers: [], admins: [] }).key);
  for (const [i, key] of projects.entries()) await f.saveProject(key, { Budget: 1_000 + i, Status: 'At risk' });
  await t.host.settle();
  expect(f.receiver.received('sizes')).toHaveLength(12);
  const claims = writes.filter((w) => w.deliveries === 12 && w.attempts === 0 && w.states === 1);
  const results = writes.filter((w) => w.deliveries === 12 && w.attempts === 12);
  expect(claims).not.toHaveLength(0);
  expect(results).not.toHaveLength(0);
  for (const claim of claims) expect(claim.bytes).toBeLessThanOrEqual(UNIT);
  for (const result of results) expect(result.bytes).toBeLessThanOrEqual(2 * UNIT);
});
