import type { SessionDto } from '../shared/resolver-contract';
import { forbidden } from './app-error';
import type { JiraAsUser } from './ports';

export const APP_VERSION = '0.1.0';

export async function getSession(jira: JiraAsUser, accountId: string): Promise<SessionDto> {
  const [me, isJiraAdmin] = await Promise.all([jira.myself(), jira.isJiraAdmin()]);
  return { accountId, displayName: me.displayName, isJiraAdmin, appVersion: APP_VERSION };
}

/** The first line of every admin use case: Jira admins only, fail closed. */
export async function requireJiraAdmin(jira: JiraAsUser): Promise<void> {
  let admin = false;
  try {
    admin = await jira.isJiraAdmin();
  } catch {
    admin = false;
  }
  if (!admin) throw forbidden('Only Jira admins can do this. Ask a Jira admin for help.');
}
