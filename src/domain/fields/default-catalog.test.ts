import { buildDefaultCatalog } from './default-catalog';
import { fieldDefinitionSchema, type FieldDefinition } from './field-definition';

function catalogFromCounters(firstFieldId = 10000, firstOptionId = 1): { fields: FieldDefinition[]; fieldIds: number[]; optionIds: number[] } {
  const fieldIds: number[] = [];
  const optionIds: number[] = [];
  let nextField = firstFieldId;
  let nextOption = firstOptionId;
  const fields = buildDefaultCatalog({
    nextFieldId: () => {
      fieldIds.push(nextField);
      return nextField++;
    },
    nextOptionId: () => {
      optionIds.push(nextOption);
      return nextOption++;
    },
  });
  return { fields, fieldIds, optionIds };
}

const byName = (fields: FieldDefinition[], name: string): FieldDefinition | undefined => fields.find((f) => f.name === name);
const optionsOf = (fields: FieldDefinition[], name: string) => byName(fields, name)?.options?.map((o) => [o.name, o.colour]);

describe('buildDefaultCatalog', () => {
  it('seeds the fields of DESIGN.md section 4, in order', () => {
    expect(catalogFromCounters().fields.map((f) => [f.name, f.type])).toEqual([
      ['Status', 'status'],
      ['Priority', 'priority'],
      ['Start date', 'date'],
      ['End date', 'date'],
      ['Budget', 'number'],
      ['Owner', 'user'],
      ['Stakeholders', 'multiuser'],
      ['Tags', 'multilist'],
      ['Summary', 'textarea'],
    ]);
  });

  it.each(catalogFromCounters().fields.map((f) => [f.name, f] as const))('seeds a valid definition of %s', (_name, field) => {
    expect(fieldDefinitionSchema.safeParse(field).success).toBe(true);
  });

  it('gives Status the default statuses with their colours', () => {
    expect(optionsOf(catalogFromCounters().fields, 'Status')).toEqual([
      ['On track', 'green'],
      ['At risk', 'yellow'],
      ['Off track', 'red'],
      ['Done', 'blue'],
    ]);
  });

  it('gives Priority five levels from Highest to Lowest', () => {
    expect(optionsOf(catalogFromCounters().fields, 'Priority')?.map(([name]) => name)).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
  });

  it('gives Tags a few options', () => {
    expect(optionsOf(catalogFromCounters().fields, 'Tags')?.length).toBeGreaterThanOrEqual(3);
  });

  it('renders Budget with 3 decimals', () => {
    expect(byName(catalogFromCounters().fields, 'Budget')?.decimals).toBe(3);
  });

  it('enables every option', () => {
    const options = catalogFromCounters().fields.flatMap((f) => f.options ?? []);
    expect(options.filter((o) => !o.enabled)).toEqual([]);
  });

  it('takes every field id and option id from the counters, each once', () => {
    const { fields, fieldIds, optionIds } = catalogFromCounters(500, 70);
    expect(fields.map((f) => f.id)).toEqual(fieldIds);
    expect(fields.flatMap((f) => (f.options ?? []).map((o) => o.id))).toEqual(optionIds);
    expect(new Set(optionIds).size).toBe(optionIds.length);
  });

  it('draws each field\'s id before its options\' ids, so the same counters give the same catalog', () => {
    const [status] = catalogFromCounters(10000, 1).fields;
    expect([status?.id, status?.options?.map((o) => o.id)]).toEqual([10000, [1, 2, 3, 4]]);
    expect(catalogFromCounters(10000, 1).fields).toEqual(catalogFromCounters(10000, 1).fields);
  });
});
