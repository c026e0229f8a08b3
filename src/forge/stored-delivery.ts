import { isDeepStrictEqual } from 'node:util';
import { Filter, FilterConditions } from '@forge/kvs';
import type { DeliveryRecord } from '../domain/records';

/**
 * How a delivery record is written, and what a compare-and-set on it checks.
 *
 * KVS meters a write by the bytes it sends (10 KB units), and the drain writes every delivery on
 * claim and on result, ten or so per transaction: a few hundred bytes per record decide whether a
 * chunk costs one unit or two (#16). So what parsing gives back anyway is left out (a default
 * value), and the four values a compare-and-set checks travel as one `stamp`.
 */

/** Values the record schema restores when absent: written only when they differ. */
const DEFAULTS: Partial<Record<keyof DeliveryRecord, unknown>> = {
  schemaVersion: 1,
  roundStart: 0,
  lastAttemptAt: null,
  lastStatusCode: null,
  lastError: null,
  ordered: true,
  cancelledBy: null,
  cancelledAt: null,
};

/**
 * What a claim or an admin's step depends on, in one value: any write by someone else moves the
 * status, the attempt numbers or the due time. The same four values the conditions checked one by
 * one before the stamp (and still check on a record written before it).
 */
export function deliveryStamp(d: Pick<DeliveryRecord, 'status' | 'attempts' | 'inFlight' | 'dueAt'>): string {
  return `${d.status[0] ?? ''}${d.attempts}.${d.inFlight}.${d.dueAt.toString(36)}`;
}

/** A delivery as written: its values apart from defaults (parsing restores them), and its stamp. */
export type StoredDelivery = Partial<DeliveryRecord>;

/** The record as stored: without default values or its id (the key holds it), with the stamp of what it holds. */
export function toStoredDelivery(record: DeliveryRecord): StoredDelivery {
  const stored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'stamp' || key === 'deliveryId' || value === undefined) continue;
    if (key in DEFAULTS && DEFAULTS[key as keyof DeliveryRecord] === value) continue;
    stored[key] = value;
  }
  stored.stamp = deliveryStamp(record);
  return stored as StoredDelivery;
}

/**
 * A stored value as the record schema reads it: the id from its key, the schema version when left
 * out. A record written before either was left out carries its own, which win.
 */
export function fromStoredDelivery(deliveryId: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return { schemaVersion: DEFAULTS.schemaVersion, deliveryId, ...value };
}

/** The same delivery, apart from its stamp (which a record read back carries and one built in memory may not). */
export function sameDelivery(a: DeliveryRecord, b: DeliveryRecord): boolean {
  const { stamp: _a, ...restA } = a;
  const { stamp: _b, ...restB } = b;
  return isDeepStrictEqual(restA, restB);
}

/**
 * The condition "still as read": one equality on the stamp when the record read carried one (it
 * was written with it), the four values one by one for a record written before stamps.
 */
export function deliveryStillAsRead(expected: DeliveryRecord) {
  if (expected.stamp !== undefined) return new Filter<StoredDelivery>().and('stamp', FilterConditions.equalTo(deliveryStamp(expected)));
  return new Filter<StoredDelivery>()
    .and('status', FilterConditions.equalTo(expected.status))
    .and('attempts', FilterConditions.equalTo(expected.attempts))
    .and('inFlight', FilterConditions.equalTo(expected.inFlight))
    .and('dueAt', FilterConditions.equalTo(expected.dueAt));
}
