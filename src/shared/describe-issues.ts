import type { z } from 'zod';

/**
 * Zod issues as one sentence naming what was wrong: `path: message; ...`. `root` names issues
 * about the value as a whole (empty: the bare message); at most `max` issues are listed.
 */
export function describeIssues(error: z.ZodError, options: { root?: string; max?: number } = {}): string {
  const { root = 'payload', max = 5 } = options;
  return error.issues
    .slice(0, max)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : root;
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
