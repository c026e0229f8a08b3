import { z } from 'zod';

/**
 * `z.record` builds its result with `result[key] = value`, so a key `__proto__` (which JSON.parse
 * keeps as an own key) sets the result's prototype instead and the value silently vanishes. This
 * record parses every own key into an object without a prototype: `__proto__` or `constructor` is a
 * name like any other, and the use case refuses it by name. Its JSON Schema is the record's.
 */
export function plainRecord<K extends z.ZodType<string, string>, V extends z.ZodType>(
  keySchema: K,
  valueSchema: V,
  size: { readonly min?: { readonly count: number; readonly message: string }; readonly max?: { readonly count: number; readonly message: string } } = {},
) {
  const documented = z.record(keySchema, valueSchema);
  const { $schema: _ignored, ...generated } = z.toJSONSchema(documented, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const jsonSchema = { ...generated, ...(size.min ? { minProperties: size.min.count } : {}), ...(size.max ? { maxProperties: size.max.count } : {}) };
  return z
    .unknown()
    .transform((input, ctx): Record<string, z.output<V>> => {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        ctx.addIssue({ code: 'custom', message: `expected an object, got ${input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input}` });
        return z.NEVER;
      }
      const keys = Object.keys(input);
      if (size.min && keys.length < size.min.count) ctx.addIssue({ code: 'custom', message: size.min.message });
      if (size.max && keys.length > size.max.count) {
        ctx.addIssue({ code: 'custom', message: size.max.message });
        return z.NEVER; // not one more check of a body that is refused anyway
      }
      const out = Object.create(null) as Record<string, z.output<V>>;
      for (const key of keys) {
        const checkedKey = keySchema.safeParse(key);
        if (!checkedKey.success) {
          for (const issue of checkedKey.error.issues) ctx.addIssue({ code: 'custom', message: `key: ${issue.message}`, path: [key] });
          continue;
        }
        const checked = valueSchema.safeParse((input as Record<string, unknown>)[key]);
        if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
        else out[checkedKey.data] = checked.data as z.output<V>;
      }
      return out;
    })
    .meta(jsonSchema);
}
