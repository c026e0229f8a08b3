import { aDelivery } from '../app/testing/in-memory-ports';
import { deliveryRecordSchema, type DeliveryRecord } from '../domain/records';
import { deliveryStamp, deliveryStillAsRead, fromStoredDelivery, sameDelivery, toStoredDelivery } from './stored-delivery';

const readBack = (record: DeliveryRecord) => deliveryRecordSchema.parse(fromStoredDelivery(record.deliveryId, JSON.parse(JSON.stringify(toStoredDelivery(record)))));
const conditionsOf = (filter: ReturnType<typeof deliveryStillAsRead>) => ({ and: filter.filters() as unknown as { property: string; values: unknown[] }[] });

describe('a stored delivery', () => {
  it('parses back to the same record, default values and all', () => {
    const pending = aDelivery();
    const settled = aDelivery({ status: 'failed', attempts: 8, roundStart: 2, lastAttemptAt: 5, lastStatusCode: 500, lastError: 'boom', ordered: false, cancelledBy: 'u-1', cancelledAt: 7 });
    for (const record of [pending, settled]) {
      const back = readBack(record);
      expect(sameDelivery(back, record)).toBe(true);
      expect(back.stamp).toBe(deliveryStamp(record));
    }
  });

  it('leaves out only what parsing restores', () => {
    const stored = toStoredDelivery(aDelivery());
    for (const key of ['schemaVersion', 'deliveryId', 'roundStart', 'lastAttemptAt', 'lastStatusCode', 'lastError', 'ordered', 'cancelledBy', 'cancelledAt']) expect(stored).not.toHaveProperty(key);
    for (const key of ['status', 'attempts', 'inFlight', 'dueAt', 'webhookId', 'createdAt']) expect(stored).toHaveProperty(key);
    const set = toStoredDelivery(aDelivery({ roundStart: 1, lastError: 'x', ordered: false }));
    expect(set).toMatchObject({ roundStart: 1, lastError: 'x', ordered: false });
  });

  it('reads a record written before its id and schema version were left out, with its own values', () => {
    const record = aDelivery();
    const { stamp: _stamp, ...older } = record;
    expect(deliveryRecordSchema.parse(fromStoredDelivery('msg_other', JSON.parse(JSON.stringify(older))))).toEqual(deliveryRecordSchema.parse(older));
    expect(() => deliveryRecordSchema.parse(fromStoredDelivery(record.deliveryId, { ...older, schemaVersion: 2 }))).toThrow();
  });

  it('is smaller than the record it stores, stamp included', () => {
    const record = aDelivery();
    expect(JSON.stringify(toStoredDelivery(record)).length).toBeLessThan(JSON.stringify(record).length - 80);
  });

  it('has a stamp that moves with each value a compare-and-set checks', () => {
    const base = aDelivery({ attempts: 1, inFlight: 1, dueAt: 1_000_000 });
    const stamps = new Set([base, { ...base, status: 'delivered' as const }, { ...base, attempts: 2 }, { ...base, inFlight: 0 }, { ...base, dueAt: 1_000_001 }, { ...base, attempts: 11, inFlight: 1 }, { ...base, attempts: 1, inFlight: 11 }].map(deliveryStamp));
    expect(stamps.size).toBe(7);
    const otherError: DeliveryRecord = { ...base, lastError: 'other' };
    expect(deliveryStamp(otherError)).toBe(deliveryStamp(base));
  });

  it('is checked by its stamp when it was read with one, value by value when written before stamps', () => {
    const read = readBack(aDelivery({ attempts: 2, dueAt: 42 }));
    expect(conditionsOf(deliveryStillAsRead(read)).and).toEqual([expect.objectContaining({ property: 'stamp', values: [deliveryStamp(read)] })]);
    // A step taken in memory keeps the stamp it was read with: the condition is of its own values.
    const changed = { ...read, attempts: 3 };
    expect(conditionsOf(deliveryStillAsRead(changed)).and[0]?.values).toEqual([deliveryStamp(changed)]);
    const { stamp: _stamp, ...older } = read;
    expect(conditionsOf(deliveryStillAsRead(older)).and.map((c) => c.property)).toEqual(['status', 'attempts', 'inFlight', 'dueAt']);
  });

  it('is the same delivery apart from its stamp, and not when a value differs', () => {
    const record = aDelivery();
    expect(sameDelivery({ ...record, stamp: 'x' }, record)).toBe(true);
    expect(sameDelivery({ ...record, lastError: 'x' }, record)).toBe(false);
  });
});
