import type { Request } from '@forge/resolver';
import type { z } from 'zod';
import { AppError } from '../app/app-error';
import { requireJiraAdmin } from '../app/session';
import { forgeDeps } from '../forge/composition';
import type { ResolverDefs, ResolverError, ResolverResult, ResolverValue as Value } from '../shared/resolver-contract';
import { describeIssues, firstProblems } from '../shared/describe-issues';
import { resolverPayloadSchemas } from '../shared/resolver-schemas';

export type Deps = ReturnType<typeof forgeDeps>;
type Payload<K extends keyof ResolverDefs> = z.output<(typeof resolverPayloadSchemas)[K]>;

/**
 * Every resolver goes through here: the user is the platform's principal (never an id from the
 * payload), admin operations check the admin first, the payload is parsed before the use case, expected failures become `ok: false`
 * values, and unknown errors are rethrown so the platform records them (the UI then only sees
 * that the call failed, never a stack trace).
 */
export function handle<K extends keyof ResolverDefs>(name: K, run: (deps: Deps, payload: Payload<K>) => Promise<Value<K>>, options: { adminOnly?: boolean } = {}) {
  return async (request: Request): Promise<ResolverResult<Value<K>>> => {
    const accountId: unknown = request.context.accountId;
    if (typeof accountId !== 'string' || accountId === '') return { ok: false, error: { code: 'FORBIDDEN', message: 'Sign in to Jira to use Projectrak.' } };
    const deps = forgeDeps(accountId);
    try {
      // Admin operations check the admin first: nothing about them runs or answers for others.
      if (options.adminOnly) await requireJiraAdmin(deps.jira);
      const parsed = resolverPayloadSchemas[name].safeParse(request.payload);
      if (!parsed.success) return { ok: false, error: { code: 'INVALID_INPUT', message: `Invalid request to ${name}: ${describeIssues(parsed.error)}` } };
      return { ok: true, value: await run(deps, parsed.data as Payload<K>) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: boundedResolverError(error) };
      throw error;
    }
  };
}

export const adminOnly = { adminOnly: true } as const;

const MAX_MESSAGE_LENGTH = 2000;

/**
 * The bridge carries what a resolver answers: an error lists at most 20 field problems (the
 * message says how many there were), so 100,000 unknown field ids never answer megabytes.
 */
function boundedResolverError(error: AppError): ResolverError {
  const message = error.message.length > MAX_MESSAGE_LENGTH ? `${error.message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : error.message;
  if (!error.fieldErrors) return { code: error.code, message };
  const { listed, total } = firstProblems(error.fieldErrors);
  const omitted = total - Object.keys(listed).length;
  return { code: error.code, message: omitted > 0 ? `${message} (${total} problems; the first ${total - omitted} are listed.)` : message, fieldErrors: listed };
}
