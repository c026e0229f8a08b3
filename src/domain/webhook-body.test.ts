import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diffFieldValues } from './fields/change-diff';
import type { FieldDefinition } from './fields/field-definition';
import { parseFieldInput, type StoredValue } from './fields/field-values';
import { buildWebhookBody, filterFieldsForWebhook, webhookBodySchema, type WebhookBodyInput, type WebhookFieldChange } from './webhook-body';

/**
 * The example request body of Projectrak's help page "Outgoing webhooks" (DESIGN.md: our body
 * must match it), kept in the repository as JSON; test/fixtures/README.md says where it is from.
 */
const SEED_BODY = path.resolve(__dirname, '../../test/fixtures/projectrak-seed-body.json');

function readSeedBody(): unknown {
  return JSON.parse(readFileSync(SEED_BODY, 'utf8'));
}

type Shape = string | Shape[] | { [key: string]: Shape };

/** Every key and every type of a JSON value, with the values themselves left out. */
function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shapeOf(item)]));
  return typeof value;
}

const opt = (id: number, name: string) => ({ id, name, colour: 'green', enabled: true });
const BUDGET: FieldDefinition = { id: 12345, name: 'Budget', type: 'number', decimals: 3 };
const STATUS: FieldDefinition = { id: 54321, name: 'Status', type: 'status', options: [opt(1, 'On track'), opt(2, 'At risk'), opt(3, 'Off track'), opt(4, 'Done')] };

function stored(definition: FieldDefinition, input: unknown): StoredValue {
  const parsed = parseFieldInput(definition, input);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** The seed's save, made with our own pipeline: input -> stored values -> diff -> body. */
function bodyForTheSeedsSave() {
  const seed = webhookBodySchema.parse(readSeedBody()).data;
  const before = { 12345: stored(BUDGET, 25), 54321: stored(STATUS, 'On track') };
  const after = { 12345: stored(BUDGET, 23), 54321: stored(STATUS, 'Done') };
  return buildWebhookBody({
    event: 'updated',
    user: seed.user,
    timestamp: seed.timestamp,
    project: seed.project,
    fields: diffFieldValues([STATUS, BUDGET], before, after),
  });
}

describe('the webhook body matches the seed (Projectrak help page)', () => {
  it('has the same keys at every level, with the same types', () => {
    expect(shapeOf(bodyForTheSeedsSave())).toStrictEqual(shapeOf(readSeedBody()));
  });

  it('has the same values', () => {
    expect(bodyForTheSeedsSave()).toStrictEqual(readSeedBody());
  });

  it('serialises to the same JSON text, keys in the same order', () => {
    expect(JSON.stringify(bodyForTheSeedsSave())).toBe(JSON.stringify(readSeedBody()));
  });

  it('is described by the body schema', () => {
    expect(webhookBodySchema.safeParse(readSeedBody()).success).toBe(true);
  });
});

const INPUT: WebhookBodyInput = {
  event: 'updated',
  user: 'DUMMY-ACCOUNT-ID-4c44-b436-73155f48d985',
  timestamp: 1675182117615,
  project: { id: 13647, key: 'DEMO', name: 'Demo project' },
  fields: [{ id: 12345, name: 'Budget', type: 'number', value: { current: '23.000', previous: '25.000' } }],
};

describe('buildWebhookBody', () => {
  it('leaves revision out when it is not given', () => {
    expect(Object.keys(buildWebhookBody(INPUT).data)).toEqual(['event', 'user', 'timestamp', 'project', 'fields']);
  });

  it('adds revision as data.revision, after the documented keys, when given', () => {
    const { data } = buildWebhookBody({ ...INPUT, revision: 7 });
    expect([Object.keys(data), data.revision]).toEqual([['event', 'user', 'timestamp', 'project', 'fields', 'revision'], 7]);
  });

  it('builds a test event with a real project and no fields', () => {
    expect(buildWebhookBody({ ...INPUT, event: 'test', fields: [] }).data).toMatchObject({ event: 'test', project: INPUT.project, fields: [] });
  });

  it('carries array values as arrays of strings', () => {
    const fields: WebhookFieldChange[] = [{ id: 9, name: 'Tags', type: 'multilist', value: { current: ['A', 'B'], previous: [] } }];
    expect(buildWebhookBody({ ...INPUT, fields }).data.fields[0]?.value).toEqual({ current: ['A', 'B'], previous: [] });
  });

  it('copies only the documented keys of the project and the fields', () => {
    const project = { ...INPUT.project, avatarUrl: 'https://example.com/a.png' };
    const field = { ...INPUT.fields[0]!, options: [1, 2], value: { current: 'x', previous: null, raw: 1 } };
    const { data } = buildWebhookBody({ ...INPUT, project, fields: [field] });
    expect([Object.keys(data.project), Object.keys(data.fields[0]!), Object.keys(data.fields[0]!.value)]).toEqual([
      ['id', 'key', 'name'],
      ['id', 'name', 'type', 'value'],
      ['current', 'previous'],
    ]);
  });

  it('does not share arrays with its input', () => {
    const current = ['A'];
    const body = buildWebhookBody({ ...INPUT, fields: [{ id: 9, name: 'Tags', type: 'multilist', value: { current, previous: [] } }] });
    current.push('B');
    expect(body.data.fields[0]?.value.current).toEqual(['A']);
  });
});

describe('webhookBodySchema rejects', () => {
  const valid = () => buildWebhookBody(INPUT) as unknown as { data: Record<string, unknown> & { fields: Record<string, unknown>[] } };

  it.each<[string, (body: ReturnType<typeof valid>) => void]>([
    ['a missing key', (b) => delete b.data.user],
    ['a renamed key', (b) => {
      b.data.time = b.data.timestamp;
      delete b.data.timestamp;
    }],
    ['an unknown key', (b) => (b.data.extra = true)],
    ['a number as a field value', (b) => (b.data.fields[0]!.value = { current: 23, previous: '25.000' })],
    ['a project id as text', (b) => (b.data.project = { id: '13647', key: 'DEMO', name: 'Demo project' })],
    ['an unknown event', (b) => (b.data.event = 'created')],
  ])('%s', (_case, spoil) => {
    const body = valid();
    spoil(body);
    expect(webhookBodySchema.safeParse(body).success).toBe(false);
  });
});

describe('filterFieldsForWebhook', () => {
  const fields = [{ id: 1 }, { id: 2 }, { id: 3 }];

  it.each<[string, { fieldIds?: number[] | null }, number[]]>([
    ['no filter keeps every field', {}, [1, 2, 3]],
    ['a null filter keeps every field', { fieldIds: null }, [1, 2, 3]],
    ['a filter keeps the matching fields, in their order', { fieldIds: [3, 1] }, [1, 3]],
    ['a filter matching nothing keeps nothing', { fieldIds: [99] }, []],
    ['an empty filter keeps nothing', { fieldIds: [] }, []],
  ])('%s', (_case, filter, ids) => {
    expect(filterFieldsForWebhook(fields, filter).map((f) => f.id)).toEqual(ids);
  });
});
