import { randomBytes, randomUUID } from 'node:crypto';
import { webTrigger } from '@forge/api';
import { systemClock } from '../app/clock';
import type { ApiProjectFieldsDeps } from '../app/management-api';
import type { BulkConsumerDeps, BulkSaveDeps } from '../app/bulk-save';
import { createBulkSaveQueue, createKvsBulkSaveStore } from './bulk-saves';
import type { FieldCatalogDeps } from '../app/field-catalog';
import type { WebhookAdminDeps } from '../app/webhooks';
import type { ApiTokenDeps } from '../app/api-tokens';
import { userActionDeps } from './composition';
import { createJiraAsApp } from './jira-as-app';
import { createKvsApiTokenStore } from './kvs-api-token-store';

const ids = { newId: () => randomUUID() };

/** What the management API needs before it knows who is calling: the token store. */
export function apiTokenDeps(): ApiTokenDeps {
  return { tokens: createKvsApiTokenStore(), clock: systemClock, ids, randomBytes: (size) => randomBytes(size) };
}

export type ManagementApiDeps = ApiProjectFieldsDeps & FieldCatalogDeps & WebhookAdminDeps & Pick<BulkSaveDeps, 'bulkSaves' | 'bulkSaveQueue'>;

/**
 * The use cases wired for one management API request, acting as the API token's creator:
 * a web trigger has no user, so Jira is asked as the app about that account (createJiraAsApp).
 */
export function managementApiDeps(accountId: string): ManagementApiDeps {
  return { ...userActionDeps(accountId, createJiraAsApp(accountId)), bulkSaves: createKvsBulkSaveStore(), bulkSaveQueue: createBulkSaveQueue() };
}

/** The bulk-saves consumer: it learns whom it acts for from the job it runs. */
export function bulkConsumerDeps(): BulkConsumerDeps {
  return { bulkSaves: createKvsBulkSaveStore(), bulkSaveQueue: createBulkSaveQueue(), clock: systemClock, forAccount: managementApiDeps };
}

/** The web trigger module of the management API, as manifest.yml declares it. */
const MANAGEMENT_API_TRIGGER = 'management-api';

/** The management API's base URL on this site (Forge makes one per installation). */
export function managementApiUrl(): Promise<string> {
  return webTrigger.getUrl(MANAGEMENT_API_TRIGGER);
}
