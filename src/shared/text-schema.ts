import type { z } from 'zod';
import { nameProblem, textProblem, TEXT_PROBLEM_MESSAGES_MULTILINE } from './field-rules';

/**
 * The character rules of field-rules.ts as zod refinements, for every schema that takes a name or
 * a free text (resolver payloads, REST bodies, stored definitions): one rule, one wording.
 */

/** A name (field, option, webhook): no control characters, no lone surrogates; `reserved`: not `__proto__` & co. */
export function cleanName<S extends z.ZodType<string, string>>(schema: S, what = 'name', options: { reserved?: boolean } = {}) {
  return schema.superRefine((value, ctx) => {
    const problem = nameProblem(value, options);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/^name/, what) });
  });
}

/** A text that may span lines (a description): line breaks and tabs allowed, other control characters not. */
export function cleanMultilineText<S extends z.ZodType<string, string>>(schema: S, what = 'text') {
  return schema.superRefine((value, ctx) => {
    const problem = textProblem(value, { multiline: true });
    if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${TEXT_PROBLEM_MESSAGES_MULTILINE[problem]}` });
  });
}
