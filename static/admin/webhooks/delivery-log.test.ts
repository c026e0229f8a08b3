import { describe, expect, it } from '@jest/globals';
import type { DeliverySummaryDto } from '../../../src/shared/webhooks-contract';
import { mergeFirstPage, parsePickedTime, upsertDelivery } from './delivery-log';

const delivery = (id: string, status: DeliverySummaryDto['status'] = 'delivered'): DeliverySummaryDto => ({
  id,
  webhookId: 'wh',
  event: 'updated',
  changeId: null,
  project: { id: 1, key: 'DEMO', name: 'Demo project' },
  fieldNames: ['Budget'],
  status,
  createdAt: 0,
  nextAttemptAt: null,
  attempts: 1,
  lastAttemptAt: null,
  lastStatusCode: 200,
  lastError: null,
  ordered: true,
  cancelledBy: null,
  cancelledAt: null,
});

describe('the delivery log shown', () => {
  it('takes the refreshed first page on top and keeps the older pages', () => {
    const shown = [delivery('c', 'pending'), delivery('b'), delivery('a')];
    const merged = mergeFirstPage(shown, [delivery('d'), delivery('c')]);
    expect(merged.map((d) => [d.id, d.status])).toEqual([
      ['d', 'delivered'],
      ['c', 'delivered'],
      ['b', 'delivered'],
      ['a', 'delivered'],
    ]);
  });

  it('replaces a redelivered delivery in place and puts a test send on top', () => {
    const shown = [delivery('b', 'failed'), delivery('a')];
    expect(upsertDelivery(shown, delivery('b', 'pending')).map((d) => [d.id, d.status])).toEqual([
      ['b', 'pending'],
      ['a', 'delivered'],
    ]);
    expect(upsertDelivery(shown, delivery('t')).map((d) => d.id)).toEqual(['t', 'b', 'a']);
  });
});

describe('parsePickedTime', () => {
  it.each([
    ['2026-01-05T14:00+0100', Date.UTC(2026, 0, 5, 13, 0)],
    ['2026-01-05T14:00-02:30', Date.UTC(2026, 0, 5, 16, 30)],
    ['2026-01-05T14:00:00.000Z', Date.UTC(2026, 0, 5, 14, 0)],
    ['', null],
    ['2026-01-05', null],
    ['soon', null],
  ])('%p is %p', (value, expected) => {
    expect(parsePickedTime(value)).toBe(expected);
  });
});
