import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Filter, FilterConditions, kvs, Sort, WhereConditions, type ListResult } from '@forge/kvs';
import { installVirtualClock } from '../clock';
import type { HostDatabase } from '../database';
import { uninstallForgeSeam } from '../forge-seam';
import { loadEntityDeclarations, type EntityDeclaration } from './index';
import { installKvs, invoke, kvsError } from '../../../test/support/kvs-harness';

interface Delivery {
  webhookId?: string;
  status?: string;
  createdAt?: number;
  score?: number;
  urgent?: boolean;
  note?: string;
  tags?: unknown;
}

const clock = installVirtualClock();
let db: HostDatabase;
const deliveries = kvs.entity<Delivery>('delivery');

beforeEach(() => {
  db = installKvs();
});
afterEach(() => db.close());
afterAll(() => {
  uninstallForgeSeam();
  clock.uninstall();
});

/** Reads every page of a query (limit per page) and answers the keys in order. */
async function allKeys(page: (cursor: string | undefined) => Promise<ListResult<Delivery>>): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const result = await page(cursor);
    keys.push(...result.results.map((r) => r.key));
    cursor = result.nextCursor;
    pages += 1;
    if (pages > 100) throw new Error('query never ended');
  } while (cursor);
  return keys;
}

describe('entity values', () => {
  it('sets, gets and deletes; a missing key reads undefined; entity keys are apart from plain keys', async () => {
    await invoke(async () => {
      expect(await deliveries.get('d1')).toBeUndefined();
      await deliveries.set('d1', { webhookId: 'w1', status: 'pending', createdAt: 5, tags: { any: ['thing', null] } });
      expect(await deliveries.get('d1')).toEqual({ webhookId: 'w1', status: 'pending', createdAt: 5, tags: { any: ['thing', null] } });
      expect(await kvs.get('d1')).toBeUndefined();
      expect(await kvs.entity('counter').get('d1')).toBeUndefined();
      await deliveries.delete('d1');
      expect(await deliveries.get('d1')).toBeUndefined();
      await expect(deliveries.delete('d1')).resolves.toBeUndefined();
    });
  });

  it('FAIL_IF_EXISTS works on entities', async () => {
    await invoke(() => kvs.entity('counter').set('c', { revision: 0 }, { keyPolicy: 'FAIL_IF_EXISTS' }));
    const error = await kvsError(() => kvs.entity('counter').set('c', { revision: 9 }, { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect(error.code).toBe('KEY_CONFLICT');
    expect(await invoke(() => kvs.entity('counter').get('c'))).toEqual({ revision: 0 });
  });

  it.each([
    ['a string for an integer attribute', { createdAt: '5' }, 'createdAt'],
    ['a fraction for an integer attribute', { createdAt: 1.5 }, 'createdAt'],
    ['epoch milliseconds for a 32-bit integer attribute', { createdAt: 1675182117615 }, 'createdAt'],
    ['a number for a string attribute', { status: 3 }, 'status'],
    ['a string for a boolean attribute', { urgent: 'yes' }, 'urgent'],
    ['null for a typed attribute', { note: null }, 'note'],
    ['an attribute not declared in the manifest', { webhookId: 'w', colour: 'red' }, 'colour'],
    ['an array instead of an object', ['w1'], 'object'],
    ['a plain string instead of an object', 'w1', 'object'],
  ])('rejects %s with INVALID_ENTITY_VALUE and stores nothing', async (_name, value, mentioned) => {
    const error = await kvsError(() => deliveries.set('bad', value as Delivery));
    expect(error.code).toBe('INVALID_ENTITY_VALUE');
    expect(error.message).toContain(mentioned);
    expect(await invoke(() => deliveries.get('bad'))).toBeUndefined();
  });

  it('accepts floats for float attributes and anything JSON (null too) for any', async () => {
    await invoke(async () => {
      await deliveries.set('ok', { score: 0.25, tags: null, urgent: false });
      expect(await deliveries.get('ok')).toEqual({ score: 0.25, tags: null, urgent: false });
    });
  });

  it('rejects an entity that is not declared, on every operation', async () => {
    for (const call of [
      () => kvs.entity('nope').set('k', { a: 1 }),
      () => kvs.entity('nope').get('k'),
      () => kvs.entity('nope').delete('k'),
      () => kvs.entity('nope').query().index('by-key').getMany(),
      () => kvs.transact().set('k', { a: 1 }, { entityName: 'nope' }).execute(),
    ]) {
      const error = await kvsError(call);
      expect(error.code).toBe('INVALID_ENTITY_TYPE');
      expect(error.message).toContain('"nope" is not declared');
    }
  });

  it('an entity with a TTL expires from gets and queries', async () => {
    await invoke(async () => {
      await deliveries.set('short', { webhookId: 'w', createdAt: 1 }, { ttl: { unit: 'SECONDS', value: 30 } });
      await deliveries.set('long', { webhookId: 'w', createdAt: 2 });
      await clock.advance(30_001);
      expect(await deliveries.get('short')).toBeUndefined();
      const page = await deliveries.query().index('by-webhook', { partition: ['w'] }).getMany();
      expect(page.results.map((r) => r.key)).toEqual(['long']);
    });
  });
});

describe('entity index queries', () => {
  // 230 deliveries of w1 (more than two pages of 100), 40 of w2, and a few outside the index.
  const STATUSES = ['pending', 'delivered', 'failed'] as const;
  const seed: { key: string; value: Delivery }[] = [];
  for (let i = 0; i < 230; i += 1) {
    seed.push({
      key: `w1-${String(i).padStart(3, '0')}`,
      value: {
        webhookId: 'w1',
        status: STATUSES[i % 3],
        createdAt: 1_000 + (i % 115) * 10, // every createdAt twice: ties are ordered by key
        score: (i % 7) / 2,
        urgent: i % 5 === 0,
        ...(i % 4 === 0 ? { note: `note ${i % 8 === 0 ? 'retry' : 'manual'} #${i}` } : {}),
      },
    });
  }
  for (let i = 0; i < 40; i += 1) seed.push({ key: `w2-${i}`, value: { webhookId: 'w2', status: 'failed', createdAt: 1_000 + i, urgent: true, score: 9 } });
  seed.push({ key: 'w1-no-time', value: { webhookId: 'w1', status: 'pending' } }); // no range attribute: not in by-webhook
  seed.push({ key: 'no-webhook', value: { status: 'pending', createdAt: 1_500 } }); // no partition attribute

  const ordered = (items: typeof seed, desc = false): string[] => {
    const sorted = [...items].sort((a, b) => (a.value.createdAt ?? 0) - (b.value.createdAt ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return (desc ? sorted.reverse() : sorted).map((item) => item.key);
  };
  const w1 = seed.filter((s) => s.value.webhookId === 'w1' && s.value.createdAt !== undefined);

  beforeEach(async () => {
    await invoke(async () => {
      for (let start = 0; start < seed.length; start += 25) {
        const result = await kvs.batchSet(seed.slice(start, start + 25).map((s) => ({ ...s, entityName: 'delivery' })));
        expect(result.failedKeys).toEqual([]);
      }
    });
  });

  it.each([
    ['ascending', Sort.ASC, false],
    ['descending', Sort.DESC, true],
  ])('pages %s through a partition of more than 100 items with cursors', async (_name, sort, desc) => {
    const keys = await invoke(() =>
      allKeys((cursor) => {
        let query = deliveries.query().index('by-webhook', { partition: ['w1'] }).sort(sort).limit(100);
        if (cursor) query = query.cursor(cursor);
        return query.getMany();
      }),
    );
    expect(keys).toHaveLength(230);
    expect(keys).toEqual(ordered(w1, desc));
  });

  it.each([
    ['equalTo', WhereConditions.equalTo(1_500), (t: number) => t === 1_500],
    ['greaterThan', WhereConditions.greaterThan(2_000), (t: number) => t > 2_000],
    ['greaterThanEqualTo', WhereConditions.greaterThanEqualTo(2_000), (t: number) => t >= 2_000],
    ['lessThan', WhereConditions.lessThan(1_100), (t: number) => t < 1_100],
    ['lessThanEqualTo', WhereConditions.lessThanEqualTo(1_100), (t: number) => t <= 1_100],
    ['between (inclusive)', WhereConditions.between(1_200, 1_300), (t: number) => t >= 1_200 && t <= 1_300],
  ])('applies the range condition %s in both directions', async (_name, condition, holds) => {
    const expected = w1.filter((s) => holds(s.value.createdAt as number));
    expect(expected.length).toBeGreaterThan(0);
    for (const [sort, desc] of [
      [Sort.ASC, false],
      [Sort.DESC, true],
    ] as const) {
      const keys = await invoke(() =>
        allKeys((cursor) => {
          let query = deliveries.query().index('by-webhook', { partition: ['w1'] }).where(condition).sort(sort).limit(7);
          if (cursor) query = query.cursor(cursor);
          return query.getMany();
        }),
      );
      expect(keys).toEqual(ordered(expected, desc));
    }
  });

  it('answers 10 by default and only the partition asked for', async () => {
    const page = await invoke(() => deliveries.query().index('by-webhook', { partition: ['w2'] }).getMany());
    expect(page.results.map((r) => r.key)).toEqual(ordered(seed.filter((s) => s.value.webhookId === 'w2')).slice(0, 10));
    expect(page.results.every((r) => r.value.webhookId === 'w2')).toBe(true);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('queries a two-attribute partition', async () => {
    const keys = await invoke(() =>
      allKeys((cursor) => {
        let query = deliveries.query().index('by-webhook-status', { partition: ['w1', 'failed'] }).limit(100);
        if (cursor) query = query.cursor(cursor);
        return query.getMany();
      }),
    );
    expect(keys).toEqual(ordered(w1.filter((s) => s.value.status === 'failed')));
  });

  it('queries a boolean partition with a float range, and a string range with beginsWith', async () => {
    await invoke(async () => {
      const urgent = await deliveries.query().index('by-urgent', { partition: [true] }).where(WhereConditions.lessThan(1)).limit(100).getMany();
      const expected = seed.filter((s) => s.value.urgent === true && (s.value.score ?? 99) < 1);
      expect(urgent.results.map((r) => r.key).sort()).toEqual(expected.map((s) => s.key).sort());
      const byStatus = await deliveries.query().index('status').where(WhereConditions.beginsWith('deliv')).limit(100).getMany();
      expect(byStatus.results).toHaveLength(seed.filter((s) => s.value.status === 'delivered').length);
      expect(byStatus.results.every((r) => r.value.status === 'delivered')).toBe(true);
    });
  });

  it.each([
    ['and: equalTo + greaterThan', new Filter<Delivery>().and('status', FilterConditions.equalTo('failed')).and('score', FilterConditions.greaterThan(1)), (v: Delivery) => v.status === 'failed' && (v.score ?? 0) > 1],
    ['or: equalTo + equalTo', new Filter<Delivery>().or('status', FilterConditions.equalTo('failed')).or('urgent', FilterConditions.equalTo(true)), (v: Delivery) => v.status === 'failed' || v.urgent === true],
    ['notEqualTo', new Filter<Delivery>().and('status', FilterConditions.notEqualTo('pending')), (v: Delivery) => v.status !== 'pending'],
    ['exists', new Filter<Delivery>().and('note', FilterConditions.exists()), (v: Delivery) => v.note !== undefined],
    ['notExists', new Filter<Delivery>().and('note', FilterConditions.notExists()), (v: Delivery) => v.note === undefined],
    ['contains', new Filter<Delivery>().and('note', FilterConditions.contains('retry')), (v: Delivery) => v.note?.includes('retry') === true],
    ['notContains', new Filter<Delivery>().and('note', FilterConditions.notContains('retry')), (v: Delivery) => v.note?.includes('retry') !== true],
    ['beginsWith', new Filter<Delivery>().and('note', FilterConditions.beginsWith('note manual')), (v: Delivery) => v.note?.startsWith('note manual') === true],
    ['between', new Filter<Delivery>().and('score', FilterConditions.between(1, 2)), (v: Delivery) => (v.score ?? -1) >= 1 && (v.score ?? -1) <= 2],
    ['lessThanEqualTo', new Filter<Delivery>().and('score', FilterConditions.lessThanEqualTo(0.5)), (v: Delivery) => (v.score ?? 99) <= 0.5],
    ['greaterThanEqualTo', new Filter<Delivery>().and('score', FilterConditions.greaterThanEqualTo(2.5)), (v: Delivery) => (v.score ?? -1) >= 2.5],
    ['lessThan', new Filter<Delivery>().and('score', FilterConditions.lessThan(0.5)), (v: Delivery) => (v.score ?? 99) < 0.5],
  ])('filters with %s, counting only matches toward the page limit', async (_name, filter, holds) => {
    const expected = w1.filter((s) => holds(s.value));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(w1.length);
    const pages: number[] = [];
    const keys = await invoke(() =>
      allKeys(async (cursor) => {
        let query = deliveries.query().index('by-webhook', { partition: ['w1'] }).filters(filter).sort(Sort.DESC).limit(20);
        if (cursor) query = query.cursor(cursor);
        const page = await query.getMany();
        pages.push(page.results.length);
        return page;
      }),
    );
    expect(keys).toEqual(ordered(expected, true));
    expect(pages.slice(0, -1).every((n) => n === 20)).toBe(true);
  });

  it('the built-in by-key index lists every item of the entity in key order', async () => {
    const keys = await invoke(() =>
      allKeys((cursor) => {
        let query = deliveries.query().index('by-key').limit(100);
        if (cursor) query = query.cursor(cursor);
        return query.getMany();
      }),
    );
    expect(keys).toEqual(seed.map((s) => s.key).sort());
  });

  it('getOne answers the first item in index order', async () => {
    const first = await invoke(() => deliveries.query().index('by-webhook', { partition: ['w1'] }).sort(Sort.DESC).getOne());
    expect(first?.key).toBe(ordered(w1, true)[0]);
  });

  it.each([
    ['an undeclared index', () => deliveries.query().index('by-colour').getMany(), 'INVALID_ENTITY_INDEX', 'by-colour'],
    ['a partitioned index without its partition', () => deliveries.query().index('by-webhook').getMany(), 'INVALID_PARTITION', 'webhookId'],
    ['a partition with too few values', () => deliveries.query().index('by-webhook-status', { partition: ['w1'] }).getMany(), 'INVALID_PARTITION', 'webhookId, status'],
    ['a partition of the wrong type', () => deliveries.query().index('by-urgent', { partition: ['true'] }).getMany(), 'INVALID_PARTITION', 'boolean'],
    ['a partition on an index without one', () => deliveries.query().index('by-key', { partition: ['w1'] }).getMany(), 'INVALID_PARTITION', 'no partition'],
    ['a range value of the wrong type', () => deliveries.query().index('by-webhook', { partition: ['w1'] }).where(WhereConditions.greaterThan('5')).getMany(), 'INVALID_FILTER_VALUES', 'integer'],
    ['beginsWith on a numeric range', () => deliveries.query().index('by-webhook', { partition: ['w1'] }).where(WhereConditions.beginsWith(1)).getMany(), 'INVALID_FILTER_CONDITION', 'BEGINS_WITH'],
    ['a filter on an undeclared attribute', () => deliveries.query().index('by-key').filters(new Filter<Delivery>().and('colour' as keyof Delivery, FilterConditions.exists())).getMany(), 'INVALID_FILTER_ATTRIBUTE', 'colour'],
    ['a cursor of another query', async () => {
      const page = await deliveries.query().index('by-webhook', { partition: ['w1'] }).getMany();
      return deliveries.query().index('by-webhook', { partition: ['w2'] }).cursor(page.nextCursor ?? '').getMany();
    }, 'INVALID_CURSOR', 'cursor'],
  ])('rejects %s', async (_name, call, code, mentioned) => {
    const error = await kvsError(call);
    expect(error.code).toBe(code);
    expect(error.responseDetails.status).toBe(400);
    expect(error.message).toContain(mentioned);
  });
});

describe('transactions with entity conditions', () => {
  const counter = kvs.entity<{ revision: number; owner?: string }>('counter');
  const revisionIs = (n: number) => new Filter<{ revision: number }>().and('revision', FilterConditions.equalTo(n));

  beforeEach(async () => {
    await invoke(async () => {
      await counter.set('project:1', { revision: 1, owner: 'a' });
      await kvs.set('plain:1', 'before');
    });
  });

  it('commits every operation when all conditions hold', async () => {
    await invoke(async () => {
      await kvs
        .transact()
        .set('project:1', { revision: 2, owner: 'b' }, { entityName: 'counter', conditions: revisionIs(1) })
        .set('change:1', { webhookId: 'w1', createdAt: 1 }, { entityName: 'delivery' })
        .delete('plain:1')
        .execute();
      expect(await counter.get('project:1')).toEqual({ revision: 2, owner: 'b' });
      expect(await deliveries.get('change:1')).toEqual({ webhookId: 'w1', createdAt: 1 });
      expect(await kvs.get('plain:1')).toBeUndefined();
    });
  });

  it.each([
    ['a set whose condition fails', () => kvs.transact().set('project:1', { revision: 3 }, { entityName: 'counter', conditions: revisionIs(2) })],
    ['a set conditioned on an item that does not exist', () => kvs.transact().set('project:9', { revision: 1 }, { entityName: 'counter', conditions: revisionIs(0) })],
    ['a failing check', () => kvs.transact().check('project:1', { entityName: 'counter', conditions: revisionIs(7) })],
    ['a delete whose condition fails', () => kvs.transact().delete('project:1', { entityName: 'counter', conditions: new Filter<{ owner: string }>().and('owner', FilterConditions.equalTo('z')) })],
  ])('is cancelled as a whole by %s, with a 409 and nothing written', async (_name, start) => {
    const error = await kvsError(() =>
      start()
        .set('change:2', { webhookId: 'w1', createdAt: 2 }, { entityName: 'delivery' })
        .set('plain:1', 'after')
        .delete('plain:other')
        .execute(),
    );
    expect(error.code).toBe('CONDITIONAL_CHECK_FAILED');
    expect(error.responseDetails.status).toBe(409);
    await invoke(async () => {
      expect(await counter.get('project:1')).toEqual({ revision: 1, owner: 'a' });
      expect(await counter.get('project:9')).toBeUndefined();
      expect(await deliveries.get('change:2')).toBeUndefined();
      expect(await kvs.get('plain:1')).toBe('before');
    });
  });

  it('a passing check and notExists condition let the transaction through', async () => {
    await invoke(async () => {
      await kvs
        .transact()
        .check('project:1', { entityName: 'counter', conditions: revisionIs(1) })
        .set('project:2', { revision: 1 }, { entityName: 'counter', conditions: new Filter<{ revision: number }>().and('revision', FilterConditions.notExists()) })
        .execute();
      expect(await counter.get('project:2')).toEqual({ revision: 1 });
    });
  });
});

describe('entity declarations', () => {
  it('loads the app manifest', () => {
    const declarations = loadEntityDeclarations(readFileSync(join(__dirname, '..', '..', '..', 'manifest.yml'), 'utf8'));
    expect(declarations.map((d) => d.name)).toEqual(expect.arrayContaining(['field-catalog', 'project-fields', 'field-change', 'delivery']));
  });

  it.each([
    ['an index on an undeclared attribute', [{ name: 'thing', attributes: { a: { type: 'string' } }, indexes: [{ name: 'by-b', range: ['b'] }] }], 'attribute b is not declared'],
    ['an index on an attribute of type any', [{ name: 'thing', attributes: { a: { type: 'any' } }, indexes: ['a'] }], 'cannot be indexed'],
    ['an unknown attribute type', [{ name: 'thing', attributes: { a: { type: 'date' } } }], 'attributes.a.type'],
    ['a named index without a range', [{ name: 'thing', attributes: { a: { type: 'string' } }, indexes: [{ name: 'by-a', partition: ['a'] }] }], 'indexes'],
    ['an entity declared twice', [{ name: 'thing', attributes: {} }, { name: 'thing', attributes: {} }], 'declared twice'],
  ])('rejects %s', (_name, entities, message) => {
    const yaml = JSON.stringify({ app: { storage: { entities } } }); // JSON is YAML
    expect(() => loadEntityDeclarations(yaml)).toThrow(message);
  });

  it('a manifest without storage declares no entity', async () => {
    const none: EntityDeclaration[] = loadEntityDeclarations('app:\n  id: x\n');
    expect(none).toEqual([]);
    db.close();
    db = installKvs(':memory:', none);
    expect((await kvsError(() => deliveries.get('x'))).code).toBe('INVALID_ENTITY_TYPE');
  });
});
