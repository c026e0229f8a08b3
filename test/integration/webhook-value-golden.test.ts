import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_USERS } from '../../local/platform/jira-site';
import { webhookBodySchema } from '../../src/domain/webhook-body';
import type { CreateFieldInput } from '../../src/shared/resolver-contract';
import type { TestHost } from '../support/host-fixture';
import { webhookFixture, type WebhookFixture } from '../support/webhook-fixture';

/**
 * The exact value format of every field type in delivered webhooks, compared with golden files
 * (test/fixtures/golden/webhook-values/<type>.json, written by hand from Projectrak's value
 * formats): every value a string, except null for an empty single value and [] for an empty
 * multiple one; text areas with their markup; dates yyyy-mm-dd; durations in ms; options by
 * name; users by account id; related projects by key; a number without its prefix or suffix.
 * Formula and automatic fields are never in a webhook (test/integration/field-model.test.ts). Each case saves a sequence of values on DEMO through the resolver,
 * one field per save, and the signed bodies the receiver got are compared as text.
 */

const GOLDEN_DIR = join(__dirname, '..', 'fixtures', 'golden', 'webhook-values');
const alice = DEMO_USERS.admin.accountId;
const vera = DEMO_USERS.viewer.accountId;
const listOptions = [
  { name: 'Alpha', colour: 'green', enabled: true },
  { name: 'Beta', colour: 'red', enabled: true },
];

interface GoldenCase {
  readonly golden: string;
  readonly field: Omit<CreateFieldInput, 'name'>;
  /** The values saved one after another, as a client sends them. */
  readonly saves: readonly unknown[];
}

const GOLDEN_CASES: readonly GoldenCase[] = [
  { golden: 'text', field: { type: 'text' }, saves: ['Kick-off ✓', '  Phase 2  ', ''] },
  { golden: 'textarea', field: { type: 'textarea' }, saves: ['h2. Goals\n* Replace the *billing* pipeline\n  {code}run --all{code}', null] },
  { golden: 'number', field: { type: 'number', decimals: 3 }, saves: [25, '-1234.5', '0.005', null] },
  { golden: 'date', field: { type: 'date' }, saves: ['2028-02-29', '2026-12-31', ''] },
  { golden: 'duration', field: { type: 'duration' }, saves: [5_400_000, '0', null] },
  { golden: 'list', field: { type: 'list', options: listOptions }, saves: ['Alpha', 'Beta', null] },
  { golden: 'multilist', field: { type: 'multilist', options: listOptions }, saves: [['Beta', 'Alpha'], ['Beta'], []] },
  {
    golden: 'status',
    field: { type: 'status', options: [{ name: 'On track', colour: 'green', enabled: true }, { name: 'Done', colour: 'blue', enabled: true }] },
    saves: ['On track', 'Done', null],
  },
  { golden: 'priority', field: { type: 'priority', options: [{ name: 'High', colour: 'orange', enabled: true }, { name: 'Low', colour: 'blue', enabled: true }] }, saves: ['High', null] },
  { golden: 'user', field: { type: 'user' }, saves: [alice, vera, null] },
  { golden: 'multiuser', field: { type: 'multiuser' }, saves: [[vera, alice], []] },
  // Related projects: keys, whatever case was sent.
  { golden: 'project', field: { type: 'project' }, saves: ['ops', 'HR', null] },
  { golden: 'multiproject', field: { type: 'multiproject' }, saves: [['OPS', 'demo', 'OPS'], ['HR'], []] },
  // A number's prefix and suffix are for the page only.
  { golden: 'number-prefix-suffix', field: { type: 'number', decimals: 2, prefix: '€', suffix: 'EUR' }, saves: ['1250.5', null] },
  // Options named by their value ids are sent by name.
  {
    golden: 'list-value-ids',
    field: { type: 'list', options: [{ name: 'Europe', colour: 'blue', enabled: true, valueId: 'EU' }, { name: 'Americas', colour: 'green', enabled: true, valueId: 'AM' }] },
    saves: ['EU', 'AM', null],
  },
];

let f: WebhookFixture;
let t: TestHost;

beforeAll(async () => {
  f = await webhookFixture();
  t = await f.start();
  await f.createHook('golden');
});
afterAll(async () => {
  await f.close();
});

describe('golden files: the webhook value format of every field type, empty values included', () => {
  it.each(GOLDEN_CASES)('$golden', async ({ golden, field, saves }) => {
    const definition = await t.invokeOk('admin', 'createField', { ...field, name: `Golden ${golden}` } as CreateFieldInput);
    f.receiver.clear();
    for (const value of saves) {
      const { revision } = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
      const saved = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: revision, values: { [definition.id]: value } });
      expect(saved.changedFieldIds).toEqual([definition.id]);
      await t.host.settle();
      // A person saves at most about once a second; without this a fast machine makes a whole
      // case's saves, fan-outs and drains inside one real second and meets KVS's 1,000
      // requests per second (strict fidelity), which no user could.
      await t.host.advanceClock(1_000);
    }
    const bodies = f.receiver.received('golden').map((request) => {
      expect(request.verdict).toEqual({ valid: true });
      return webhookBodySchema.parse(JSON.parse(request.body));
    });
    // The receiver lists newest first; the saves' order is the revisions' order.
    bodies.sort((a, b) => (a.data.revision ?? 0) - (b.data.revision ?? 0));
    expect(bodies).toHaveLength(saves.length);
    const entries = bodies.map((body) => {
      expect(body.data.fields).toHaveLength(1);
      const [{ id, ...entry }] = body.data.fields as [(typeof body.data.fields)[number]];
      expect(id).toBe(definition.id);
      return entry;
    });
    expect(`${JSON.stringify(entries, null, 2)}\n`).toBe(readFileSync(join(GOLDEN_DIR, `${golden}.json`), 'utf8'));
  });
});
