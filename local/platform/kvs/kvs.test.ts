import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForgeKvsAPIError, kvs, MetadataField, WhereConditions } from '@forge/kvs';
import { installVirtualClock } from '../clock';
import type { HostDatabase } from '../database';
import { uninstallForgeSeam } from '../forge-seam';
import { installKvs, invoke, kvsError } from '../../../test/support/kvs-harness';

const clock = installVirtualClock();
let db: HostDatabase;

beforeEach(() => {
  db = installKvs();
});
afterEach(() => db.close());
afterAll(() => {
  uninstallForgeSeam();
  clock.uninstall();
});

const MINUTE = 60_000;

describe('plain values', () => {
  it('sets, gets and deletes a value; a missing key reads undefined', async () => {
    await invoke(async () => {
      expect(await kvs.get('webhook:1')).toBeUndefined();
      await kvs.set('webhook:1', { name: 'CI', active: true });
      expect(await kvs.get('webhook:1')).toEqual({ name: 'CI', active: true });
      await kvs.set('webhook:1', { name: 'CI 2', active: false });
      expect(await kvs.get('webhook:1')).toEqual({ name: 'CI 2', active: false });
      await kvs.delete('webhook:1');
      expect(await kvs.get('webhook:1')).toBeUndefined();
      await expect(kvs.delete('webhook:1')).resolves.toBeUndefined();
    });
  });

  it.each([
    ['a string', 'hello'],
    ['an empty string', ''],
    ['unicode text', 'Ünïcödé ✓ 日本'],
    ['zero', 0],
    ['a negative float', -12.375],
    ['true', true],
    ['false', false],
    ['an empty array', []],
    ['an array of mixed values', [1, 'two', { three: [3] }, null, false]],
    ['an empty object', {}],
    ['a nested object', { a: { b: { c: [1, 2, { d: null }] } }, e: 'f' }],
  ])('round-trips %s exactly', async (_name, value) => {
    await invoke(async () => {
      await kvs.set('json:value', value);
      expect(await kvs.get('json:value')).toStrictEqual(value);
    });
  });

  it('rejects null (Forge stores strings, numbers, booleans, arrays and objects)', async () => {
    const error = await kvsError(() => kvs.set('json:null', null));
    expect(error.responseDetails.status).toBe(400);
    expect(await invoke(() => kvs.get('json:null'))).toBeUndefined();
  });

  it('answers metadata when asked: created/updated (epoch seconds) and the expiry of a TTL', async () => {
    await invoke(async () => {
      const before = Math.floor(Date.now() / 1000);
      await kvs.set('meta:plain', 'v');
      await kvs.set('meta:ttl', 'v', { ttl: { value: 2, unit: 'HOURS' } });
      const plain = await kvs.get<string>('meta:plain', { metadataFields: [MetadataField.CREATED_AT, MetadataField.UPDATED_AT, MetadataField.EXPIRE_TIME] });
      expect(plain?.key).toBe('meta:plain');
      expect(plain?.value).toBe('v');
      expect(plain?.createdAt).toBeGreaterThanOrEqual(before);
      expect(plain?.expireTime).toBeUndefined();
      const withTtl = await kvs.get<string>('meta:ttl', { metadataFields: [MetadataField.EXPIRE_TIME] });
      const expiresIn = Date.parse(withTtl?.expireTime ?? '') - Date.now();
      expect(expiresIn).toBeGreaterThan(2 * 60 * MINUTE - 5_000);
      expect(expiresIn).toBeLessThanOrEqual(2 * 60 * MINUTE);
    });
  });

  it('keeps createdAt across overwrites and moves updatedAt', async () => {
    await invoke(async () => {
      await kvs.set('meta:k', 1);
      const first = await kvs.get<number>('meta:k', { metadataFields: [MetadataField.CREATED_AT, MetadataField.UPDATED_AT] });
      await clock.advance(10 * MINUTE);
      await kvs.set('meta:k', 2);
      const second = await kvs.get<number>('meta:k', { metadataFields: [MetadataField.CREATED_AT, MetadataField.UPDATED_AT] });
      expect(second?.createdAt).toBe(first?.createdAt);
      expect((second?.updatedAt ?? 0) - (first?.updatedAt ?? 0)).toBeGreaterThanOrEqual(599);
    });
  });

  it('starts createdAt again when an expired item is written, by set, batchSet and transaction alike; an expired item is not there to delete', async () => {
    const created = async (key: string) => (await kvs.get(key, { metadataFields: [MetadataField.CREATED_AT] }))?.createdAt;
    await invoke(async () => {
      const ttl = { ttl: { unit: 'SECONDS', value: 10 } } as const;
      await kvs.set('exp:set', 1, ttl);
      await kvs.set('exp:batch', 1, ttl);
      await kvs.set('exp:tx', 1, ttl);
      await kvs.set('exp:live', 1, ttl);
      await kvs.set('exp:gone', 1, ttl);
      const first = await created('exp:set');
      await clock.advance(5_000);
      await kvs.set('exp:live', 2);
      await clock.advance(6 * MINUTE);
      await kvs.set('exp:set', 2);
      await kvs.batchSet([{ key: 'exp:batch', value: 2 }]);
      await kvs.transact().set('exp:tx', 2).execute();
      for (const key of ['exp:set', 'exp:batch', 'exp:tx']) expect(((await created(key)) ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(360);
      expect(await created('exp:live')).toBe(first);
      const deleted = await kvs.batchDelete([{ key: 'exp:gone' }, { key: 'exp:live' }]);
      expect(deleted.successfulKeys).toEqual([{ key: 'exp:live' }]);
      expect(deleted.failedKeys).toEqual([{ key: 'exp:gone', error: expect.objectContaining({ code: 'KEY_NOT_FOUND' }) }]);
    });
  });
});

describe('secrets', () => {
  it('keeps secrets apart from plain values and out of queries', async () => {
    await invoke(async () => {
      await kvs.setSecret('secret:webhook:1:current', 'whsec_abc');
      expect(await kvs.get('secret:webhook:1:current')).toBeUndefined();
      expect(await kvs.getSecret('secret:webhook:1:current')).toBe('whsec_abc');

      await kvs.set('secret:webhook:1:current', 'a plain value under the same key');
      expect(await kvs.getSecret('secret:webhook:1:current')).toBe('whsec_abc');
      expect(await kvs.get('secret:webhook:1:current')).toBe('a plain value under the same key');

      await kvs.setSecret('secret:only', { token: 't' });
      const listed = await kvs.query().where('key', WhereConditions.beginsWith('secret:')).limit(100).getMany();
      expect(listed.results).toEqual([{ key: 'secret:webhook:1:current', value: 'a plain value under the same key' }]);

      await kvs.deleteSecret('secret:webhook:1:current');
      expect(await kvs.getSecret('secret:webhook:1:current')).toBeUndefined();
      expect(await kvs.get('secret:webhook:1:current')).toBe('a plain value under the same key');
      await expect(kvs.deleteSecret('secret:never-set')).resolves.toBeUndefined();
    });
  });

  it('applies the key and size limits to secrets too', async () => {
    expect((await kvsError(() => kvs.setSecret('x'.repeat(501), 's'))).code).toBe('KEY_TOO_LONG');
    expect((await kvsError(() => kvs.setSecret('big', 'x'.repeat(240 * 1024)))).code).toBe('MAX_SIZE');
  });
});

describe('TTL', () => {
  it.each([
    ['SECONDS', 30, 30_000],
    ['MINUTES', 5, 5 * MINUTE],
    ['HOURS', 2, 2 * 60 * MINUTE],
    ['DAYS', 30, 30 * 24 * 60 * MINUTE],
  ] as const)('a value set with ttl %s %i lives exactly that long on the virtual clock', async (unit, value, lifetimeMs) => {
    await invoke(async () => {
      await kvs.set('ttl:key', 'v', { ttl: { unit, value } });
      await kvs.setSecret('ttl:key', 's', { ttl: { unit, value } });
      await clock.advance(lifetimeMs - 1_000);
      expect(await kvs.get('ttl:key')).toBe('v');
      expect(await kvs.getSecret('ttl:key')).toBe('s');
      expect((await kvs.query().where('key', WhereConditions.beginsWith('ttl:')).getMany()).results).toHaveLength(1);
      await clock.advance(1_001);
      expect(await kvs.get('ttl:key')).toBeUndefined();
      expect(await kvs.getSecret('ttl:key')).toBeUndefined();
      expect((await kvs.query().where('key', WhereConditions.beginsWith('ttl:')).getMany()).results).toHaveLength(0);
    });
  });

  it('an overwrite without ttl makes the value permanent; an expired key counts as absent for FAIL_IF_EXISTS', async () => {
    await invoke(async () => {
      await kvs.set('ttl:a', 1, { ttl: { unit: 'SECONDS', value: 10 } });
      await kvs.set('ttl:a', 2);
      await kvs.set('ttl:b', 1, { ttl: { unit: 'SECONDS', value: 10 } });
      await clock.advance(11_000);
      expect(await kvs.get('ttl:a')).toBe(2);
      await kvs.set('ttl:b', 'again', { keyPolicy: 'FAIL_IF_EXISTS' });
      expect(await kvs.get('ttl:b')).toBe('again');
    });
  });

  it.each([
    ['a zero value', { unit: 'SECONDS', value: 0 }],
    ['a fractional value', { unit: 'MINUTES', value: 1.5 }],
    ['an unknown unit', { unit: 'WEEKS', value: 1 }],
  ])('rejects %s', async (_name, ttl) => {
    const error = await kvsError(() => kvs.set('ttl:bad', 'v', { ttl } as never));
    expect(error.code).toBe('INVALID_TTL');
    expect(await invoke(() => kvs.get('ttl:bad'))).toBeUndefined();
  });
});

describe('conditional writes (keyPolicy)', () => {
  it('FAIL_IF_EXISTS creates a new key and fails with 409 on an existing one, changing nothing', async () => {
    await invoke(() => kvs.set('lock:1', { owner: 'a' }, { keyPolicy: 'FAIL_IF_EXISTS' }));
    const error = await kvsError(() => kvs.set('lock:1', { owner: 'b' }, { keyPolicy: 'FAIL_IF_EXISTS', ttl: { unit: 'SECONDS', value: 1 } }));
    expect(error).toBeInstanceOf(ForgeKvsAPIError);
    expect(error.code).toBe('KEY_CONFLICT');
    expect(error.responseDetails.status).toBe(409);
    await clock.advance(2_000);
    expect(await invoke(() => kvs.get('lock:1'))).toEqual({ owner: 'a' });
  });

  it('OVERRIDE with returnValue answers the previous or the latest value', async () => {
    await invoke(async () => {
      expect(await kvs.set('ret:1', 'first', { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' })).toBeUndefined();
      const previous = await kvs.set('ret:1', 'second', { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS', returnMetadataFields: [MetadataField.CREATED_AT] });
      expect(previous).toEqual({ key: 'ret:1', value: 'first', createdAt: expect.any(Number) });
      const latest = await kvs.set('ret:1', 'third', { keyPolicy: 'OVERRIDE', returnValue: 'LATEST' });
      expect(latest).toEqual({ key: 'ret:1', value: 'third' });
      expect(await kvs.get('ret:1')).toBe('third');
    });
  });
});

describe('batches', () => {
  it('batchSet stores what is valid and reports each failure with its Forge code', async () => {
    const result = await invoke(() =>
      kvs.batchSet<unknown>([
        { key: 'b:1', value: 1 },
        { key: 'bad/key', value: 2 },
        { key: 'b:3', value: 'x'.repeat(241 * 1024) },
        { key: 'b:4', value: { four: 4 }, options: { ttl: { unit: 'MINUTES', value: 1 } } },
        { key: 'c:1', entityName: 'counter', value: { revision: 1 } },
        { key: 'c:2', entityName: 'counter', value: { revision: 'one' } },
      ]),
    );
    expect(result.successfulKeys).toEqual([{ key: 'b:1' }, { key: 'b:4' }, { key: 'c:1', entityName: 'counter' }]);
    expect(result.failedKeys.map((f) => [f.key, f.error.code])).toEqual([
      ['bad/key', 'INVALID_KEY'],
      ['b:3', 'MAX_SIZE'],
      ['c:2', 'INVALID_ENTITY_VALUE'],
    ]);
    await invoke(async () => {
      expect(await kvs.get('b:1')).toBe(1);
      expect(await kvs.get('b:3')).toBeUndefined();
      expect(await kvs.entity('counter').get('c:1')).toEqual({ revision: 1 });
      await clock.advance(MINUTE + 1);
      expect(await kvs.get('b:4')).toBeUndefined();
    });
  });

  it('batchGet answers found values and KEY_NOT_FOUND for missing ones; batchDelete likewise', async () => {
    await invoke(async () => {
      await kvs.set('g:1', 'one');
      await kvs.entity('counter').set('g:1', { revision: 7 });
      const got = await kvs.batchGet([{ key: 'g:1' }, { key: 'g:1', entityName: 'counter' }, { key: 'g:missing' }]);
      expect(got.successfulKeys).toEqual([
        { key: 'g:1', value: 'one' },
        { key: 'g:1', entityName: 'counter', value: { revision: 7 } },
      ]);
      expect(got.failedKeys).toEqual([{ key: 'g:missing', error: { code: 'KEY_NOT_FOUND', message: 'Key does not exist' } }]);

      const deleted = await kvs.batchDelete([{ key: 'g:1' }, { key: 'g:missing' }]);
      expect(deleted.successfulKeys).toEqual([{ key: 'g:1' }]);
      expect(deleted.failedKeys.map((f) => f.error.code)).toEqual(['KEY_NOT_FOUND']);
      expect(await kvs.get('g:1')).toBeUndefined();
      expect(await kvs.entity('counter').get('g:1')).toEqual({ revision: 7 });
    });
  });

  it('a batch naming one key twice fails as a whole and writes nothing', async () => {
    const error = await kvsError(() =>
      kvs.batchSet([
        { key: 'd:1', value: 1 },
        { key: 'd:1', value: 2 },
      ]),
    );
    expect(error.code).toBe('DUPLICATE_KEYS');
    expect(await invoke(() => kvs.get('d:1'))).toBeUndefined();
  });
});

describe('transactions', () => {
  it('applies sets and deletes across plain keys and entities together', async () => {
    await invoke(async () => {
      await kvs.set('t:old', 'old');
      await kvs
        .transact()
        .set('t:new', { n: 1 })
        .set('t:counter', { revision: 1, owner: 'me' }, { entityName: 'counter' })
        .set('t:ttl', 'short', undefined, { ttl: { unit: 'SECONDS', value: 5 } })
        .delete('t:old')
        .execute();
      expect(await kvs.get('t:new')).toEqual({ n: 1 });
      expect(await kvs.entity('counter').get('t:counter')).toEqual({ revision: 1, owner: 'me' });
      expect(await kvs.get('t:old')).toBeUndefined();
      await clock.advance(5_001);
      expect(await kvs.get('t:ttl')).toBeUndefined();
    });
  });

  it('is all-or-nothing: an invalid operation rejects the whole transaction', async () => {
    await invoke(() => kvs.set('t:keep', 'kept'));
    const error = await kvsError(() => kvs.transact().set('t:a', 'a').delete('t:keep').set('t:c', { revision: 'x' }, { entityName: 'counter' }).execute());
    expect(error.code).toBe('INVALID_ENTITY_VALUE');
    await invoke(async () => {
      expect(await kvs.get('t:a')).toBeUndefined();
      expect(await kvs.get('t:keep')).toBe('kept');
    });
  });

  it('rejects a key used twice in one transaction', async () => {
    const error = await kvsError(() => kvs.transact().set('t:dup', 1).delete('t:dup').execute());
    expect(error.code).toBe('DUPLICATE_KEYS');
    expect(await invoke(() => kvs.get('t:dup'))).toBeUndefined();
  });
});

describe('Forge limits', () => {
  const big = (bytes: number): string => 'x'.repeat(bytes - 2); // JSON string: two quotes
  const keys = (n: number, prefix: string): { key: string; value: number }[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: i }));

  it.each([
    ['a key of 501 characters', () => kvs.set('k'.repeat(501), 1), 'KEY_TOO_LONG', '500'],
    ['an entity key of 501 characters', () => kvs.entity('counter').set('k'.repeat(501), { revision: 1 }), 'KEY_TOO_LONG', '500'],
    ['an empty key', () => kvs.set('', 1), 'KEY_TOO_SHORT', 'one character'],
    ['a key with a slash', () => kvs.set('a/b', 1), 'INVALID_KEY', 'regex'],
    ['a key of only white space', () => kvs.get('   '), 'INVALID_KEY', 'regex'],
    ['a value over 240 KiB', () => kvs.set('v', big(240 * 1024 + 1)), 'MAX_SIZE', '240 KiB'],
    ['an entity value over 240 KiB', () => kvs.entity('counter').set('v', { owner: big(240 * 1024) }), 'MAX_SIZE', '240 KiB'],
    ['a value nested 33 deep', () => kvs.set('v', JSON.parse('['.repeat(33) + ']'.repeat(33)) as unknown), 'MAX_DEPTH', '32'],
    ['a query limit of 101', () => kvs.query().limit(101).getMany(), 'LIST_QUERY_LIMIT_EXCEEDED', '100'],
    ['a query limit of 0', () => kvs.query().limit(0).getMany(), 'LIST_QUERY_LIMIT_EXCEEDED', '100'],
    ['an entity query limit of 101', () => kvs.entity('counter').query().index('by-key').limit(101).getMany(), 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE', '100'],
    ['a batchSet of 26 items', () => kvs.batchSet(keys(26, 'bs')), 'BATCH_SIZE_EXCEEDED', '25'],
    ['a batchGet of 26 items', () => kvs.batchGet(keys(26, 'bg')), 'BATCH_SIZE_EXCEEDED', '25'],
    ['a batchDelete of 26 items', () => kvs.batchDelete(keys(26, 'bd')), 'BATCH_SIZE_EXCEEDED', '25'],
    [
      'a transaction of 26 operations',
      () => keys(26, 'tx').reduce((tx, { key, value }) => tx.set(key, value), kvs.transact()).execute(),
      'TRANSACTION_SIZE_EXCEEDED',
      '25',
    ],
  ] as const)('rejects %s with a 400 naming the limit', async (_name, call, code, limitText) => {
    const error = await kvsError(call);
    expect(error.code).toBe(code);
    expect(error.responseDetails.status).toBe(400);
    expect(error.message).toContain(limitText);
    // Nothing of a rejected request is stored.
    const stored = await invoke(() => kvs.query().limit(100).getMany());
    expect(stored.results).toEqual([]);
  });

  it.each([
    ['a key of exactly 500 characters', () => kvs.set('k'.repeat(500), 1)],
    ['a key with every allowed character', () => kvs.set('aZ09:._-# x', 1)],
    ['a value of exactly 240 KiB', () => kvs.set('v', big(240 * 1024))],
    ['a value nested 32 deep', () => kvs.set('v', JSON.parse('['.repeat(32) + ']'.repeat(32)) as unknown)],
    ['a batchSet of 25 items', () => kvs.batchSet(keys(25, 'bs'))],
    ['a transaction of 25 operations', () => keys(25, 'tx').reduce((tx, { key, value }) => tx.set(key, value), kvs.transact()).execute()],
    ['a query limit of 100', () => kvs.query().limit(100).getMany()],
  ] as const)('accepts %s', async (_name, call) => {
    await expect(
      invoke(async () => {
        await call();
      }),
    ).resolves.toBeUndefined();
  });

  it('reports errors as the SDK error with the request and trace details', async () => {
    const error = await kvsError(() => kvs.set('k'.repeat(501), 1));
    expect(error.responseDetails).toMatchObject({ status: 400, statusText: 'Bad Request', httpMethod: 'POST', httpPath: '/api/v1/set' });
    expect(error.responseDetails.traceId).toEqual(expect.any(String));
    expect(error.context).toMatchObject({ limit: 500 });
  });
});

describe('key queries', () => {
  const total = 250;
  const keyOf = (i: number): string => `item:${String(i).padStart(4, '0')}`;

  beforeEach(async () => {
    await invoke(async () => {
      const items = Array.from({ length: total }, (_, i) => ({ key: keyOf(i), value: { i } }));
      for (let start = 0; start < items.length; start += 25) await kvs.batchSet(items.slice(start, start + 25));
      await kvs.set('other:1', 'x');
      await kvs.set('iteZ', 'near miss');
    });
  });

  it('pages through more than 100 keys with cursors, in key order, without gaps or repeats', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    await invoke(async () => {
      do {
        let query = kvs.query().where('key', WhereConditions.beginsWith('item:')).limit(100);
        if (cursor) query = query.cursor(cursor);
        const page = await query.getMany<{ i: number }>();
        pageSizes.push(page.results.length);
        for (const result of page.results) {
          expect(result.value).toEqual({ i: Number(result.key.slice(5)) });
          seen.push(result.key);
        }
        cursor = page.nextCursor;
      } while (cursor);
    });
    expect(pageSizes).toEqual([100, 100, 50]);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => keyOf(i)));
  });

  it('answers 10 by default, getOne the first match, and no cursor on the last page', async () => {
    await invoke(async () => {
      const first = await kvs.query().where('key', WhereConditions.beginsWith('item:')).getMany();
      expect(first.results.map((r) => r.key)).toEqual(Array.from({ length: 10 }, (_, i) => keyOf(i)));
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(await kvs.query().where('key', WhereConditions.beginsWith('other:')).getOne()).toEqual({ key: 'other:1', value: 'x' });
      const exact = await kvs.query().where('key', WhereConditions.beginsWith('other:')).getMany();
      expect(exact.nextCursor).toBeUndefined();
      expect(await kvs.query().where('key', WhereConditions.beginsWith('nothing')).getOne()).toBeUndefined();
    });
  });

  it('without a where clause iterates every plain value', async () => {
    let count = 0;
    let cursor: string | undefined;
    await invoke(async () => {
      do {
        const page = await (cursor ? kvs.query().limit(100).cursor(cursor) : kvs.query().limit(100)).getMany();
        count += page.results.length;
        cursor = page.nextCursor;
      } while (cursor);
    });
    expect(count).toBe(total + 2);
  });

  it('rejects a forged cursor', async () => {
    const error = await kvsError(() => kvs.query().cursor('not-a-cursor').getMany());
    expect(error.code).toBe('INVALID_CURSOR');
  });
});

describe('durability', () => {
  it('keeps values, secrets, entities and TTLs across a restart on a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvs-durability-'));
    const file = join(dir, 'state', 'host.sqlite');
    try {
      db.close();
      db = installKvs(file);
      await invoke(async () => {
        await kvs.set('d:value', { kept: true });
        await kvs.setSecret('d:secret', 'whsec_x');
        await kvs.entity('counter').set('d:entity', { revision: 3, owner: 'o' });
        await kvs.set('d:ttl', 'soon gone', { ttl: { unit: 'MINUTES', value: 1 } });
      });
      db.close();

      db = installKvs(file);
      await invoke(async () => {
        expect(await kvs.get('d:value')).toEqual({ kept: true });
        expect(await kvs.getSecret('d:secret')).toBe('whsec_x');
        expect(await kvs.entity('counter').get('d:entity')).toEqual({ revision: 3, owner: 'o' });
        expect(await kvs.get('d:ttl')).toBe('soon gone');
        await clock.advance(MINUTE + 1);
        expect(await kvs.get('d:ttl')).toBeUndefined();
      });
    } finally {
      db.close();
      db = installKvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
