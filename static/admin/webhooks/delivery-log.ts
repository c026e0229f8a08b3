import type { DeliverySummaryDto } from '../../../src/shared/webhooks-contract';

/** Deliveries per page of the log. */
export const DELIVERY_PAGE_SIZE = 20;

/** The log's first request: admin/main.tsx starts it beside the page's other data on a webhook's own address. */
export const firstPageQuery = (webhookId: string) => ({ webhookId, limit: DELIVERY_PAGE_SIZE });

/**
 * A refreshed first page merged into the log already shown (newest first): deliveries in the
 * fresh page replace their old copies, new ones go on top, and the older pages loaded with
 * "Load more" stay as they are.
 */
export function mergeFirstPage(shown: readonly DeliverySummaryDto[], fresh: readonly DeliverySummaryDto[]): DeliverySummaryDto[] {
  const freshIds = new Set(fresh.map((d) => d.id));
  return [...fresh, ...shown.filter((d) => !freshIds.has(d.id))];
}

/** One delivery replaced (after a redeliver), or put on top when it is new (a test send). */
export function upsertDelivery(shown: readonly DeliverySummaryDto[], delivery: DeliverySummaryDto): DeliverySummaryDto[] {
  return shown.some((d) => d.id === delivery.id) ? shown.map((d) => (d.id === delivery.id ? delivery : d)) : [delivery, ...shown];
}

/**
 * The date-time picker's value ("2026-01-05T14:00+0100", "…Z", or "" when cleared) as epoch ms;
 * null when it is empty or not a time.
 */
export function parsePickedTime(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|([+-])(\d{2}):?(\d{2}))?$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, zone, sign, zh, zm] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  // No zone at all: the picker's own local time.
  if (zone === undefined) return new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)).getTime();
  const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  return utc - offset;
}
