import { isDeepStrictEqual } from 'node:util';
import { badRequest } from './errors';
import type { EntityModel } from './entities';

export const FILTER_CONDITIONS = [
  'BEGINS_WITH',
  'BETWEEN',
  'CONTAINS',
  'NOT_CONTAINS',
  'EQUAL_TO',
  'NOT_EQUAL_TO',
  'EXISTS',
  'NOT_EXISTS',
  'GREATER_THAN',
  'GREATER_THAN_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_EQUAL_TO',
] as const;
export type FilterCondition = (typeof FILTER_CONDITIONS)[number];

export const RANGE_CONDITIONS = ['BEGINS_WITH', 'BETWEEN', 'EQUAL_TO', 'GREATER_THAN', 'GREATER_THAN_EQUAL_TO', 'LESS_THAN', 'LESS_THAN_EQUAL_TO'] as const;
export type RangeCondition = (typeof RANGE_CONDITIONS)[number];

export interface FilterItem {
  readonly property: string;
  readonly condition: FilterCondition;
  readonly values: readonly unknown[];
}

export interface FilterSet {
  readonly operator: 'and' | 'or';
  readonly items: readonly FilterItem[];
}

type Loose = Record<string, unknown>;

/** How many values each condition takes (EXISTS / NOT_EXISTS carry a `true` marker). */
export function checkConditionValues(condition: string, values: unknown): readonly unknown[] {
  if (!Array.isArray(values)) throw badRequest('INVALID_FILTER_VALUES', `Condition ${condition} needs a values array.`);
  if (condition === 'BETWEEN') {
    if (values.length < 2) throw badRequest('INSUFFICIENT_FILTER_VALUES', 'The specified condition needs at least two values.');
    if (values.length > 2) throw badRequest('INVALID_FILTER_VALUES', 'BETWEEN takes exactly two values.');
  } else if (values.length !== 1) {
    throw badRequest('INVALID_FILTER_VALUES', `The specified number of values (${values.length}) is not supported by condition ${condition}.`);
  }
  for (const value of values) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw badRequest('INVALID_FILTER_VALUES', `Condition ${condition} values must be strings, numbers or booleans, got ${JSON.stringify(value)}.`);
    }
  }
  return values;
}

/**
 * Parses `{ and: [...] }` / `{ or: [...] }` (query filters and transaction conditions) against
 * the entity's declared attributes.
 */
export function parseFilterSet(raw: unknown, entity: EntityModel, what: string): FilterSet | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('BAD_REQUEST', `Provided request body is invalid: ${what} must be an object`);
  const { and, or } = raw as Loose;
  if (and !== undefined && or !== undefined) {
    throw badRequest('INVALID_FILTER_OPERATORS_COMBINATION', 'Filter operators "and" and "or" cannot be present at the same level.');
  }
  const operator = and !== undefined ? 'and' : 'or';
  const list = and ?? or;
  if (!Array.isArray(list) || list.length === 0) throw badRequest('EMPTY_FILTER_OPERATOR', 'Filter operators "and" and "or" cannot be empty.');
  const items = list.map((item: unknown): FilterItem => {
    const { property, condition, values } = (item ?? {}) as Loose;
    if (typeof property !== 'string' || !entity.attributes.has(property)) {
      throw badRequest('INVALID_FILTER_ATTRIBUTE', `The ${what} name an attribute "${String(property)}", which is not declared for entity "${entity.name}" in manifest.yml.`);
    }
    if (typeof condition !== 'string' || !(FILTER_CONDITIONS as readonly string[]).includes(condition)) {
      throw badRequest('INVALID_FILTER_CONDITION', `The specified condition ${JSON.stringify(condition)} is not supported for filters.`);
    }
    return { property, condition: condition as FilterCondition, values: checkConditionValues(condition, values) };
  });
  return { operator, items };
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
  if (Array.isArray(actual)) return actual.some((element) => isDeepStrictEqual(element, expected));
  return false;
}

/** One condition against one attribute value (`undefined` when the attribute is absent). */
export function conditionHolds(condition: FilterCondition, actual: unknown, values: readonly unknown[]): boolean {
  const [first, second] = values;
  const present = actual !== undefined;
  switch (condition) {
    case 'EXISTS':
      return present;
    case 'NOT_EXISTS':
      return !present;
    case 'EQUAL_TO':
      return present && isDeepStrictEqual(actual, first);
    case 'NOT_EQUAL_TO':
      return !(present && isDeepStrictEqual(actual, first));
    case 'BEGINS_WITH':
      return typeof actual === 'string' && actual.startsWith(String(first));
    case 'CONTAINS':
      return contains(actual, first);
    case 'NOT_CONTAINS':
      return !contains(actual, first);
    case 'GREATER_THAN':
      return ((present ? compare(actual, first) : undefined) ?? -1) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return ((present ? compare(actual, first) : undefined) ?? -1) >= 0;
    case 'LESS_THAN':
      return ((present ? compare(actual, first) : undefined) ?? 1) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return ((present ? compare(actual, first) : undefined) ?? 1) <= 0;
    case 'BETWEEN': {
      const low = compare(actual, first);
      const high = compare(actual, second);
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
  }
}

/** Whether an entity value (undefined: no stored value) satisfies the filter set. */
export function filterSetHolds(filters: FilterSet, value: unknown): boolean {
  const record = value !== null && typeof value === 'object' ? (value as Loose) : {};
  const holds = (item: FilterItem): boolean =>
    conditionHolds(item.condition, Object.prototype.hasOwnProperty.call(record, item.property) ? record[item.property] : undefined, item.values);
  return filters.operator === 'and' ? filters.items.every(holds) : filters.items.some(holds);
}
