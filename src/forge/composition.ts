import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { systemClock } from '../app/clock';
import type { JiraAsUser } from '../app/ports';
import type { DrainDeps } from '../app/drain';
import type { FanOutDeps } from '../app/fan-out';
import type { FieldCatalogDeps, FieldDeletionDeps } from '../app/field-catalog';
import type { FieldCleanupDeps } from '../app/field-cleanup';
import type { ProjectFieldsDeps } from '../app/project-fields';
import { APP_VERSION } from '../app/session';
import type { SweepDeps } from '../app/sweep';
import type { WebhookAdminDeps } from '../app/webhooks';
import { createCoalescingPublisher, createKvsFanOutInbox } from './fan-out-inbox';
import { createHttpSender } from './http-sender';
import { createJiraAsUser } from './jira-as-user';
import { createJiraMembership } from './jira-membership';
import { createKvsDeliveryStore } from './kvs-delivery-store';
import { createKvsFieldCatalogStore } from './kvs-field-catalog-store';
import { createKvsFieldCleanupStore } from './kvs-field-cleanup-store';
import { createKvsFieldChangeStore, createKvsProjectFieldsStore } from './kvs-project-fields-store';
import { createKvsWebhookSecretStore, createKvsWebhookStateStore, createKvsWebhookStore } from './kvs-webhook-store';
import { createFieldCleanupQueue, createQueueChangeEventPublisher, createWakeUpQueue } from './queues';
import { loopbackTargetsAllowed } from './runtime-flags';

const ids = { newId: () => randomUUID() };
/** Uniform in [0, 1), for retry jitter. */
const random = () => randomInt(0, 2 ** 32) / 2 ** 32;

export type UserActionDeps = ProjectFieldsDeps & FieldCatalogDeps & FieldDeletionDeps & WebhookAdminDeps;

/**
 * The use cases a person's action needs (saving fields, managing fields and webhooks), wired to
 * the Forge platform as `accountId`, asking Jira through `jira`: as the user for a resolver, as the
 * app about the token's creator for the management API (api-composition.ts). The one wiring of both.
 */
export function userActionDeps(accountId: string, jira: JiraAsUser): UserActionDeps {
  return {
    catalog: createKvsFieldCatalogStore(),
    projects: createKvsProjectFieldsStore(),
    changes: createKvsFieldChangeStore(),
    publisher: createCoalescingPublisher(createWakeUpQueue(), systemClock),
    jira,
    membership: createJiraMembership(),
    webhooks: createKvsWebhookStore(),
    secrets: createKvsWebhookSecretStore(),
    states: createKvsWebhookStateStore(),
    deliveries: createKvsDeliveryStore(),
    queue: createWakeUpQueue(),
    cleanups: createKvsFieldCleanupStore(),
    cleanupQueue: createFieldCleanupQueue(),
    clock: systemClock,
    ids,
    randomBytes: (size) => randomBytes(size),
    allowLoopback: loopbackTargetsAllowed(),
    accountId,
  };
}

/** Wires the use cases for one invocation of the resolver, as `accountId` (Jira asked as the user). */
export function forgeDeps(accountId: string): UserActionDeps {
  return userActionDeps(accountId, createJiraAsUser());
}

export function fanOutDeps(): FanOutDeps {
  return {
    changes: createKvsFieldChangeStore(),
    inbox: createKvsFanOutInbox(),
    webhooks: createKvsWebhookStore(),
    deliveries: createKvsDeliveryStore(),
    states: createKvsWebhookStateStore(),
    queue: createWakeUpQueue(),
    clock: systemClock,
  };
}

/** `ownerId` names this drain in the webhook's lease (the invocation's event id). */
export function drainDeps(ownerId: string): DrainDeps {
  return {
    webhooks: createKvsWebhookStore(),
    secrets: createKvsWebhookSecretStore(),
    states: createKvsWebhookStateStore(),
    deliveries: createKvsDeliveryStore(),
    changes: createKvsFieldChangeStore(),
    queue: createWakeUpQueue(),
    http: createHttpSender(systemClock),
    clock: systemClock,
    random,
    ownerId,
    userAgent: `projectrak-webhooks/${APP_VERSION}`,
    allowLoopback: loopbackTargetsAllowed(),
  };
}

export function sweepDeps(): SweepDeps {
  const changes = createKvsFieldChangeStore();
  return {
    changes,
    fanOutChanges: changes,
    publisher: createQueueChangeEventPublisher(),
    webhooks: createKvsWebhookStore(),
    deliveries: createKvsDeliveryStore(),
    states: createKvsWebhookStateStore(),
    queue: createWakeUpQueue(),
    clock: systemClock,
  };
}

/** The cleanup of a deleted field's values: pages of 100 projects, up to 10 pages or a minute per invocation (well inside KVS rates). */
export function fieldCleanupDeps(): FieldCleanupDeps {
  return {
    catalog: createKvsFieldCatalogStore(),
    projects: createKvsProjectFieldsStore(),
    cleanups: createKvsFieldCleanupStore(),
    cleanupQueue: createFieldCleanupQueue(),
    clock: systemClock,
    pageSize: 100,
    pagesPerRun: 10,
    runBudgetMs: 60_000,
  };
}
