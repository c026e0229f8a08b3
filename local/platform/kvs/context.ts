import { checkEntityValue, compileEntities, requireEntity, type EntityDeclaration, type EntityModel } from './entities';
import { checkKey, expiryFromTtl, serializeValue } from './limits';
import { type KvsStore, type Space, type StoredItem } from './store';

/** A validated write, ready to apply. */
export interface Write {
  readonly space: Space;
  readonly key: string;
  readonly json: string;
  readonly expiresAt: number | null;
}

/**
 * What every KVS operation shares: the store, the manifest's entities, and the one way to
 * validate and apply a write (so sets, batches and transactions enforce the same limits).
 */
export interface KvsContext {
  readonly store: KvsStore;
  readonly entities: ReadonlyMap<string, EntityModel>;
  /** `entityName` absent: plain values; otherwise the declared entity (or a Forge error). */
  spaceOf(entityName: unknown): { space: Space; entity?: EntityModel };
  prepareWrite(space: Space, entity: EntityModel | undefined, rawKey: unknown, value: unknown, ttl: unknown, now: number): Write;
  /** Applies a validated write (a live item keeps its creation time); answers the item as stored. */
  applyWrite(write: Write, now: number): StoredItem;
  /** How long a query cursor stays valid (virtual ms). */
  readonly cursorTtlMs: number;
}

export function createKvsContext(store: KvsStore, declarations: readonly EntityDeclaration[] | readonly unknown[], options: { cursorTtlMs?: number } = {}): KvsContext {
  const entities = compileEntities(declarations);
  return {
    store,
    cursorTtlMs: options.cursorTtlMs ?? Number.POSITIVE_INFINITY,
    entities,
    spaceOf(entityName) {
      if (entityName === undefined || entityName === null) return { space: { store: 'value' } };
      const entity = requireEntity(entities, entityName);
      return { space: { store: 'entity', entity: entity.name }, entity };
    },
    prepareWrite(space, entity, rawKey, value, ttl, now) {
      const key = checkKey(rawKey, space.store);
      if (entity) checkEntityValue(entity, value);
      const serialized = serializeValue(value, space.store === 'secret' ? 'secret' : 'value');
      return { space, key, json: serialized, expiresAt: expiryFromTtl(ttl, now) };
    },
    applyWrite(write, now) {
      return store.write(write.space, write.key, write.json, write.expiresAt, now);
    },
  };
}
