import type { KvsContext } from '../context';
import { badRequest, KvsRequestError } from '../errors';
import { checkKey, KVS_LIMITS } from '../limits';
import { asObject, itemBody, json, metadataFields, optionalObject, type Loose } from '../wire';

/**
 * `batchSet`, `batchGet`, `batchDelete`: up to 25 items, each answered on its own
 * (`successfulKeys` / `failedKeys`), all in one SQLite transaction.
 */

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

function batch(ctx: KvsContext, body: unknown, each: (item: Loose) => Loose): Response {
  const items = batchItems(body);
  const successfulKeys: Loose[] = [];
  const failedKeys: Loose[] = [];
  ctx.store.atomically(() => {
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

export const batchSet = (ctx: KvsContext, body: unknown, now: number): Response =>
  batch(ctx, body, (item) => {
    const { space, entity } = ctx.spaceOf(item.entityName);
    const options = optionalObject(item.options, 'options');
    const unsupported = Object.keys(options).filter((option) => option !== 'ttl');
    if (unsupported.length > 0) throw badRequest('BAD_REQUEST', `Provided request body is invalid: batch set options support only ttl, got ${unsupported.join(', ')}`);
    ctx.applyWrite(ctx.prepareWrite(space, entity, item.key, item.value, options.ttl, now), now);
    return {};
  });

export const batchGet = (ctx: KvsContext, body: unknown, now: number): Response =>
  batch(ctx, body, (item) => {
    const { space } = ctx.spaceOf(item.entityName);
    const fields = metadataFields(optionalObject(item.options, 'options').metadataFields);
    const found = ctx.store.get(space, checkKey(item.key, space.store), now);
    if (!found) throw new KvsRequestError(404, 'KEY_NOT_FOUND', 'Key does not exist');
    return itemBody(found, fields);
  });

export const batchDelete = (ctx: KvsContext, body: unknown, now: number): Response =>
  batch(ctx, body, (item) => {
    const { space } = ctx.spaceOf(item.entityName);
    if (!ctx.store.remove(space, checkKey(item.key, space.store), now)) throw new KvsRequestError(404, 'KEY_NOT_FOUND', 'Key does not exist');
    return {};
  });

