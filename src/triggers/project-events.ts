import { z } from 'zod';
import { describeIssues } from '../shared/describe-issues';
import { createKvsProjectFieldsStore } from '../forge/kvs-project-fields-store';

const projectEventSchema = z.object({
  eventType: z.enum(['avi:jira:updated:project', 'avi:jira:deleted:project']),
  project: z.object({ id: z.union([z.string(), z.number()]).transform(Number), key: z.string(), name: z.string() }),
});

/**
 * Jira has no event for our fields, but it does for projects: keep the name and key that
 * payloads carry fresh, and drop the values of a deleted project.
 */
export async function projectEventsTrigger(event: unknown): Promise<void> {
  const parsed = projectEventSchema.safeParse(event);
  if (!parsed.success) {
    // Not retried by the platform; say what was wrong so the log explains the skip.
    console.warn(`project event ignored: ${describeIssues(parsed.error, { root: 'event' })}`);
    return;
  }
  const store = createKvsProjectFieldsStore();
  const { eventType, project } = parsed.data;
  if (eventType === 'avi:jira:updated:project') await store.updateProjectRef(project);
  else await store.deleteProject(project.id);
}
