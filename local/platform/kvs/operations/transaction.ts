import { filterSetHolds, parseFilterSet, type FilterSet } from '../conditions';
import type { KvsContext, Write } from '../context';
import { badRequest, KvsRequestError } from '../errors';
import { checkKey, KVS_LIMITS } from '../limits';
import type { Space } from '../store';
import { asObject, noContent, optionalObject, type Loose } from '../wire';

/** `kvs.transact()`: up to 25 sets, deletes and condition checks, all or nothing. */

interface TransactionStep {
  readonly kind: 'set' | 'delete' | 'check';
  readonly space: Space;
  readonly key: string;
  readonly entityName?: string;
  readonly conditions?: FilterSet;
  readonly write?: Write;
}

export function transaction(ctx: KvsContext, body: Loose, now: number): Response {
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
      const { space, entity } = ctx.spaceOf(op.entityName);
      const key = checkKey(op.key, space.store);
      const id = JSON.stringify([entity?.name ?? null, key]);
      if (seen.has(id)) throw badRequest('DUPLICATE_KEYS', `Each key can only be used once in a transaction: ${key}${entity ? ` (entity ${entity.name})` : ''}.`);
      seen.add(id);
      const conditions = entity ? parseFilterSet(op.conditions, entity, 'conditions') : undefined;
      const write = kind === 'set' ? ctx.prepareWrite(space, entity, key, op.value, optionalObject(op.options, 'options').ttl, now) : undefined;
      steps.push({ kind, space, key, ...(entity ? { entityName: entity.name } : {}), ...(conditions ? { conditions } : {}), ...(write ? { write } : {}) });
    }
  }

  ctx.store.atomically(() => {
    for (const step of steps) {
      if (!step.conditions) continue;
      const current = ctx.store.get(step.space, step.key, now);
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
      if (step.write) ctx.applyWrite(step.write, now);
      else if (step.kind === 'delete') ctx.store.remove(step.space, step.key, now);
    }
  });
  return noContent();
}

