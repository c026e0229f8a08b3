import { ALWAYS_FITS_OPERATIONS, ITEM_OVERHEAD_BYTES, itemBytes, KVS_WRITE_LIMITS, planWriteRequests, requestBytes } from './kvs-limits';

const item = (key: string, valueBytes: number) => ({ key, value: 'x'.repeat(Math.max(0, valueBytes - 2)) }); // JSON adds the two quotes

describe('itemBytes', () => {
  it('counts the key and the value as the JSON the request carries (UTF-8), plus room for the rest', () => {
    expect(itemBytes({ key: 'k', value: 'ab' })).toBe(1 + 4 + ITEM_OVERHEAD_BYTES);
    expect(itemBytes({ key: 'k', value: 'é' })).toBe(1 + 4 + ITEM_OVERHEAD_BYTES); // 2 bytes in UTF-8
    expect(itemBytes({ key: 'kk' })).toBe(2 + ITEM_OVERHEAD_BYTES); // a delete or a check
    expect(requestBytes([{ key: 'a', value: 1 }, { key: 'b' }])).toBe(1 + 1 + 1 + 2 * ITEM_OVERHEAD_BYTES);
  });
});

describe('planWriteRequests', () => {
  it('keeps small writes together, 25 to a request, in order', () => {
    const items = Array.from({ length: 60 }, (_, i) => item(`k${i}`, 100));
    const groups = planWriteRequests(items, (x) => x);
    expect(groups.map((g) => g.length)).toEqual([25, 25, 10]);
    expect(groups.flat()).toEqual(items);
  });

  it('splits by bytes before the count: 25 records of 200 KB go 4 to a request, each under 1 MB', () => {
    const items = Array.from({ length: 25 }, (_, i) => item(`change:${i}`, 200 * 1024));
    const groups = planWriteRequests(items, (x) => x);
    expect(groups.map((g) => g.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    for (const group of groups) expect(requestBytes(group)).toBeLessThanOrEqual(KVS_WRITE_LIMITS.maxRequestBytes);
    expect(groups.flat()).toEqual(items);
  });

  it('mixes sizes greedily without ever crossing either limit', () => {
    const sizes = [900_000, 50_000, 60_000, 10, 999_000, 1, 240 * 1024, 240 * 1024, 240 * 1024, 240 * 1024, 240 * 1024];
    const items = sizes.map((s, i) => item(`k${i}`, s));
    const groups = planWriteRequests(items, (x) => x);
    for (const group of groups) {
      expect(group.length).toBeLessThanOrEqual(KVS_WRITE_LIMITS.maxOperations);
      expect(requestBytes(group)).toBeLessThanOrEqual(KVS_WRITE_LIMITS.maxRequestBytes);
    }
    expect(groups.flat()).toEqual(items);
    expect(groups[0]).toEqual([items[0], items[1]]);
  });

  it('refuses an item no request can carry, naming its key', () => {
    expect(() => planWriteRequests([item('huge', 1_100_000)], (x) => x)).toThrow(/huge .*larger than one storage request/);
  });

  it('takes other limits (a test host with a smaller cap)', () => {
    const groups = planWriteRequests([item('a', 300), item('b', 300), item('c', 300)], (x) => x, { maxOperations: 25, maxRequestBytes: 2 * (300 + 1 + ITEM_OVERHEAD_BYTES) });
    expect(groups.map((g) => g.length)).toEqual([2, 1]);
  });

  it('answers nothing to write as no request', () => {
    expect(planWriteRequests([], (x: { key: string }) => x)).toEqual([]);
  });
});

describe('ALWAYS_FITS_OPERATIONS', () => {
  it('that many values of the largest size Forge stores, with the longest keys, fit one request', () => {
    const largest = Array.from({ length: ALWAYS_FITS_OPERATIONS }, (_, i) => item(`${i}`.padEnd(500, 'k'), KVS_WRITE_LIMITS.maxValueBytes));
    expect(requestBytes(largest)).toBeLessThanOrEqual(KVS_WRITE_LIMITS.maxRequestBytes);
    expect(planWriteRequests(largest, (x) => x)).toHaveLength(1);
    expect(ALWAYS_FITS_OPERATIONS).toBeGreaterThanOrEqual(2); // a save writes its project and its change together
  });
});
