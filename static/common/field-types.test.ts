import { describe, expect, it } from '@jest/globals';
import { FIELD_TYPES } from '../../src/shared/field-types';
import { fieldsThatSend } from './field-types';

describe('fieldsThatSend', () => {
  it('offers every type whose changes are sent, never formulas nor automatic fields', () => {
    const fields = FIELD_TYPES.map((type, i) => ({ id: i + 1, type }));
    expect(fieldsThatSend(fields).map((f) => f.type)).toEqual(FIELD_TYPES.filter((t) => !['formula', 'updated', 'created', 'creator'].includes(t)));
  });
});
