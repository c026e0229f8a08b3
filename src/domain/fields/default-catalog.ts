import type { FieldDefinition, FieldOption, NamedOptionColour } from './field-definition';

/** Where new ids come from: the catalog's counters, so ids stay unique per site and are never reused. */
export interface CatalogIdSource {
  nextFieldId(): number;
  nextOptionId(): number;
}

type OptionSeed = readonly [name: string, colour: NamedOptionColour];

const STATUS_OPTIONS: readonly OptionSeed[] = [
  ['On track', 'green'],
  ['At risk', 'yellow'],
  ['Off track', 'red'],
  ['Done', 'blue'],
];

const PRIORITY_OPTIONS: readonly OptionSeed[] = [
  ['Highest', 'red'],
  ['High', 'orange'],
  ['Medium', 'yellow'],
  ['Low', 'blue'],
  ['Lowest', 'grey'],
];

const TAG_OPTIONS: readonly OptionSeed[] = [
  ['Strategic', 'purple'],
  ['Customer', 'teal'],
  ['Internal', 'grey'],
  ['Compliance', 'orange'],
];

/**
 * The fields install seeds (DESIGN.md section 4), in this order. Ids are drawn in order of
 * appearance (each field's id before its options' ids), so the same counters give the same catalog.
 */
export function buildDefaultCatalog(ids: CatalogIdSource): FieldDefinition[] {
  const options = (seeds: readonly OptionSeed[]): FieldOption[] =>
    seeds.map(([name, colour]) => ({ id: ids.nextOptionId(), name, colour, enabled: true }));
  const field = (definition: Omit<FieldDefinition, 'id'>, optionSeeds?: readonly OptionSeed[]): FieldDefinition => {
    const id = ids.nextFieldId();
    return { id, ...definition, ...(optionSeeds ? { options: options(optionSeeds) } : {}) };
  };
  return [
    field({ name: 'Status', type: 'status', description: 'How the project is doing.' }, STATUS_OPTIONS),
    field({ name: 'Priority', type: 'priority', description: 'How much the project matters now.' }, PRIORITY_OPTIONS),
    field({ name: 'Start date', type: 'date' }),
    field({ name: 'End date', type: 'date' }),
    field({ name: 'Budget', type: 'number', decimals: 3 }),
    field({ name: 'Owner', type: 'user', description: 'Who answers for the project.' }),
    field({ name: 'Stakeholders', type: 'multiuser' }),
    field({ name: 'Tags', type: 'multilist' }, TAG_OPTIONS),
    field({ name: 'Summary', type: 'textarea', description: 'Goals, scope and latest news.' }),
  ];
}
