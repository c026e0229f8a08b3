import { z } from 'zod';
import type { ResolverResult } from './result';
import { cleanName } from './text-schema';

/**
 * The resolver contract of outgoing webhooks (Projectrak Administration -> Outgoing webhooks):
 * payload schemas, and the shapes the UI gets back, derived from them. Merged into
 * `ResolverDefs` in resolver-contract.ts; every resolver here is for Jira admins only.
 */

export const WEBHOOK_NAME_MAX_LENGTH = 120;
export const WEBHOOK_FILTER_MAX_ITEMS = 100;
export const DELIVERY_PAGE_MAX = 50;
/**
 * Requests one webhook may have open at once (different projects, never two of one project):
 * a receiver 250 ms away takes about 240 deliveries a minute one at a time, 5 in flight about 1,200.
 */
export const WEBHOOK_IN_FLIGHT = { default: 5, min: 1, max: 20 } as const;

const webhookId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'webhook ids are letters, digits, _ and -');
const deliveryId = z.string().min(1).max(80).regex(/^[A-Za-z0-9_-]+$/, 'delivery ids are letters, digits, _ and -');
const projectKey = z.string().trim().min(1).max(255).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'project keys look like DEMO');
const name = cleanName(z.string().trim().min(1, 'name is required').max(WEBHOOK_NAME_MAX_LENGTH, `name has at most ${WEBHOOK_NAME_MAX_LENGTH} characters`));
/** The URL policy itself runs in the use case (it names the failing rule); this only bounds the text. */
const url = z.string().trim().min(1, 'url is required').max(2000, 'url has at most 2,000 characters');
/** null or absent: every project / every field. */
const projectKeys = z.array(projectKey).max(WEBHOOK_FILTER_MAX_ITEMS).nullable();
const fieldIds = z.array(z.number().int().positive()).max(WEBHOOK_FILTER_MAX_ITEMS).nullable();
const maxInFlight = z
  .number()
  .int('maxInFlight is a whole number')
  .min(WEBHOOK_IN_FLIGHT.min, `maxInFlight is at least ${WEBHOOK_IN_FLIGHT.min}`)
  .max(WEBHOOK_IN_FLIGHT.max, `maxInFlight is at most ${WEBHOOK_IN_FLIGHT.max}`);

export const DELIVERY_STATUS_FILTERS = ['pending', 'delivered', 'failed', 'cancelled'] as const;

export const webhookPayloadSchemas = {
  listWebhooks: z.unknown(),
  getWebhook: z.strictObject({ id: webhookId }),
  createWebhook: z.strictObject({ name, url, active: z.boolean().optional(), projectKeys: projectKeys.optional(), fieldIds: fieldIds.optional(), maxInFlight: maxInFlight.optional() }),
  updateWebhook: z.strictObject({
    id: webhookId,
    name: name.optional(),
    url: url.optional(),
    active: z.boolean().optional(),
    projectKeys: projectKeys.optional(),
    fieldIds: fieldIds.optional(),
    maxInFlight: maxInFlight.optional(),
  }),
  deleteWebhook: z.strictObject({ id: webhookId }),
  rotateWebhookSecret: z.strictObject({ id: webhookId }),
  checkWebhookUrl: z.strictObject({ url: z.string().max(4000) }),
  sendTestDelivery: z.strictObject({ id: webhookId, projectKey: projectKey.optional() }),
  listDeliveries: z.strictObject({
    webhookId,
    status: z.enum(DELIVERY_STATUS_FILTERS).optional(),
    cursor: z.string().max(2000).optional(),
    limit: z.number().int().min(1).max(DELIVERY_PAGE_MAX).optional(),
  }),
  getDelivery: z.strictObject({ deliveryId }),
  redeliver: z.strictObject({ deliveryId }),
  cancelDelivery: z.strictObject({ deliveryId }),
  resendFailed: z.strictObject({ webhookId, since: z.number().int().nonnegative() }),
  listProjects: z.strictObject({ query: z.string().max(100).optional() }),
} as const;

export type WebhookPayloads = { readonly [K in keyof typeof webhookPayloadSchemas]: z.input<(typeof webhookPayloadSchemas)[K]> };

export interface WebhookStatusDto {
  /** When the last attempt ended (epoch ms), as Projectrak's "last execution". */
  readonly lastRunAt: number | null;
  /** `OK` for a 2xx, `ERROR` for anything else; null before the first attempt. */
  readonly lastResult: 'OK' | 'ERROR' | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly lastSuccessAt: number | null;
}

