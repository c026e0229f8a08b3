import { ForgeKvsAPIError, kvs } from '@forge/kvs';
import type { ForgeHost } from '../../local/host';
import { asInvocation, startMiniHost } from '../support/mini-host';

let host: ForgeHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function kvsError(call: () => Promise<unknown>): Promise<ForgeKvsAPIError> {
  const outcome = await asInvocation(call).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof ForgeKvsAPIError)) throw new Error(`expected a ForgeKvsAPIError, got ${String(outcome)}`);
  return outcome;
}

const items = () => asInvocation(async () => (await kvs.entity<{ group: string; n: number }>('item').query().index('by-group', { partition: ['a'] }).getMany()).results.map((r) => r.key));

describe('strict fidelity: KVS as Forge behaves in time and at scale', () => {
  it('a query cursor expires: the next page within its time works, after it the query must start again', async () => {
    host = startMiniHost({}, {}, { fidelity: { mode: 'strict', indexLagMs: 0, cursorTtlMs: 60_000 } });
    for (let i = 1; i <= 3; i += 1) await asInvocation(() => kvs.entity('item').set(`i${i}`, { group: 'a', n: i }));
    const query = () => kvs.entity<{ group: string; n: number }>('item').query().index('by-group', { partition: ['a'] }).limit(1);
    const first = await asInvocation(() => query().getMany());
    const cursor = first.nextCursor ?? '';
    expect(cursor).not.toBe('');
    await host.advanceClock(30_000);
    expect((await asInvocation(() => query().cursor(cursor).getMany())).results.map((r) => r.key)).toEqual(['i2']);
    await host.advanceClock(31_000);
    const expired = await kvsError(() => query().cursor(cursor).getMany());
    expect(expired.code).toBe('INVALID_CURSOR');
    expect(expired.message).toMatch(/expired/);
  });

  it('index queries lag writes by the configured time; get sees the write at once', async () => {
    host = startMiniHost({}, {}, { fidelity: { mode: 'strict', indexLagMs: 5_000 } });
    await asInvocation(() => kvs.entity('item').set('i1', { group: 'a', n: 1 }));
    expect(await asInvocation(() => kvs.entity('item').get('i1'))).toEqual({ group: 'a', n: 1 });
    expect(await items()).toEqual([]);
    await asInvocation(() => kvs.set('plain', 1));
    expect(await asInvocation(async () => (await kvs.query().getMany()).results)).toEqual([]);

    await host.advanceClock(5_000);
    expect(await items()).toEqual(['i1']);
    // A delete lags the same way: the query still finds the deleted item for a while.
    await asInvocation(() => kvs.entity('item').delete('i1'));
    expect(await asInvocation(() => kvs.entity('item').get('i1'))).toBeUndefined();
    expect(await items()).toEqual(['i1']);
    await host.advanceClock(5_000);
    expect(await items()).toEqual([]);
  });

  it('default fidelity: queries see a write at once', async () => {
    host = startMiniHost({}, {}, { fidelity: 'default' });
    await asInvocation(() => kvs.entity('item').set('i1', { group: 'a', n: 1 }));
    expect(await items()).toEqual(['i1']);
  });

  it('applies the "45 batch operations per minute" reading when asked: batch requests over it answer 429, single requests do not; off by default', async () => {
    host = startMiniHost({}, {}, { fidelity: { mode: 'strict', kvsBatchRequestsPerMinute: 3 } });
    await asInvocation(() => kvs.batchSet([{ key: 'a', value: 1 }]));
    await asInvocation(() => kvs.batchGet([{ key: 'a' }]));
    await asInvocation(() => kvs.batchDelete([{ key: 'a' }]));
    const refused = await kvsError(() => kvs.batchGet([{ key: 'a' }]));
    expect(refused.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(refused.responseDetails.status).toBe(429);
    expect(refused.message).toContain('batch operations per minute per installation is 3');
    await expect(asInvocation(() => kvs.get('a'))).resolves.toBeUndefined();
    expect(host.usage().total).toMatchObject({ kvsBatchRequests: 3, kvsRateLimited: 1 });
    await host.advanceClock(60_000);
    await expect(asInvocation(() => kvs.batchGet([{ key: 'a' }]))).resolves.toMatchObject({ successfulKeys: [] });
    await host.stop();

    host = startMiniHost({}, {}, { fidelity: 'strict' });
    for (let i = 0; i < 50; i++) await asInvocation(() => kvs.batchGet([{ key: `k${i}` }]));
    expect(host.usage().total).toMatchObject({ kvsBatchRequests: 50, kvsRateLimited: 0 });
  });

  it('answers 429 RATE_LIMIT_EXCEEDED over the requests per second, until the second has passed', async () => {
    host = startMiniHost({}, {}, { fidelity: { mode: 'strict', kvsRequestsPerSecond: 3 } });
    for (let i = 0; i < 3; i++) await asInvocation(() => kvs.get('k'));
    const refused = await kvsError(() => kvs.get('k'));
    expect(refused.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(refused.responseDetails.status).toBe(429);
    expect(refused.message).toContain('per second');
    await host.advanceClock(1_000);
    await expect(asInvocation(() => kvs.get('k'))).resolves.toBeUndefined();
  });

  it('counts writes in 10 KB units per minute: a 25 KB value is 3 units, a small batch of 25 is one', async () => {
    host = startMiniHost({}, {}, { fidelity: { mode: 'strict', kvsWriteUnitsPerMinute: 4 } });
    await asInvocation(() => kvs.set('big', 'x'.repeat(25 * 1024)));
    expect(host.usage().total.kvsWriteUnits).toBe(3);
    await asInvocation(() => kvs.batchSet(Array.from({ length: 25 }, (_, i) => ({ key: `s${i}`, value: i }))));
    expect(host.usage().total.kvsWriteUnits).toBe(4);
    const refused = await kvsError(() => kvs.set('one-more', 1));
    expect(refused.code).toBe('RATE_LIMIT_EXCEEDED');
    // Reads have their own budget.
    await expect(asInvocation(() => kvs.get('big'))).resolves.toHaveLength(25 * 1024);
    await host.advanceClock(60_000);
    await expect(asInvocation(() => kvs.set('one-more', 1))).resolves.toBeUndefined();
  });

  it("Forge's documented rates by default in strict mode", () => {
    host = startMiniHost({}, {}, { fidelity: 'strict' });
    expect(host.fidelity).toMatchObject({ kvsRequestsPerSecond: 1_000, kvsReadUnitsPerMinute: 4_000, kvsWriteUnitsPerMinute: 4_000, pushRequestsPerChain: 1_000 });
  });

  it('secrets are limited to 128 KiB in every mode', async () => {
    host = startMiniHost({}, {});
    await expect(asInvocation(() => kvs.setSecret('fits', 'x'.repeat(128 * 1024 - 2)))).resolves.toBeUndefined();
    const refused = await kvsError(() => kvs.setSecret('too-big', 'x'.repeat(128 * 1024)));
    expect(refused.code).toBe('MAX_SIZE');
    expect(refused.message).toContain('128 KiB');
  });
});
