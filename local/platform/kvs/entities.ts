import { parse } from 'yaml';
import { z } from 'zod';
import { badRequest } from './errors';

/** Attribute types of the Custom Entity Store. */
export const ATTRIBUTE_TYPES = ['string', 'integer', 'float', 'boolean', 'any'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface EntityIndexDeclaration {
  readonly name: string;
  readonly partition?: readonly string[];
  readonly range: readonly string[];
}

/** One entry of `app.storage.entities` in `manifest.yml`, as written there. */
export interface EntityDeclaration {
  readonly name: string;
  readonly attributes: Readonly<Record<string, { readonly type: AttributeType }>>;
  /** `- attr` is an index named `attr` on range `attr`; `- {name, partition?, range}` a named one. */
  readonly indexes?: readonly (string | EntityIndexDeclaration)[];
}

const ATTRIBUTE_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const ENTITY_NAME = /^(?![.-])(?!.*\.{2})[a-z0-9:\-._]{3,60}(?<![.])$/;

const declarationSchema = z.object({
  name: z.string().regex(ENTITY_NAME, 'entity names are 3..60 characters of a-z0-9:-._'),
  attributes: z.record(z.string().regex(ATTRIBUTE_NAME, 'attribute names match [_A-Za-z][_0-9A-Za-z]* (<= 64)'), z.object({ type: z.enum(ATTRIBUTE_TYPES) })),
  indexes: z
    .array(
      z.union([
        z.string(),
        z.object({
          name: z.string().regex(/^[A-Za-z0-9:\-._]+$/, 'index names use A-Za-z0-9:-._'),
          partition: z.array(z.string()).min(1).optional(),
          range: z.array(z.string()).length(1),
        }),
      ]),
    )
    .optional(),
});

/** The built-in index of every entity: no partition, ordered by key. */
export const BY_KEY_INDEX = 'by-key';

export interface IndexAttribute {
  readonly name: string;
  readonly type: Exclude<AttributeType, 'any'>;
}

export interface IndexModel {
  readonly name: string;
  readonly partition: readonly IndexAttribute[];
  /** The range attribute; `null` orders by the entity key (the built-in `by-key` index). */
  readonly range: IndexAttribute | null;
}

export interface EntityModel {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, AttributeType>;
  readonly indexes: ReadonlyMap<string, IndexModel>;
}

/** Checks the declarations as Forge's manifest validation would, and builds what queries need. */
export function compileEntities(declarations: readonly unknown[]): ReadonlyMap<string, EntityModel> {
  const models = new Map<string, EntityModel>();
  declarations.forEach((raw, position) => {
    const parsed = declarationSchema.safeParse(raw);
    if (!parsed.success) {
      const where = typeof (raw as { name?: unknown })?.name === 'string' ? `entity ${(raw as { name: string }).name}` : `entities[${position}]`;
      throw new Error(`manifest.yml app.storage.${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const declaration = parsed.data;
    if (models.has(declaration.name)) throw new Error(`manifest.yml app.storage.entities: entity ${declaration.name} is declared twice`);
    const attributes = new Map(Object.entries(declaration.attributes).map(([name, { type }]) => [name, type] as const));
    const indexAttribute = (name: string, index: string): IndexAttribute => {
      const type = attributes.get(name);
      if (!type) throw new Error(`manifest.yml entity ${declaration.name} index ${index}: attribute ${name} is not declared`);
      if (type === 'any') throw new Error(`manifest.yml entity ${declaration.name} index ${index}: attribute ${name} of type any cannot be indexed`);
      return { name, type };
    };
    const indexes = new Map<string, IndexModel>();
    for (const entry of declaration.indexes ?? []) {
      const index: IndexModel =
        typeof entry === 'string'
          ? { name: entry, partition: [], range: indexAttribute(entry, entry) }
          : {
              name: entry.name,
              partition: (entry.partition ?? []).map((name) => indexAttribute(name, entry.name)),
              range: indexAttribute(entry.range[0] as string, entry.name),
            };
      if (index.name === BY_KEY_INDEX) throw new Error(`manifest.yml entity ${declaration.name}: index name ${BY_KEY_INDEX} is reserved`);
      if (indexes.has(index.name)) throw new Error(`manifest.yml entity ${declaration.name}: index ${index.name} is declared twice`);
      indexes.set(index.name, index);
    }
    indexes.set(BY_KEY_INDEX, { name: BY_KEY_INDEX, partition: [], range: null });
    models.set(declaration.name, { name: declaration.name, attributes, indexes });
  });
  return models;
}

/** The `app.storage.entities` of a `manifest.yml`, checked. */
export function loadEntityDeclarations(manifestYamlText: string): EntityDeclaration[] {
  const doc = (parse(manifestYamlText) ?? {}) as { app?: { storage?: { entities?: unknown } } };
  const entities = doc.app?.storage?.entities ?? [];
  if (!Array.isArray(entities)) throw new Error('manifest.yml: app.storage.entities must be a list');
  compileEntities(entities);
  return entities as EntityDeclaration[];
}

export function requireEntity(entities: ReadonlyMap<string, EntityModel>, name: unknown): EntityModel {
  if (typeof name !== 'string' || name === '') throw badRequest('BAD_REQUEST', 'Provided request body is invalid: entityName must be a non-empty string');
  const entity = entities.get(name);
  if (!entity) {
    throw badRequest('INVALID_ENTITY_TYPE', `Entity "${name}" is not declared in manifest.yml (app.storage.entities).`, {
      declaredEntities: [...entities.keys()],
    });
  }
  return entity;
}

export function requireIndex(entity: EntityModel, name: unknown): IndexModel {
  const index = typeof name === 'string' ? entity.indexes.get(name) : undefined;
  if (!index) {
    throw badRequest('INVALID_ENTITY_INDEX', `Index "${String(name)}" is not declared for entity "${entity.name}" in manifest.yml.`, {
      declaredIndexes: [...entity.indexes.keys()],
    });
  }
  return index;
}

export function valueHasType(value: unknown, type: AttributeType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      // Entity integers are 32-bit on Forge: epoch milliseconds need `float`.
      return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'any':
      return true;
  }
}

/** An entity value is an object whose attributes are all declared, each of its declared type. */
export function checkEntityValue(entity: EntityModel, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('INVALID_ENTITY_VALUE', `A value of entity "${entity.name}" must be an object of its attributes.`);
  }
  for (const [attribute, attributeValue] of Object.entries(value)) {
    const type = entity.attributes.get(attribute);
    if (!type) {
      throw badRequest('INVALID_ENTITY_VALUE', `Attribute "${attribute}" is not declared for entity "${entity.name}" in manifest.yml.`, { attribute });
    }
    if (!valueHasType(attributeValue, type)) {
      throw badRequest('INVALID_ENTITY_VALUE', `Attribute "${attribute}" of entity "${entity.name}" must be of type ${type}, got ${JSON.stringify(attributeValue)}.`, {
        attribute,
        type,
      });
    }
  }
}
