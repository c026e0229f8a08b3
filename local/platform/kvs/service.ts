import { randomUUID } from 'node:crypto';
import type { HostDatabase } from '../database';
import type { PlatformRequest, PlatformService } from '../forge-seam';
import { checkConditionValues, filterSetHolds, parseFilterSet, RANGE_CONDITIONS, type FilterSet } from './conditions';
import { checkEntityValue, compileEntities, requireEntity, requireIndex, valueHasType, type EntityDeclaration, type EntityModel } from './entities';
import { badRequest, errorResponse, keyNotFound, KvsRequestError } from './errors';
import { checkKey, checkQueryLimit, expiryFromTtl, KVS_LIMITS, serializeValue } from './limits';
import { KvsStore, type RangeBound, type Space, type StoredItem } from './store';

export interface KvsServiceOptions {
  /** `app.storage.entities` of the manifest (see `loadEntityDeclarations`). */
  readonly entities?: readonly EntityDeclaration[] | readonly unknown[];
}

type Loose = Record<string, unknown>;
type Handler = (body: Loose, now: number) => Response;

const METADATA_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'] as const;
type MetadataField = (typeof METADATA_FIELDS)[number];

// ---------------------------------------------------------------- request parsing

function asObject(value: unknown, what: string): Loose {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('BAD_REQUEST', `Provided request body is invalid: ${what} must be an object`);
  return value as Loose;
}

function optionalObject(value: unknown, what: string): Loose {
  return value === undefined || value === null ? {} : asObject(value, what);
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === '') throw badRequest('BAD_REQUEST', 'Provided request body is invalid: the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('BAD_REQUEST', 'Provided request body is invalid: not JSON');
  }
}

function metadataFields(value: unknown): readonly MetadataField[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((field) => !(METADATA_FIELDS as readonly unknown[]).includes(field))) {
    throw badRequest('BAD_REQUEST', `Provided request body is invalid: metadataFields must be a list of ${METADATA_FIELDS.join(', ')}`);
  }
  return value as MetadataField[];
}

// ---------------------------------------------------------------- responses

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

const noContent = (): Response => new Response(null, { status: 204 });

/** Forge gives times as epoch seconds and the expiry as an ISO-8601 instant. */
const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
const isoInstant = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function withMetadata(result: Loose, item: StoredItem, fields: readonly MetadataField[] | 'all'): Loose {
  const want = (field: MetadataField): boolean => fields === 'all' || fields.includes(field);
  if (want('CREATED_AT')) result.createdAt = epochSeconds(item.createdAt);
  if (want('UPDATED_AT')) result.updatedAt = epochSeconds(item.updatedAt);
  if (want('EXPIRE_TIME') && item.expiresAt !== null) result.expireTime = isoInstant(item.expiresAt);
  return result;
}

const itemBody = (item: StoredItem, fields: readonly MetadataField[] | 'all'): Loose => withMetadata({ key: item.key, value: JSON.parse(item.value) as unknown }, item, fields);

// ---------------------------------------------------------------- cursors

function encodeCursor(position: Loose): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decodeCursor(cursor: unknown): Loose | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  if (typeof cursor === 'string') {
    try {
      const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (position !== null && typeof position === 'object' && !Array.isArray(position)) return position as Loose;
    } catch {
      // fall through
    }
  }
  throw badRequest('INVALID_CURSOR', 'The provided cursor is invalid: pass back a cursor this query returned.');
}

// ---------------------------------------------------------------- the service

/**
 * The Forge KVS and Custom Entity Store behind `__forge_fetch__` (`{type: 'kvs'}`), on SQLite
 * tables `kvs_values`, `kvs_secrets` and `kvs_entities`, speaking the wire protocol of
 * `@forge/kvs` (`/api/v1/...`, JSON bodies, Forge error bodies) with Forge's limits.
 */