export interface WebhookHealthDto {
  /** Attempts that ended in the last 24 h, and how many of them failed. */
  readonly attempts24h: number;
  readonly failures24h: number;
  /** Deliveries waiting for their (next) attempt. */
  readonly pending: number;
}

export interface WebhookDto {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly active: boolean;
  readonly projectKeys: readonly string[] | null;
  readonly fieldIds: readonly number[] | null;
  /** Requests open at once to this webhook (different projects; a project's changes go one after another). */
  readonly maxInFlight: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Why the app disabled the webhook (410, or days without success), and since when. */
  readonly disabledReason: string | null;
  readonly disabledAt: number | null;
  /** While a secret rotation is in progress the previous secret signs too, until this time. */
  readonly previousSecretUntil: number | null;
  readonly status: WebhookStatusDto;
  readonly health: WebhookHealthDto;
}

export type DeliveryStatus = (typeof DELIVERY_STATUS_FILTERS)[number];

export interface DeliverySummaryDto {
  readonly id: string;
  readonly webhookId: string;
  readonly event: 'updated' | 'test';
  readonly changeId: string | null;
  readonly project: { readonly id: number; readonly key: string; readonly name: string };
  readonly fieldNames: readonly string[];
  readonly status: DeliveryStatus;
  readonly createdAt: number;
  /** When the next attempt is due; null once the delivery is final. */
  readonly nextAttemptAt: number | null;
  readonly attempts: number;
  readonly lastAttemptAt: number | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  /** Sent outside the project's order (a test, or a redelivery an admin asked for). */
  readonly ordered: boolean;
  /** Who cancelled it (account id; null when the app did, e.g. the webhook was deleted) and when. */
  readonly cancelledBy: string | null;
  readonly cancelledAt: number | null;
}

export interface AttemptDto {
  readonly attempt: number;
  readonly startedAt: number;
  readonly durationMs: number;
  /** What was sent, signature included; never a secret. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly responseStatus: number | null;
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** At most 4 KB of the response body. */
  readonly responseBodyExcerpt: string;
  readonly error: string | null;
  /** delivered, retry, failed (last attempt), disabled (410), interrupted (outcome unknown). */
  readonly outcome: 'delivered' | 'retry' | 'failed' | 'disabled' | 'interrupted';
  readonly nextAttemptAt: number | null;
}

export interface DeliveryDetailDto extends DeliverySummaryDto {
  /** The exact request body (the same bytes on every attempt). */
  readonly body: string;
  readonly attemptLog: readonly AttemptDto[];
}

export type UrlCheckDto = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly rule: string; readonly message: string };

type R<T> = ResolverResult<T>;

export type WebhookResolverDefs = {
  listWebhooks: () => R<{ webhooks: WebhookDto[] }>;
  getWebhook: (input: WebhookPayloads['getWebhook']) => R<WebhookDto>;
  /** The secret is in this answer and in rotateWebhookSecret's only. */
  createWebhook: (input: WebhookPayloads['createWebhook']) => R<{ webhook: WebhookDto; secret: string }>;
  updateWebhook: (input: WebhookPayloads['updateWebhook']) => R<WebhookDto>;
  deleteWebhook: (input: WebhookPayloads['deleteWebhook']) => R<{ id: string }>;
  rotateWebhookSecret: (input: WebhookPayloads['rotateWebhookSecret']) => R<{ webhook: WebhookDto; secret: string }>;
  checkWebhookUrl: (input: WebhookPayloads['checkWebhookUrl']) => R<UrlCheckDto>;
  sendTestDelivery: (input: WebhookPayloads['sendTestDelivery']) => R<DeliverySummaryDto>;
  listDeliveries: (input: WebhookPayloads['listDeliveries']) => R<{ deliveries: DeliverySummaryDto[]; nextCursor: string | null }>;
  getDelivery: (input: WebhookPayloads['getDelivery']) => R<DeliveryDetailDto>;
  redeliver: (input: WebhookPayloads['redeliver']) => R<DeliverySummaryDto>;
  /** A pending delivery is given up: the project's later changes go on without it. */
  cancelDelivery: (input: WebhookPayloads['cancelDelivery']) => R<DeliverySummaryDto>;
  /** Failed deliveries created since `since` become pending again; `more` when the call stopped at its limit. */
  resendFailed: (input: WebhookPayloads['resendFailed']) => R<{ queued: number; more: boolean }>;
  listProjects: (input: WebhookPayloads['listProjects']) => R<{ projects: { id: number; key: string; name: string }[] }>;
};
