import { FIELD_TYPES, NAMED_OPTION_COLOURS, fieldDefinitionSchema, isOptionFieldType, type FieldType } from './field-definition';

const option = (id: number, name: string, overrides: Record<string, unknown> = {}) => ({ id, name, colour: 'green', enabled: true, ...overrides });

function issuesOf(candidate: unknown): { path: string; message: string }[] {
  const parsed = fieldDefinitionSchema.safeParse(candidate);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('field types', () => {
  it('are the type ids of the payload: the eleven stored types, related projects, formulas and the automatic fields', () => {
    expect(FIELD_TYPES).toEqual(['text', 'textarea', 'number', 'date', 'duration', 'list', 'multilist', 'status', 'priority', 'user', 'multiuser', 'project', 'multiproject', 'formula', 'updated', 'created', 'creator']);
  });

  it.each<[FieldType, boolean]>([
    ['list', true],
    ['multilist', true],
    ['status', true],
    ['priority', true],
    ['text', false],
    ['number', false],
    ['user', false],
    ['multiuser', false],
  ])('%s has options: %s', (type, expected) => {
    expect(isOptionFieldType(type)).toBe(expected);
  });
});

describe('fieldDefinitionSchema accepts', () => {
  it.each(FIELD_TYPES.filter((type) => type !== 'formula'))('a minimal %s field', (type) => {
    expect(issuesOf({ id: 1, name: 'Field', type })).toEqual([]);
  });

  it('a formula field with its expression, decimals, prefix and suffix', () => {
    expect(issuesOf({ id: 1, name: 'Margin', type: 'formula', expression: '{Budget} - {Cost}', decimals: 2, prefix: '€', suffix: 'k' })).toEqual([]);
  });

  it('a number field with a prefix and a suffix', () => {
    expect(issuesOf({ id: 1, name: 'Budget', type: 'number', decimals: 2, prefix: '$', suffix: 'USD' })).toEqual([]);
  });

  it('options with value ids apart from their names', () => {
    expect(issuesOf({ id: 1, name: 'Region', type: 'list', options: [option(1, 'Europe', { valueId: 'EU' }), option(2, 'Americas', { valueId: 'AM' }), option(3, 'Asia')] })).toEqual([]);
  });

  it('a catalog record written before value ids, affixes and formulas (options without valueId)', () => {
    expect(issuesOf({ id: 10000, name: 'Status', type: 'status', options: [{ id: 1, name: 'On track', colour: 'green', enabled: true }] })).toEqual([]);
  });

  it.each(['list', 'multilist', 'status', 'priority'] as const)('a %s field with options', (type) => {
    expect(issuesOf({ id: 1, name: 'Field', type, options: [option(1, 'A'), option(2, 'B', { enabled: false })] })).toEqual([]);
  });

  it.each([0, 3, 6])('a number field with %i decimals', (decimals) => {
    expect(issuesOf({ id: 1, name: 'Budget', type: 'number', decimals })).toEqual([]);
  });

  it.each([...NAMED_OPTION_COLOURS, '#1f845a', '#AE2E24'])('option colour %s', (colour) => {
    expect(issuesOf({ id: 1, name: 'Status', type: 'status', options: [option(1, 'Done', { colour })] })).toEqual([]);
  });

  it('a description', () => {
    expect(issuesOf({ id: 1, name: 'Owner', type: 'user', description: 'Who answers for it' })).toEqual([]);
  });
});

describe('fieldDefinitionSchema normalises', () => {
  it('trims the field name, the option names and the description', () => {
    const parsed = fieldDefinitionSchema.parse({ id: 1, name: '  Status ', type: 'status', description: ' How it goes ', options: [option(1, ' Done ')] });
    expect([parsed.name, parsed.description, parsed.options?.[0]?.name]).toEqual(['Status', 'How it goes', 'Done']);
  });
});

describe('fieldDefinitionSchema rejects new settings where they do not belong', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['a formula without expression', { id: 1, name: 'F', type: 'formula' }, 'expression', /needs an expression/],
    ['an expression on a number field', { id: 1, name: 'F', type: 'number', expression: '1' }, 'expression', /only formula fields/],
    ['a prefix on a text field', { id: 1, name: 'F', type: 'text', prefix: '$' }, 'prefix', /only number and formula fields/],
    ['a suffix longer than 10 characters', { id: 1, name: 'F', type: 'number', suffix: 'x'.repeat(11) }, 'suffix', /10/],
    ['a value id used twice', { id: 1, name: 'F', type: 'list', options: [option(1, 'A', { valueId: 'x' }), option(2, 'B', { valueId: 'X' })] }, 'options.1.valueId', /used twice/],
    ['a value id that is another option\'s name', { id: 1, name: 'F', type: 'list', options: [option(1, 'A', { valueId: 'B' }), option(2, 'B')] }, 'options.0.valueId', /is the name of option "B"/],
    ['a value id with spaces', { id: 1, name: 'F', type: 'list', options: [option(1, 'A', { valueId: 'a b' })] }, 'options.0.valueId', /letters, digits/],
  ])('%s', (_label, candidate, path, message) => {
    const issues = issuesOf(candidate);
    expect(issues.map((i) => i.path)).toContain(path);
    expect(issues.find((i) => i.path === path)?.message).toMatch(message);
  });
});

