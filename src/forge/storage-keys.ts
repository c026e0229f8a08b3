/**
 * Every storage key and entity name of the app, built in one place. Forge keys allow
 * `[a-zA-Z0-9:._\s-#]` and at most 500 characters; every part below fits.
 */
export const ENTITY = {
  fieldCatalog: 'field-catalog',
  projectFields: 'project-fields',
  fieldChange: 'field-change',
  delivery: 'delivery',
  webhook: 'webhook',
  webhookState: 'webhook-state',
  webhookRegistry: 'webhook-registry',
  webhookName: 'webhook-name',
  fanOutInbox: 'fan-out-inbox',
  fieldCleanup: 'field-cleanup',
} as const;

export const INDEX = {
  fieldChangeByPushState: 'by-push-state',
  fieldChangeByProject: 'by-project',
  projectFieldsByUpdated: 'by-updated',
  /** A webhook's delivery log, newest first. */
  deliveryByWebhook: 'by-webhook',
  /** The log filtered by status; failed deliveries since a time. */
  deliveryByWebhookStatus: 'by-webhook-status',
  /** A webhook's due work for its drain. */
  deliveryByWebhookDue: 'by-webhook-due',
  /** Any webhook's due work, for the sweeper. */
  deliveryByDue: 'by-due',
  /** Field cleanups, newest first, for the fields page. */
  fieldCleanupByStarted: 'by-started',
} as const;

/** A delivery's key is its id behind this prefix: built and read back in one place. */
const DELIVERY_KEY_PREFIX = 'delivery:';

export const storageKeys = {
  fieldCatalog: (): string => 'catalog',
  projectFields: (projectId: number): string => `project:${projectId}`,
  fieldChange: (changeId: string): string => `change:${changeId}`,
  apiTokenPrefix: (): string => 'api-token:',
  apiToken: (id: string): string => `api-token:${id}`,
  /** Looks a token up by the SHA-256 of its value. */
  apiTokenByHash: (hash: string): string => `api-token-hash:${hash}`,
  /** Secrets live under their own prefix and only ever through kvs.*Secret. */
  webhookSecret: (webhookId: string, which: 'current' | 'previous'): string => `secret:webhook:${webhookId}:${which}`,
  webhook: (id: string): string => `webhook:${id}`,
  /** The ids of every webhook, read by key: index queries lag, and a new webhook must get the next change. */
  webhookRegistry: (): string => 'webhook-registry',
  /** Which webhook holds a name, by the SHA-256 of the name as compared (trimmed, lower case): names are any text, keys are not. */
  webhookName: (nameHash: string): string => `webhook-name:${nameHash}`,
  fanOutInbox: (): string => 'fan-out-inbox',
  webhookState: (webhookId: string): string => `webhook-state:${webhookId}`,
  /** One per deleted field (field ids are never reused). */
  fieldCleanup: (fieldId: number): string => `field-cleanup:${fieldId}`,
  /** A PATCH /projects/fields handed to the bulk-saves consumer: the job, one item per project (by position), who runs it. */
  bulkSave: (id: string): string => `bulk-save:${id}`,
  bulkSaveItem: (id: string, index: number): string => `bulk-save-item:${id}:${String(index).padStart(3, '0')}`,
  bulkSaveClaim: (id: string): string => `bulk-save-claim:${id}`,
  delivery: (deliveryId: string): string => `${DELIVERY_KEY_PREFIX}${deliveryId}`,
  /** The delivery id a delivery's key holds (its stored value leaves it out). */
  deliveryIdOf: (key: string): string => key.slice(DELIVERY_KEY_PREFIX.length),
  /** A change's request body, shared by its deliveries (`bodyRefFor`). */
  deliveryBody: (bodyRef: string): string => `delivery-body:${bodyRef}`,
  /** Attempt numbers padded so keys sort in attempt order. */
  attempt: (deliveryId: string, attempt: number): string => `attempt:${deliveryId}:${String(attempt).padStart(4, '0')}`,
} as const;
