import type { KvsContext } from '../context';
import type { EntityModel } from '../entities';
import { badRequest, keyNotFound, KvsRequestError } from '../errors';
import { checkKey } from '../limits';
import type { Space } from '../store';
import { itemBody, json, metadataFields, noContent, optionalObject, type Loose } from '../wire';

/** `get`, `set` and `delete` of one item: plain values, secrets and entities alike. */

export function getItem(ctx: KvsContext, space: Space, body: Loose, now: number): Response {
  const key = checkKey(body.key, space.store);
  const fields = metadataFields(optionalObject(body.options, 'options').metadataFields);
  const item = ctx.store.get(space, key, now);
  if (!item) throw keyNotFound();
  return json(itemBody(item, fields));
}

export function setItem(ctx: KvsContext, space: Space, entity: EntityModel | undefined, body: Loose, now: number): Response {
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
  const write = ctx.prepareWrite(space, entity, body.key, body.value, options.ttl, now);
  const { previous, latest } = ctx.store.atomically(() => {
    const previous = keyPolicy === 'FAIL_IF_EXISTS' || returnValue === 'PREVIOUS' ? ctx.store.get(space, write.key, now) : undefined;
    if (keyPolicy === 'FAIL_IF_EXISTS' && previous) {
      throw new KvsRequestError(409, 'KEY_CONFLICT', `The key "${write.key}" already exists (keyPolicy FAIL_IF_EXISTS).`, { key: write.key });
    }
    return { previous, latest: ctx.applyWrite(write, now) };
  });
  if (returnValue === 'LATEST') return json(itemBody(latest, fields));
  if (returnValue === 'PREVIOUS') return previous ? json(itemBody(previous, fields)) : noContent();
  return noContent();
}

export function deleteItem(ctx: KvsContext, space: Space, body: Loose, now: number): Response {
  const key = checkKey(body.key, space.store);
  if (!ctx.store.remove(space, key, now)) throw keyNotFound();
  return noContent();
}
