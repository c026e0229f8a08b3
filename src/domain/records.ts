import { z } from 'zod';
import { describeIssues } from '../shared/describe-issues';

/**
 * Every record the app stores and every queue message it sends, as zod schemas with a
 * `schemaVersion`. Stored data is parsed on read: a record of an older or unknown shape is
 * reported with what was wrong instead of flowing on half-understood.
 */

const accountId = z.string().min(1).max(128);
const epochMs = z.number().int().nonnegative();
const projectId = z.number().int().positive();

export const projectRefSchema = z.object({ id: projectId, key: z.string().min(1).max(255), name: z.string().max(255) });
export type ProjectRefRecord = z.infer<typeof projectRefSchema>;

/** A value in payload format (section 4 of DESIGN.md): strings, null, or arrays of strings. */
export const payloadValueSchema = z.union([z.string(), z.null(), z.array(z.string())]);

export const fieldChangeSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  type: z.string(),
  value: z.object({ current: payloadValueSchema, previous: payloadValueSchema }),
});

/** A stored field value (input form); checked against its definition where it is used. */
export const storedValueSchema = z.union([z.string(), z.number(), z.null(), z.array(z.string()), z.array(z.number())]);

export const fieldCatalogRecordSchema = z.object({
  schemaVersion: z.literal(1),
  /** +1 on every change of the catalog; writes are conditional on it. */
  version: z.number().int().nonnegative(),
  /** Ids are never reused: the counters only grow, deleted fields included. */
  nextFieldId: z.number().int().positive(),
  nextOptionId: z.number().int().positive(),
  fields: z.array(z.unknown()),
});
export type FieldCatalogRecord = z.infer<typeof fieldCatalogRecordSchema>;

export const projectFieldsRecordSchema = z.object({
  schemaVersion: z.literal(1),
  projectId,
  projectKey: z.string().min(1),
  projectName: z.string(),
  /** Per-project counter: +1 per saved change; a save names the revision it was based on. */
  revision: z.number().int().nonnegative(),
  values: z.record(z.string().regex(/^\d+$/), storedValueSchema),
  updatedAt: epochMs,
  updatedBy: z.string(),
  /** The change record of the last save; tells a committed save whose answer was lost from a conflict. Absent in records written before it existed. */
  lastChangeId: z.string().optional(),
});
export type ProjectFieldsRecord = z.infer<typeof projectFieldsRecordSchema>;

export const PUSH_STATES = ['pending', 'pushed'] as const;

/** The immutable record of one save that changed values; the source of one `field-changes` event. */
export const fieldChangeRecordSchema = z.object({
  schemaVersion: z.literal(1),
  changeId: z.string().min(1),
  projectId,
  revision: z.number().int().positive(),
  user: accountId,
  timestamp: epochMs,
  project: projectRefSchema,
  fields: z.array(fieldChangeSchema).min(1),
  /** `pending` until the event is on the queue; the sweeper pushes what stayed pending. */
  pushState: z.enum(PUSH_STATES),
});
export type FieldChangeRecord = z.infer<typeof fieldChangeRecordSchema>;

/** Queue `field-changes`: ids only, never the payload (the record is the truth). */
export const fieldChangesMessageSchema = z.object({ schemaVersion: z.literal(1), changeId: z.string().min(1) });
export type FieldChangesMessage = z.infer<typeof fieldChangesMessageSchema>;

/** Queue `deliveries`: the delivery to attempt. */
export const deliveryMessageSchema = z.object({ schemaVersion: z.literal(1), deliveryId: z.string().min(1) });
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

export const WEBHOOK_RESULTS = ['OK', 'ERROR'] as const;

export const webhookRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  name: z.string().min(1).max(120),
  url: z.string().min(1).max(2000),
  active: z.boolean(),
  /** Project keys the webhook is limited to; null means every project. */
  projectKeys: z.array(z.string()).nullable(),
  /** Field ids the webhook is limited to; null means every field. */
  fieldIds: z.array(z.number().int().positive()).nullable(),
  createdAt: epochMs,
  createdBy: accountId,
  updatedAt: epochMs,
  disabledReason: z.string().nullable(),
  disabledAt: epochMs.nullable(),
  /** While rotating, the previous secret keeps signing until this time. */
  previousSecretUntil: epochMs.nullable(),
  status: z.object({
    lastRunAt: epochMs.nullable(),
    lastResult: z.enum(WEBHOOK_RESULTS).nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastSuccessAt: epochMs.nullable(),
  }),
});
export type WebhookRecord = z.infer<typeof webhookRecordSchema>;

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'cancelled'] as const;

export const attemptRecordSchema = z.object({
  attempt: z.number().int().positive(),
  startedAt: epochMs,
  durationMs: z.number().int().nonnegative(),
  requestHeaders: z.record(z.string(), z.string()),
  responseStatus: z.number().int().nullable(),
  responseHeaders: z.record(z.string(), z.string()),
  /** At most 4 KB of the response body. */
  responseBodyExcerpt: z.string().max(4096),
  error: z.string().nullable(),
  outcome: z.string(),
});

export const deliveryRecordSchema = z.object({
  schemaVersion: z.literal(1),
  deliveryId: z.string().min(1),
  webhookId: z.string().min(1),
  changeId: z.string().nullable(),
  event: z.enum(['updated', 'test']),
  status: z.enum(DELIVERY_STATUSES),
  createdAt: epochMs,
  /** The request body, fixed at creation: every attempt sends the same bytes. */
  body: z.string(),
  attempts: z.array(attemptRecordSchema),
  nextAttemptAt: epochMs,
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

export const apiTokenRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  name: z.string().min(1).max(120),
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdBy: accountId,
  createdAt: epochMs,
  lastUsedAt: epochMs.nullable(),
});
export type ApiTokenRecord = z.infer<typeof apiTokenRecordSchema>;

/** A stored record failed to parse: names the record and the first problems found. */
export class StoredRecordError extends Error {
  constructor(
    readonly recordName: string,
    readonly key: string,
    readonly issues: string,
  ) {
    super(`Stored ${recordName} ${key} has an unexpected shape: ${issues}`);
    this.name = 'StoredRecordError';
  }
}

export function parseStoredRecord<T>(schema: z.ZodType<T>, recordName: string, key: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new StoredRecordError(recordName, key, describeIssues(parsed.error, { root: '(root)', max: 3 }));
  }
  return parsed.data;
}
