import type { SessionDto } from '../shared/resolver-contract';
import { forbidden } from './app-error';
import type { JiraAsUser } from './ports';

export const APP_VERSION = '0.1.0';

export async function getSession(jira: JiraAsUser, accountId: string): Promise<SessionDto> {
  const [me, isJiraAdmin] = await Promise.all([jira.myself(), jira.isJiraAdmin()]);
  return { accountId, displayName: me.displayName, isJiraAdmin, appVersion: APP_VERSION };
}

/**
 * The first check of every admin use case: Jira admins only, fail closed. A clear "no" is
 * FORBIDDEN; a Jira failure is thrown (nothing runs, and the platform records it) rather than
 * telling an admin they are not one.
 */
export async function requireJiraAdmin(jira: JiraAsUser): Promise<void> {
  if (!(await jira.isJiraAdmin())) throw forbidden('Only Jira admins can do this. Ask a Jira admin for help.');
}
