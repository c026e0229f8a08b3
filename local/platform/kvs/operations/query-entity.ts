import { checkConditionValues, filterSetHolds, parseFilterSet, RANGE_CONDITIONS, type FilterSet } from '../conditions';
import type { KvsContext } from '../context';
import { requireEntity, requireIndex, valueHasType } from '../entities';
import { badRequest } from '../errors';
import { checkQueryLimit } from '../limits';
import type { RangeBound, StoredItem } from '../store';
import { asObject, decodeCursor, encodeCursor, json, metadataFields, optionalObject, withMetadata, type Loose } from '../wire';

/**
 * `kvs.entity(name).query()`: one index of a custom entity, with partition, range, filters,
 * direction and cursors scoped to the query they came from.
 */
export function queryEntity(ctx: KvsContext, body: Loose, now: number): Response {
  const entity = requireEntity(ctx.entities, body.entityName);
  const index = requireIndex(entity, body.indexName);
  const limit = checkQueryLimit(body.limit, 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
  const fields = metadataFields(optionalObject(body.options, 'options').metadataFields ?? body.metadataFields);
  const sqlValue = (value: unknown): string | number => (typeof value === 'boolean' ? (value ? 1 : 0) : (value as string | number));

  const partitionValues = body.partition ?? [];
  if (!Array.isArray(partitionValues) || partitionValues.length !== index.partition.length) {
    const wanted = index.partition.map((p) => p.name);
    throw badRequest(
      'INVALID_PARTITION',
      index.partition.length === 0
        ? `Index "${index.name}" of entity "${entity.name}" has no partition; do not pass one.`
        : `Index "${index.name}" of entity "${entity.name}" needs a partition of ${wanted.length} value(s), in order: ${wanted.join(', ')}.`,
      { partition: wanted },
    );
  }
  const partition = index.partition.map((part, i) => {
    const value: unknown = partitionValues[i];
    if (!valueHasType(value, part.type)) {
      throw badRequest('INVALID_PARTITION', `Partition value ${i + 1} of index "${index.name}" (attribute ${part.name}) must be of type ${part.type}, got ${JSON.stringify(value)}.`);
    }
    return sqlValue(value);
  });

  let range: RangeBound | undefined;
  if (body.range !== undefined && body.range !== null) {
    const { condition, values } = asObject(body.range, 'range');
    if (typeof condition !== 'string' || !(RANGE_CONDITIONS as readonly string[]).includes(condition)) {
      throw badRequest('INVALID_FILTER_CONDITION', `The specified condition ${JSON.stringify(condition)} is not supported for a range (where) clause.`);
    }
    const checked = checkConditionValues(condition, values);
    const rangeType = index.range?.type ?? 'string';
    for (const value of checked) {
      if (!valueHasType(value, rangeType)) {
        throw badRequest('INVALID_FILTER_VALUES', `The range of index "${index.name}" (${index.range?.name ?? 'key'}) is of type ${rangeType}; got ${JSON.stringify(value)}.`);
      }
    }
    const [first, second] = checked.map(sqlValue) as [string | number, string | number | undefined];
    switch (condition) {
      case 'BEGINS_WITH':
        if (rangeType !== 'string') throw badRequest('INVALID_FILTER_CONDITION', `BEGINS_WITH needs a string range; the range of index "${index.name}" is ${rangeType}.`);
        range = { kind: 'prefix', prefix: String(first) };
        break;
      case 'BETWEEN':
        range = { kind: 'between', low: first, high: second as string | number };
        break;
      default: {
        const ops = { EQUAL_TO: '=', GREATER_THAN: '>', GREATER_THAN_EQUAL_TO: '>=', LESS_THAN: '<', LESS_THAN_EQUAL_TO: '<=' } as const;
        range = { kind: 'compare', op: ops[condition as keyof typeof ops], value: first };
      }
    }
  }

  const filters: FilterSet | undefined = parseFilterSet(body.filters, entity, 'filters');
  if (body.sort !== undefined && body.sort !== 'ASC' && body.sort !== 'DESC') throw badRequest('BAD_REQUEST', `Provided request body is invalid: sort must be ASC or DESC, got ${JSON.stringify(body.sort)}`);
  const descending = body.sort === 'DESC';

  // A cursor belongs to one query: entity, index, partition and direction.
  const scope = { e: entity.name, i: index.name, p: partition, d: descending ? 1 : 0 };
  const cursor = decodeCursor(body.cursor, now, ctx.cursorTtlMs);
  let after: { r: string | number; key: string } | undefined;
  if (cursor !== undefined) {
    const { r, k, ...cursorScope } = cursor;
    if ((typeof r !== 'string' && typeof r !== 'number') || typeof k !== 'string' || JSON.stringify(cursorScope) !== JSON.stringify(scope)) {
      throw badRequest('INVALID_CURSOR', 'The provided cursor is invalid for this query: pass back a cursor this query returned.');
    }
    after = { r, key: k };
  }

  const page: Loose[] = [];
  let last: { r: string | number; key: string } | undefined;
  let more = false;
  for (const row of ctx.store.scanIndex({ entity: entity.name, index, partition, ...(range ? { range } : {}), descending, ...(after ? { after } : {}), now })) {
    const value = JSON.parse(row.value) as unknown;
    if (filters && !filterSetHolds(filters, value)) continue;
    if (page.length === limit) {
      more = true;
      break;
    }
    const item: StoredItem = { key: row.key, value: row.value, createdAt: row.created_at, updatedAt: row.updated_at, expiresAt: row.expires_at };
    page.push(withMetadata({ key: row.key, value }, item, fields));
    last = { r: row.r, key: row.key };
  }
  return json({ data: page, ...(more && last ? { cursor: encodeCursor({ ...scope, r: last.r, k: last.key }, now) } : {}) });
}

