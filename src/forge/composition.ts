import { randomUUID } from 'node:crypto';
import { systemClock } from '../app/clock';
import type { FieldCatalogDeps } from '../app/field-catalog';
import type { ProjectFieldsDeps } from '../app/project-fields';
import { createJiraAsUser } from './jira-as-user';
import { createKvsFieldCatalogStore } from './kvs-field-catalog-store';
import { createKvsFieldChangeStore, createKvsProjectFieldsStore } from './kvs-project-fields-store';
import { createQueueChangeEventPublisher } from './queues';

/** Wires the use cases to the Forge platform for one invocation. */
export function forgeDeps(accountId: string): ProjectFieldsDeps & FieldCatalogDeps {
  return {
    catalog: createKvsFieldCatalogStore(),
    projects: createKvsProjectFieldsStore(),
    changes: createKvsFieldChangeStore(),
    publisher: createQueueChangeEventPublisher(),
    jira: createJiraAsUser(),
    clock: systemClock,
    ids: { newId: () => randomUUID() },
    accountId,
  };
}