describe('fieldDefinitionSchema rejects', () => {
  it.each<[string, unknown, string]>([
    ['an id of 0', { id: 0, name: 'F', type: 'text' }, 'id'],
    ['a fractional id', { id: 1.5, name: 'F', type: 'text' }, 'id'],
    ['an id given as text', { id: '1', name: 'F', type: 'text' }, 'id'],
    ['an empty name', { id: 1, name: '', type: 'text' }, 'name'],
    ['a blank name', { id: 1, name: '   ', type: 'text' }, 'name'],
    ['a name over 80 characters', { id: 1, name: 'n'.repeat(81), type: 'text' }, 'name'],
    ['an unknown type', { id: 1, name: 'F', type: 'checkbox' }, 'type'],
    ['options on a text field', { id: 1, name: 'F', type: 'text', options: [option(1, 'A')] }, 'options'],
    ['even empty options on a date field', { id: 1, name: 'F', type: 'date', options: [] }, 'options'],
    ['decimals on a date field', { id: 1, name: 'F', type: 'date', decimals: 2 }, 'decimals'],
    ['7 decimals', { id: 1, name: 'F', type: 'number', decimals: 7 }, 'decimals'],
    ['negative decimals', { id: 1, name: 'F', type: 'number', decimals: -1 }, 'decimals'],
    ['fractional decimals', { id: 1, name: 'F', type: 'number', decimals: 1.5 }, 'decimals'],
    ['a repeated option id', { id: 1, name: 'F', type: 'list', options: [option(7, 'A'), option(7, 'B')] }, 'options.1.id'],
    ['a repeated option name', { id: 1, name: 'F', type: 'list', options: [option(1, 'Done'), option(2, 'Done')] }, 'options.1.name'],
    ['option names differing only in case', { id: 1, name: 'F', type: 'list', options: [option(1, 'Done'), option(2, 'DONE')] }, 'options.1.name'],
    ['a blank option name', { id: 1, name: 'F', type: 'list', options: [option(1, ' ')] }, 'options.0.name'],
    ['an option id of 0', { id: 1, name: 'F', type: 'list', options: [option(0, 'A')] }, 'options.0.id'],
    ['an unknown colour name', { id: 1, name: 'F', type: 'list', options: [option(1, 'A', { colour: 'pink' })] }, 'options.0.colour'],
    ['a short hex colour', { id: 1, name: 'F', type: 'list', options: [option(1, 'A', { colour: '#fff' })] }, 'options.0.colour'],
    ['an option without enabled', { id: 1, name: 'F', type: 'list', options: [{ id: 1, name: 'A', colour: 'green' }] }, 'options.0.enabled'],
    ['an option key spelt "color"', { id: 1, name: 'F', type: 'list', options: [{ ...option(1, 'A'), color: 'red' }] }, 'options.0'],
    ['an unknown key', { id: 1, name: 'F', type: 'number', decimal: 2 }, ''],
    ['the name __proto__', { id: 1, name: '__proto__', type: 'text' }, 'name'],
    ['the name constructor', { id: 1, name: 'constructor', type: 'text' }, 'name'],
    ['a name with a NUL', { id: 1, name: 'F\u0000', type: 'text' }, 'name'],
    ['a name with a lone surrogate', { id: 1, name: 'F\ud800', type: 'text' }, 'name'],
    ['an option name with an escape', { id: 1, name: 'F', type: 'list', options: [option(1, 'A\u001b')] }, 'options.0.name'],
    ['a description with a bell', { id: 1, name: 'F', type: 'text', description: 'ding\u0007' }, 'description'],
  ])('%s', (_case, candidate, path) => {
    expect(issuesOf(candidate).map((i) => i.path)).toContain(path);
  });

  it('says which colours are allowed', () => {
    const [issue] = issuesOf({ id: 1, name: 'F', type: 'list', options: [option(1, 'A', { colour: 'pink' })] });
    expect(issue?.message).toBe('colour must be one of grey, blue, teal, green, yellow, orange, red, purple or a hex colour such as #1f845a');
  });
});
