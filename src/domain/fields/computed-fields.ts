import {
  evaluateFormula,
  formatFormulaValue,
  formulaKind,
  formulaReferences,
  formulaValueOf,
  formulaValueOfText,
  parseFormula,
  type FormulaKind,
  type FormulaNode,
  type FormulaValue,
} from '../../shared/field-formula';
import { decimalsOf, type FieldDefinition } from './field-definition';
import type { StoredValue } from './field-values';

/**
 * Fields whose values the app works out on every read instead of storing them: formula fields
 * (from other fields of the project) and the automatic fields Updated, Created date and Creator.
 * Their values are never stored, never set by a save, and never part of a webhook: the change
 * diff only sees stored values.
 */

export interface FormulaProblem {
  readonly fieldId: number;
  readonly fieldName: string;
  readonly message: string;
}

/** How a formula finds the field it names: by name, ignoring case and surrounding spaces. */
export const fieldByName = (fields: readonly FieldDefinition[]) => {
  const map = new Map(fields.map((f) => [f.name.trim().toLowerCase(), f]));
  return (name: string) => map.get(name.trim().toLowerCase());
};

interface Resolved {
  readonly node: FormulaNode;
  readonly kind: FormulaKind;
}

/**
 * Every formula of the catalog checked: its syntax, the fields it names (they exist and are
 * number, date, duration or formula fields), the kinds it combines, and no formula depending on
 * itself through others. Answers each formula's tree and result kind, or the first problem,
 * naming the formula field.
 */
export function resolveFormulas(fields: readonly FieldDefinition[]): { ok: true; formulas: ReadonlyMap<number, Resolved> } | { ok: false; problem: FormulaProblem } {
  const lookup = fieldByName(fields);
  const resolved = new Map<number, Resolved>();
  class Problem extends Error {
    constructor(readonly problem: FormulaProblem) {
      super(problem.message);
    }
  }
  const fail = (field: FieldDefinition, message: string): never => {
    throw new Problem({ fieldId: field.id, fieldName: field.name, message: `Formula ${field.name}: ${message}` });
  };
  const resolve = (field: FieldDefinition, path: readonly FieldDefinition[]): Resolved => {
    const known = resolved.get(field.id);
    if (known) return known;
    if (path.includes(field)) {
      const cycle = [...path.slice(path.indexOf(field)), field].map((f) => f.name).join(' → ');
      const first = path[path.indexOf(field)] ?? field;
      return fail(first, `it depends on itself (${cycle}); a formula cannot use its own result`);
    }
    const parsed = parseFormula(field.expression ?? '');
    if (!parsed.ok) return fail(field, parsed.message);
    // Referenced formulas first, so their kinds are known (and cycles found) before this one is checked.
    for (const name of formulaReferences(parsed.value)) {
      const target = lookup(name);
      if (target?.type === 'formula') resolve(target, [...path, field]);
    }
    const kind = formulaKind(parsed.value, (name) => {
      const target = lookup(name);
      if (!target) return undefined;
      const targetKind = target.type === 'formula' ? resolved.get(target.id)?.kind : undefined;
      return { name: target.name, type: target.type, ...(targetKind ? { kind: targetKind } : {}) };
    });
    if (!kind.ok) return fail(field, kind.message);
    const result = { node: parsed.value, kind: kind.value };
    resolved.set(field.id, result);
    return result;
  };
  try {
    for (const field of fields) if (field.type === 'formula') resolve(field, []);
    return { ok: true, formulas: resolved };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, problem: error.problem };
    throw error;
  }
}

/** The result kind of each valid formula (by field id), for showing its value. */
export function formulaKinds(fields: readonly FieldDefinition[]): Record<string, FormulaKind> {
  const resolved = resolveFormulas(fields);
  if (!resolved.ok) return {};
  return Object.fromEntries([...resolved.formulas].map(([id, r]) => [String(id), r.kind]));
}

/** What the app knows about a project for its automatic fields. */
export interface AutomaticFacts {
  /** Epoch ms of the last save of the project's fields; undefined when never saved. */
  readonly updatedAt?: number | undefined;
  /** When and by whom the project came to the app (from Jira when it knows, else the install). */
  readonly createdAt?: number | undefined;
  readonly createdBy?: string | undefined;
}

/** An epoch-ms instant as its UTC day, yyyy-mm-dd. */
function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * The values of the computed fields of one project, in payload format (strings; missing when
 * empty), from its stored values. A formula the catalog could not check (it cannot happen once
 * saved, but a stored catalog is data) is empty rather than an error: one odd formula must not
 * stop a project page.
 */
export function computedValues(fields: readonly FieldDefinition[], stored: Readonly<Record<string, StoredValue | undefined>>, facts: AutomaticFacts): Record<string, string> {
  const out: Record<string, string> = {};
  const resolved = resolveFormulas(fields);
  const formulas = resolved.ok ? resolved.formulas : new Map<number, Resolved>();
  const lookup = fieldByName(fields);
  const results = new Map<number, string | null>();

  const resultOf = (field: FieldDefinition): string | null => {
    const known = results.get(field.id);
    if (known !== undefined) return known;
    const formula = formulas.get(field.id);
    // Resolved formulas have no cycles, so this recursion ends.
    const value = formula ? formatFormulaValue(evaluateFormula(formula.node, operand), decimalsOf(field)) : null;
    results.set(field.id, value);
    return value;
  };
  const operand = (name: string): FormulaValue | undefined => {
    const field = lookup(name);
    if (!field) return undefined;
    if (field.type === 'number' || field.type === 'duration' || field.type === 'date') return formulaValueOf(field.type, stored[String(field.id)]);
    if (field.type === 'updated' || field.type === 'created') return formulaValueOf('date', automaticValue(field, facts) ?? undefined);
    if (field.type === 'formula') {
      const kind = formulas.get(field.id)?.kind;
      return kind ? formulaValueOfText(kind, resultOf(field)) : undefined;
    }
    return undefined;
  };

  for (const field of fields) {
    const value = field.type === 'formula' ? resultOf(field) : automaticValue(field, facts);
    if (typeof value === 'string') out[String(field.id)] = value;
  }
  return out;
}

/** An automatic field's value in payload format; null when the app does not know it, undefined for other types. */
function automaticValue(field: FieldDefinition, facts: AutomaticFacts): string | null | undefined {
  switch (field.type) {
    case 'updated':
      return facts.updatedAt !== undefined ? utcDay(facts.updatedAt) : null;
    case 'created':
      return facts.createdAt !== undefined ? utcDay(facts.createdAt) : null;
    case 'creator':
      return facts.createdBy ?? null;
    default:
      return undefined;
  }
}
