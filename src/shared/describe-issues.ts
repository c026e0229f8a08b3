import type { z } from 'zod';

/** At most this many problems are listed in one answer; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;
/** One listed problem is at most this long (it may quote what was sent). */
const MAX_PROBLEM_LENGTH = 300;

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Zod issues as one sentence naming what was wrong: `path: message; ...`. `root` names issues
 * about the value as a whole (empty: the bare message); at most `max` issues are listed, and the
 * sentence says how many more there were.
 */
export function describeIssues(error: z.ZodError, options: { root?: string; max?: number } = {}): string {
  const { root = 'payload', max = 5 } = options;
  const listed = error.issues
    .slice(0, max)
    .map((issue) => {
      const where = issue.path.length > 0 ? clip(issue.path.map(String).join('.'), 120) : root;
      return clip(where ? `${where}: ${issue.message}` : issue.message, MAX_PROBLEM_LENGTH);
    })
    .join('; ');
  const more = error.issues.length - max;
  return more > 0 ? `${listed}; and ${more} more problem${more === 1 ? '' : 's'}` : listed;
}

/**
 * Per-field problems bounded for an answer: the first `max`, each clipped, and how many there were.
 * A request naming 100,000 unknown fields gets 20 of them and the count, not a 14 MB answer.
 */
export function firstProblems(problems: Readonly<Record<string, string>>, max = MAX_LISTED_PROBLEMS): { readonly listed: Record<string, string>; readonly total: number } {
  const listed: Record<string, string> = Object.create(null) as Record<string, string>;
  let total = 0;
  for (const key in problems) {
    if (!Object.hasOwn(problems, key)) continue;
    total += 1;
    if (total <= max) listed[clip(key, 120)] = clip(problems[key] ?? '', MAX_PROBLEM_LENGTH);
  }
  return { listed: { ...listed }, total };
}
