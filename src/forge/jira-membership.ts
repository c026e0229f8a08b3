import { asApp, route } from '@forge/api';
import { z } from 'zod';
import type { JiraMembership } from '../app/ports';
import { jiraHttp } from './jira-http';

const groupList = z.array(z.object({ groupId: z.string().min(1).nullable().optional(), name: z.string() }));
const roleActors = z.object({
  actors: z
    .array(
      z.object({
        type: z.string().optional(),
        actorUser: z.object({ accountId: z.string() }).optional(),
        actorGroup: z.object({ groupId: z.string().nullable().optional() }).optional(),
      }),
    )
    .optional(),
});

/**
 * A person's groups and project roles, asked as the app (field values security): asked as the
 * person, Jira would refuse those without "Browse users and groups". Failures follow the
 * jira-http rules (5xx, 429, network: UNAVAILABLE); a person or role Jira does not know is "none",
 * so a rule naming it admits nobody (fails closed).
 */
export function createJiraMembership(): JiraMembership {
  const jira = asApp();
  const { request, body } = jiraHttp();
  return {
    async groupIdsOf(accountId) {
      const what = 'the lookup of a person’s groups';
      const response = await request(what, () => jira.requestJira(route`/rest/api/3/user/groups?accountId=${accountId}`));
      if (response.status === 404) return new Set();
      const groups = await body(what, response, groupList);
      return new Set(groups.flatMap((g) => (g.groupId ? [g.groupId] : [])));
    },

    async rolesOf(projectKeyOrId, accountId, roleIds, groupIds) {
      const found = new Set<number>();
      // Only the roles some field names: one request each, side by side.
      await Promise.all(
        [...new Set(roleIds)].map(async (roleId) => {
          const what = `the lookup of role ${roleId} in project ${projectKeyOrId}`;
          const response = await request(what, () => jira.requestJira(route`/rest/api/3/project/${projectKeyOrId}/role/${roleId}`));
          if (response.status === 404) return;
          const role = await body(what, response, roleActors);
          const member = (role.actors ?? []).some((a) => a.actorUser?.accountId === accountId || (a.actorGroup?.groupId != null && groupIds.has(a.actorGroup.groupId)));
          if (member) found.add(roleId);
        }),
      );
      return found;
    },
  };
}