export function createKvsService(db: HostDatabase, options: KvsServiceOptions = {}): PlatformService {
  const store = new KvsStore(db);
  const entities = compileEntities(options.entities ?? []);

  /** A validated write, ready to apply. */
  interface Write {
    readonly space: Space;
    readonly key: string;
    readonly json: string;
    readonly expiresAt: number | null;
  }

  function spaceOf(entityName: unknown): { space: Space; entity?: EntityModel } {
    if (entityName === undefined || entityName === null) return { space: { store: 'value' } };
    const entity = requireEntity(entities, entityName);
    return { space: { store: 'entity', entity: entity.name }, entity };
  }

  function prepareWrite(space: Space, entity: EntityModel | undefined, rawKey: unknown, value: unknown, ttl: unknown, now: number): Write {
    const key = checkKey(rawKey, space.store);
    if (entity) checkEntityValue(entity, value);
    const serialized = serializeValue(value);
    return { space, key, json: serialized, expiresAt: expiryFromTtl(ttl, now) };
  }

  function applyWrite(write: Write, now: number): { previous: StoredItem | undefined; latest: StoredItem } {
    const previous = store.get(write.space, write.key, now);
    const latest: StoredItem = { key: write.key, value: write.json, createdAt: previous?.createdAt ?? now, updatedAt: now, expiresAt: write.expiresAt };
    store.put(write.space, latest);
    return { previous, latest };
  }

  // -- get / set / delete of one item (values, secrets, entities)

  function get(space: Space, body: Loose, now: number): Response {
    const key = checkKey(body.key, space.store);
    const fields = metadataFields(optionalObject(body.options, 'options').metadataFields);
    const item = store.get(space, key, now);
    if (!item) throw keyNotFound();
    return json(itemBody(item, fields));
  }

  function set(space: Space, entity: EntityModel | undefined, body: Loose, now: number): Response {
    const options = optionalObject(body.options, 'options');
    const { keyPolicy, returnValue } = options;
    if (keyPolicy !== undefined && keyPolicy !== 'OVERRIDE' && keyPolicy !== 'FAIL_IF_EXISTS') {
      throw badRequest('BAD_REQUEST', `Provided request body is invalid: keyPolicy must be OVERRIDE or FAIL_IF_EXISTS, got ${JSON.stringify(keyPolicy)}`);
    }
    if (returnValue !== undefined && returnValue !== 'PREVIOUS' && returnValue !== 'LATEST') {
      throw badRequest('BAD_REQUEST', `Provided request body is invalid: returnValue must be PREVIOUS or LATEST, got ${JSON.stringify(returnValue)}`);
    }
    if (returnValue !== undefined && keyPolicy !== 'OVERRIDE') {
      throw badRequest('BAD_REQUEST', 'Provided request body is invalid: returnValue needs keyPolicy OVERRIDE');
    }
    if (options.returnMetadataFields !== undefined && returnValue === undefined) {
      throw badRequest('BAD_REQUEST', 'Provided request body is invalid: returnMetadataFields needs returnValue');
    }
    const fields = metadataFields(options.returnMetadataFields);
    const write = prepareWrite(space, entity, body.key, body.value, options.ttl, now);
    const { previous, latest } = store.atomically(() => {
      if (keyPolicy === 'FAIL_IF_EXISTS' && store.get(space, write.key, now)) {
        throw new KvsRequestError(409, 'KEY_CONFLICT', `The key "${write.key}" already exists (keyPolicy FAIL_IF_EXISTS).`, { key: write.key });
      }
      return applyWrite(write, now);
    });
    if (returnValue === 'LATEST') return json(itemBody(latest, fields));
    if (returnValue === 'PREVIOUS') return previous ? json(itemBody(previous, fields)) : noContent();
    return noContent();
  }

  function remove(space: Space, body: Loose, now: number): Response {
    const key = checkKey(body.key, space.store);
    if (!store.remove(space, key, now)) throw keyNotFound();
    return noContent();
  }

  const entityCall =
    (fn: (space: Space, entity: EntityModel, body: Loose, now: number) => Response): Handler =>
    (body, now) => {
      const { space, entity } = spaceOf(body.entityName ?? '');
      return fn(space, entity as EntityModel, body, now);
    };

  // -- key queries

  function queryValues(body: Loose, now: number): Response {
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
    const cursor = decodeCursor(body.after);
    if (cursor !== undefined && typeof cursor.k !== 'string') throw badRequest('INVALID_CURSOR', 'The provided cursor is invalid: pass back a cursor this query returned.');
    const rows = store.scanValues(prefix, cursor?.k as string | undefined, limit + 1, now);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return json({
      data: page.map((item) => itemBody(item, fields)),
      ...(rows.length > limit && last ? { cursor: encodeCursor({ k: last.key }) } : {}),
    });
  }

  // -- entity queries

  function queryEntity(body: Loose, now: number): Response {
    const entity = requireEntity(entities, body.entityName);
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
    const cursor = decodeCursor(body.cursor);
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
    for (const row of store.scanIndex({ entity: entity.name, index, partition, ...(range ? { range } : {}), descending, ...(after ? { after } : {}), now })) {
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
    return json({ data: page, ...(more && last ? { cursor: encodeCursor({ ...scope, r: last.r, k: last.key }) } : {}) });
  }

  // -- batches

  function batchItems(body: unknown): Loose[] {
    if (!Array.isArray(body)) throw badRequest('BAD_REQUEST', 'Provided request body is invalid: a batch is a list of items');
    if (body.length === 0) throw badRequest('BAD_REQUEST', 'A batch operation must contain at least one key.');
    if (body.length > KVS_LIMITS.batchMaxItems) {
      throw badRequest('BATCH_SIZE_EXCEEDED', `A batch operation can contain a maximum of ${KVS_LIMITS.batchMaxItems} keys, got ${body.length}.`, { limit: KVS_LIMITS.batchMaxItems });
    }
    const items = body.map((item, i) => asObject(item, `item ${i}`));
    const seen = new Set<string>();
    for (const item of items) {
      const id = JSON.stringify([item.entityName ?? null, item.key]);
      if (seen.has(id)) {
        throw badRequest('DUPLICATE_KEYS', `A batch operation cannot name the same key twice: ${String(item.key)}${item.entityName ? ` (entity ${String(item.entityName)})` : ''}.`);
      }
      seen.add(id);
    }
    return items;
  }

  function batch(body: unknown, each: (item: Loose) => Loose): Response {
    const items = batchItems(body);
    const successfulKeys: Loose[] = [];
    const failedKeys: Loose[] = [];
    store.atomically(() => {
      for (const item of items) {
        const id: Loose = { key: item.key, ...(item.entityName !== undefined ? { entityName: item.entityName } : {}) };
        try {
          successfulKeys.push({ ...id, ...each(item) });
        } catch (error) {
          if (!(error instanceof KvsRequestError)) throw error;
          failedKeys.push({ ...id, error: { code: error.code, message: error.message } });
        }
      }
    });
    return json({ successfulKeys, failedKeys });
  }

  const batchSet = (body: unknown, now: number): Response =>
    batch(body, (item) => {
      const { space, entity } = spaceOf(item.entityName);
      const options = optionalObject(item.options, 'options');
      const unsupported = Object.keys(options).filter((option) => option !== 'ttl');
      if (unsupported.length > 0) throw badRequest('BAD_REQUEST', `Provided request body is invalid: batch set options support only ttl, got ${unsupported.join(', ')}`);
      applyWrite(prepareWrite(space, entity, item.key, item.value, options.ttl, now), now);
      return {};
    });

  const batchGet = (body: unknown, now: number): Response =>
    batch(body, (item) => {
      const { space } = spaceOf(item.entityName);
      const fields = metadataFields(optionalObject(item.options, 'options').metadataFields);
      const found = store.get(space, checkKey(item.key, space.store), now);
      if (!found) throw new KvsRequestError(404, 'KEY_NOT_FOUND', 'Key does not exist');
      return itemBody(found, fields);
    });

  const batchDelete = (body: unknown, now: number): Response =>
    batch(body, (item) => {
      const { space } = spaceOf(item.entityName);
      if (!store.remove(space, checkKey(item.key, space.store), now)) throw new KvsRequestError(404, 'KEY_NOT_FOUND', 'Key does not exist');
      return {};
    });

  // -- transactions

  interface TransactionStep {
    readonly kind: 'set' | 'delete' | 'check';
    readonly space: Space;
    readonly key: string;
    readonly entityName?: string;
    readonly conditions?: FilterSet;
    readonly write?: Write;
  }

  function transaction(body: Loose, now: number): Response {
    const lists = { set: body.set ?? [], delete: body.delete ?? [], check: body.check ?? [] };
    for (const [kind, list] of Object.entries(lists)) {
      if (!Array.isArray(list)) throw badRequest('BAD_REQUEST', `Provided request body is invalid: ${kind} must be a list`);
    }
    const total = (lists.set as unknown[]).length + (lists.delete as unknown[]).length + (lists.check as unknown[]).length;
    if (total === 0) throw badRequest('BAD_REQUEST', 'A transaction must contain at least one operation.');
    if (total > KVS_LIMITS.transactionMaxOperations) {
      throw badRequest(
        'TRANSACTION_SIZE_EXCEEDED',
        `A transaction can contain a maximum of ${KVS_LIMITS.transactionMaxOperations} operations, got ${total}.`,
        { limit: KVS_LIMITS.transactionMaxOperations },
      );
    }

    const steps: TransactionStep[] = [];
    const seen = new Set<string>();
    for (const kind of ['set', 'delete', 'check'] as const) {
      for (const [i, raw] of (lists[kind] as unknown[]).entries()) {
        const op = asObject(raw, `${kind}[${i}]`);
        if (kind === 'check' && (op.entityName === undefined || op.conditions === undefined)) {
          throw badRequest('BAD_REQUEST', `Provided request body is invalid: check[${i}] needs an entityName and conditions`);
        }
        if (op.conditions !== undefined && op.conditions !== null && op.entityName === undefined) {
          throw badRequest('BAD_REQUEST', `Provided request body is invalid: ${kind}[${i}] has conditions but no entityName (conditions apply to entities)`);
        }
        const { space, entity } = spaceOf(op.entityName);
        const key = checkKey(op.key, space.store);
        const id = JSON.stringify([entity?.name ?? null, key]);
        if (seen.has(id)) throw badRequest('DUPLICATE_KEYS', `Each key can only be used once in a transaction: ${key}${entity ? ` (entity ${entity.name})` : ''}.`);
        seen.add(id);
        const conditions = entity ? parseFilterSet(op.conditions, entity, 'conditions') : undefined;
        const write = kind === 'set' ? prepareWrite(space, entity, key, op.value, optionalObject(op.options, 'options').ttl, now) : undefined;
        steps.push({ kind, space, key, ...(entity ? { entityName: entity.name } : {}), ...(conditions ? { conditions } : {}), ...(write ? { write } : {}) });
      }
    }

    store.atomically(() => {
      for (const step of steps) {
        if (!step.conditions) continue;
        const current = store.get(step.space, step.key, now);
        if (!filterSetHolds(step.conditions, current && (JSON.parse(current.value) as unknown))) {
          throw new KvsRequestError(
            409,
            'CONDITIONAL_CHECK_FAILED',
            `Transaction cancelled: the conditions of ${step.kind} on key "${step.key}" of entity "${step.entityName ?? ''}" are not met${current ? '' : ' (no such item)'}. Nothing was written.`,
            { operation: step.kind, key: step.key, entityName: step.entityName },
          );
        }
      }
      for (const step of steps) {
        if (step.write) applyWrite(step.write, now);
        else if (step.kind === 'delete') store.remove(step.space, step.key, now);
      }
    });
    return noContent();
  }

  // -- routes

  const value: Space = { store: 'value' };
  const secret: Space = { store: 'secret' };
  const routes: Record<string, (body: unknown, now: number) => Response> = {
    '/api/v1/get': (body, now) => get(value, asObject(body, 'body'), now),
    '/api/v1/set': (body, now) => set(value, undefined, asObject(body, 'body'), now),
    '/api/v1/delete': (body, now) => remove(value, asObject(body, 'body'), now),
    '/api/v1/query': (body, now) => queryValues(asObject(body, 'body'), now),
    '/api/v1/secret/get': (body, now) => get(secret, asObject(body, 'body'), now),
    '/api/v1/secret/set': (body, now) => set(secret, undefined, asObject(body, 'body'), now),
    '/api/v1/secret/delete': (body, now) => remove(secret, asObject(body, 'body'), now),
    '/api/v1/entity/get': (body, now) => entityCall((space, _entity, b, t) => get(space, b, t))(asObject(body, 'body'), now),
    '/api/v1/entity/set': (body, now) => entityCall((space, entity, b, t) => set(space, entity, b, t))(asObject(body, 'body'), now),
    '/api/v1/entity/delete': (body, now) => entityCall((space, _entity, b, t) => remove(space, b, t))(asObject(body, 'body'), now),
    '/api/v1/entity/query': (body, now) => queryEntity(asObject(body, 'body'), now),
    '/api/v1/batch/set': batchSet,
    '/api/v1/batch/get': batchGet,
    '/api/v1/batch/delete': batchDelete,
    '/api/v1/transaction': (body, now) => transaction(asObject(body, 'body'), now),
  };

  let lastPurge = Number.NEGATIVE_INFINITY;

  return async (request: PlatformRequest): Promise<Response | undefined> => {
    if (request.options.type !== 'kvs') return undefined;
    const traceId = request.invocation?.invocationId ?? randomUUID();
    try {
      const path = request.path.split('?')[0] ?? request.path;
      const route = routes[path];
      if (!route) throw new KvsRequestError(404, 'NOT_FOUND', `The Forge host's KVS has no endpoint ${path}.`);
      if (request.method !== 'POST') throw new KvsRequestError(405, 'METHOD_NOT_ALLOWED', `${path} takes POST, got ${request.method}.`);
      const now = Date.now();
      if (now - lastPurge > 60_000) {
        store.purgeExpired(now);
        lastPurge = now;
      }
      const response = route(parseBody(request.body), now);
      response.headers.set('x-trace-id', traceId);
      return response;
    } catch (error) {
      if (error instanceof KvsRequestError) return errorResponse(error, traceId);
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(new KvsRequestError(500, 'INTERNAL_SERVER_ERROR', `An internal server error has occurred in the Forge host's KVS: ${message}`), traceId);
    }
  };
}
