import { checkConditionValues } from '../conditions';
import type { KvsContext } from '../context';
import { badRequest } from '../errors';
import { checkQueryLimit } from '../limits';
import { decodeCursor, encodeCursor, itemBody, json, metadataFields, optionalObject, type Loose } from '../wire';

/** `kvs.query()`: plain values in key order, optionally by key prefix, paged by cursor. */
export function queryValues(ctx: KvsContext, body: Loose, now: number): Response {
  const limit = checkQueryLimit(body.limit, 'LIST_QUERY_LIMIT_EXCEEDED');
  const fields = metadataFields(optionalObject(body.options, 'options').metadataFields);
  let prefix: string | undefined;
  if (body.where !== undefined && body.where !== null) {
    if (!Array.isArray(body.where) || body.where.length > 1) throw badRequest('QUERY_WHERE_INVALID', 'KVS queries should contain only a single "where" clause.');
    const clause = body.where[0] as Loose | undefined;
    if (clause) {
      if (clause.property !== 'key') throw badRequest('QUERY_WHERE_FIELD_INVALID', `The specified field ${JSON.stringify(clause.property)} is not supported for filters (only "key").`);
      if (clause.condition !== 'BEGINS_WITH') throw badRequest('INVALID_FILTER_CONDITION', `The specified condition ${JSON.stringify(clause.condition)} is not supported for filters (only BEGINS_WITH).`);
      const [value] = checkConditionValues('BEGINS_WITH', clause.values);
      prefix = String(value);
    }
  }
  const cursor = decodeCursor(body.after, now, ctx.cursorTtlMs);
  if (cursor !== undefined && typeof cursor.k !== 'string') throw badRequest('INVALID_CURSOR', 'The provided cursor is invalid: pass back a cursor this query returned.');
  const rows = ctx.store.scanValues(prefix, cursor?.k as string | undefined, limit + 1, now);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return json({
    data: page.map((item) => itemBody(item, fields)),
    ...(rows.length > limit && last ? { cursor: encodeCursor({ k: last.key }, now) } : {}),
  });
}

