import { z } from 'zod';
import { describeIssues } from '../shared/describe-issues';
import { WEBHOOK_IN_FLIGHT } from '../shared/webhooks-contract';

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
  /** When and by whom the app was installed (the automatic fields Created date and Creator); absent in catalogs seeded before it was kept, or on first read. */
  installedAt: epochMs.optional(),
  installedBy: accountId.optional(),
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

/**
 * A change record's way through the pipeline: `pending` until its wake-up is on the queue (the
 * sweeper pushes what stayed pending), `pushed` until the fan-out has written its deliveries,
 * then `fanned-out`. The fan-out finds unfinished changes by this state.
 */
export const PUSH_STATES = ['pending', 'pushed', 'fanned-out'] as const;
export type PushState = (typeof PUSH_STATES)[number];

/** The immutable record of one save that changed values; the source of its deliveries. */
export const fieldChangeRecordSchema = z.object({
  schemaVersion: z.literal(1),
  changeId: z.string().min(1),
  projectId,
  revision: z.number().int().positive(),
  user: accountId,
  timestamp: epochMs,
  project: projectRefSchema,
  fields: z.array(fieldChangeSchema).min(1),
  pushState: z.enum(PUSH_STATES),
  /**
   * The project's change saved just before this one (its `lastChangeId` at the time): the chain a
   * drain walks back to be sure nothing earlier of the project is pending. Absent for a project's
   * first change and in records written before it existed.
   */
  previousChangeId: z.string().min(1).optional(),
});
export type FieldChangeRecord = z.infer<typeof fieldChangeRecordSchema>;

/**
 * Delivery ids a webhook's state hands to its drain (about 8 KB at most; the drain empties it as it
 * takes them). More are found by the index once it catches up: the inbox only bridges its lag,
 * and every write of the state carries it.
 */
export const STATE_INBOX_MAX = 200;

/** Webhook ids one fan-out continuation carries (about 40 bytes each: well under Forge's 100 KB event). */
export const MAX_CONTINUED_WAKES = 1_500;

/**
 * Queue `field-changes`: wake-ups for the fan-out with the change ids they know of (never the
 * payload: the records are the truth), and continuations that wake drains in steps.
 */
const changeIds = z.array(z.string().min(1)).max(100);
/** Queue `field-changes`, kind `fan-out`: changes to fan out (the index finds more). */
export const fanOutMessageSchema = z.object({ schemaVersion: z.literal(3), kind: z.literal('fan-out'), changeIds });
/** Queue `field-changes`, kind `wake-drains`: a continuation that wakes drains in steps (domain/wake-policy.ts). */
export const wakeDrainsMessageSchema = z.object({ schemaVersion: z.literal(3), kind: z.literal('wake-drains'), webhookIds: z.array(z.string().min(1)).min(1).max(MAX_CONTINUED_WAKES) });

/** Every message of the `field-changes` queue; versions 1 and 2 (still on a queue after an upgrade) read as version 3. */
export const fieldChangesMessageSchema = z.union([
  fanOutMessageSchema,
  wakeDrainsMessageSchema,
  z
    .object({ schemaVersion: z.literal(2), changeIds, wakeWebhookIds: z.array(z.string().min(1)).max(MAX_CONTINUED_WAKES).optional() })
    .transform((v): FieldChangesMessage =>
      v.wakeWebhookIds && v.wakeWebhookIds.length > 0
        ? { schemaVersion: 3, kind: 'wake-drains', webhookIds: v.wakeWebhookIds }
        : { schemaVersion: 3, kind: 'fan-out', changeIds: v.changeIds },
    ),
  z.object({ schemaVersion: z.literal(1), changeId: z.string().min(1) }).transform((v): FieldChangesMessage => ({ schemaVersion: 3, kind: 'fan-out', changeIds: [v.changeId] })),
]);
export type FieldChangesMessage = z.infer<typeof fanOutMessageSchema> | z.infer<typeof wakeDrainsMessageSchema>;

/**
 * Saves close together share one fan-out wake-up: the first pushes it, the next ones add their
 * change id here (read by key, written conditionally) until the fan-out takes the inbox.
 */
export const fanOutInboxSchema = z.object({
  schemaVersion: z.literal(1),
  version: z.number().int().nonnegative(),
  /** When the wake-up that will take this inbox was pushed (0: none on its way). */
  wakePushedAt: z.number().nonnegative(),
  changeIds: z.array(z.string().min(1)).max(1000),
  /** Who emptied it last: two fan-outs emptying it at once never both take the same ids. */
  takenBy: z.string().optional(),
});
export type FanOutInboxRecord = z.infer<typeof fanOutInboxSchema>;

/** Delivery ids one drain wake-up carries; the drain's index query (or the state's inbox) finds the rest. */
export const WAKE_IDS = 100;

/** Queue `deliveries`: a wake-up for one webhook's drain, with the deliveries it knows are due. */
export const deliveryWakeMessageSchema = z.object({
  schemaVersion: z.literal(1),
  webhookId: z.string().min(1),
  deliveryIds: z.array(z.string().min(1)).max(WAKE_IDS),
});
export type DeliveryWakeMessage = z.infer<typeof deliveryWakeMessageSchema>;

export const WEBHOOK_RESULTS = ['OK', 'ERROR'] as const;

/** A webhook as the admin configured it. Only admins write it (and the drain, to disable it). */
export const webhookRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  name: z.string().min(1).max(120),
  url: z.string().min(1).max(2000),
  active: z.boolean(),
  /** Projects the webhook is limited to (id for matching, key for people); null: every project. */
  projects: z.array(z.object({ id: projectId, key: z.string().min(1) })).nullable(),
  /** Field ids the webhook is limited to; null means every field. */
  fieldIds: z.array(z.number().int().positive()).nullable(),
  createdAt: epochMs,
  createdBy: accountId,
  updatedAt: epochMs,
  /** +1 on every write; writes are conditional on it. */
  version: z.number().int().nonnegative(),
  disabledReason: z.string().nullable(),
  disabledAt: epochMs.nullable(),
  /** While rotating, the previous secret keeps signing until this time. */
  previousSecretUntil: epochMs.nullable(),
  /** Requests open at once (different projects). Absent in records written before it existed. */
  maxInFlight: z.number().int().min(WEBHOOK_IN_FLIGHT.min).max(WEBHOOK_IN_FLIGHT.max).default(WEBHOOK_IN_FLIGHT.default),
});
export type WebhookRecord = z.infer<typeof webhookRecordSchema>;

/** The ids of every webhook: one record read by key, so the fan-out never misses a new webhook. */
export const webhookRegistrySchema = z.object({
  schemaVersion: z.literal(1),
  version: z.number().int().nonnegative(),
  ids: z.array(z.string().min(1)).max(2000),
});
export type WebhookRegistryRecord = z.infer<typeof webhookRegistrySchema>;

/** Attempts and failures of one hour, for the 24 h health. */
export const healthHourSchema = z.object({ hour: z.number().int().nonnegative(), attempts: z.number().int().nonnegative(), failures: z.number().int().nonnegative() });
export type HealthHour = z.infer<typeof healthHourSchema>;

/**
 * A project whose oldest pending delivery to a webhook failed and waits for its retry: the
 * project's later deliveries wait behind it (ordered per project). At most BLOCKED_MAX per webhook.
 */
export const blockedHeadSchema = z.object({ projectId, deliveryId: z.string().min(1), order: z.number().nonnegative(), revision: z.number().int().positive().optional(), dueAt: z.number().nonnegative() });
export type BlockedHead = z.infer<typeof blockedHeadSchema>;
/** Projects waiting for a retry at once, per webhook (about 7 KB of state); beyond, new projects wait too. */
export const BLOCKED_MAX = 100;

/**
 * What the drain writes about a webhook: its lease (one drain at a time), the pending wake-up,
 * and the status the admin page shows. Kept apart from the webhook so admin edits and drains
 * never overwrite each other.
 */
export const webhookStateRecordSchema = z.object({
  schemaVersion: z.literal(1),
  webhookId: z.string().min(1),
  /** +1 on every write; writes are conditional on it. */
  version: z.number().int().nonnegative(),
  /** The drain holding the lease ('' when free) and until when (0 when free). */
  leaseOwner: z.string(),
  leaseUntil: z.number().nonnegative(),
  /** A wake-up came while the lease was held: the holder drains again before letting go. */
  rerun: z.boolean(),
  /** Deliveries those wake-ups named: the holder reads them by key (the index may not show them yet). Older records may hold up to 500. */
  inbox: z.array(z.string().min(1)).max(500).default([]),
  /** Due time of the wake-up already on the queue (0: none); taken once a drain started after it was noted. */
  wakeAt: z.number().nonnegative(),
  /** When the last drain took the lease: a wake-up noted before that may have been the one it took. */
  drainStartedAt: z.number().nonnegative().default(0),
  lastRunAt: epochMs.nullable(),
  lastResult: z.enum(WEBHOOK_RESULTS).nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastSuccessAt: epochMs.nullable(),
  /** Deliveries that ended `failed` since the last success: one input of the auto-disable rule. */
  failedSinceSuccess: z.number().int().nonnegative(),
  hours: z.array(healthHourSchema).max(25),
  /** Projects whose head delivery waits for a retry (written only by the lease holder). */
  blocked: z.array(blockedHeadSchema).max(BLOCKED_MAX).default([]),
  /** Circuit breaker: ordered deliveries wait until this time (0: closed). */
  breakerUntil: z.number().nonnegative().default(0),
});
export type WebhookStateRecord = z.infer<typeof webhookStateRecordSchema>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatusValue = (typeof DELIVERY_STATUSES)[number];

export const ATTEMPT_OUTCOMES = ['delivered', 'retry', 'failed', 'disabled', 'interrupted'] as const;

/** One attempt of one delivery, as the delivery log shows it (stored beside the delivery). */
export const attemptRecordSchema = z.object({
  schemaVersion: z.literal(1),
  deliveryId: z.string().min(1),
  attempt: z.number().int().positive(),
  startedAt: epochMs,
  durationMs: z.number().int().nonnegative(),
  /** Request headers as sent; there is no secret in them. */
  requestHeaders: z.record(z.string(), z.string()),
  responseStatus: z.number().int().nullable(),
  responseHeaders: z.record(z.string(), z.string()),
  /** At most 4 KB of the response body. */
  responseBodyExcerpt: z.string().max(4096),
  error: z.string().nullable(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  nextAttemptAt: epochMs.nullable(),
});
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

/**
 * One request to send to one webhook, with its progress. Its id comes from change + webhook, so a
 * change fanned out twice makes no second delivery; `attempts` only grows, so no attempt number
 * is ever used twice (it is claimed before the request is sent).
 */
export const deliveryRecordSchema = z.object({
  schemaVersion: z.literal(1),
  deliveryId: z.string().min(1),
  webhookId: z.string().min(1),
  changeId: z.string().nullable(),
  event: z.enum(['updated', 'test']),
  project: projectRefSchema,
  fieldNames: z.array(z.string()),
  /** Change order: the save's time, then the project's revision (two saves in one millisecond), then the delivery id. */
  order: z.number().nonnegative(),
  /** The change's project revision (absent for tests and in records written before it existed). */
  revision: z.number().int().positive().optional(),
  /** The project's previous change (see the change record): the drain reads its delivery by key before sending this one. */
  previousChangeId: z.string().min(1).optional(),
  status: z.enum(DELIVERY_STATUSES),
  createdAt: epochMs,
  /** When the next attempt may start; while an attempt is in flight, when its claim runs out. */
  dueAt: z.number().nonnegative(),
  /** Attempt numbers used so far (1-based numbers; claimed before sending). */
  attempts: z.number().int().nonnegative(),
  /** Attempts before the current round: a redelivery starts the retry schedule anew. */
  roundStart: z.number().int().nonnegative().default(0),
  /** The attempt number claimed and not yet recorded (0: none in flight). */
  inFlight: z.number().int().nonnegative(),
  // Stored only once set (src/forge/stored-delivery.ts leaves default values out of a write).
  lastAttemptAt: epochMs.nullable().default(null),
  lastStatusCode: z.number().int().nullable().default(null),
  lastError: z.string().nullable().default(null),
  /**
   * The request body, fixed at creation: every attempt sends the same bytes. Kept once per change
   * and body in a record of its own (`bodyRef`), shared by the change's deliveries; inline (`body`)
   * for tests and for deliveries stored before bodies were shared.
   */
  body: z.string().optional(),
  bodyRef: z.string().min(1).max(200).optional(),
  /** Change deliveries keep their project's order; tests and redeliveries an admin asks for go at once. */
  ordered: z.boolean().default(true),
  /** An admin gave it up (null: the app did, when its webhook was deleted). */
  cancelledBy: accountId.nullable().default(null),
  cancelledAt: epochMs.nullable().default(null),
  /** Status, attempts, in flight and due in one value, as last written: what a compare-and-set checks (absent in records written before it). */
  stamp: z.string().max(64).optional(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

/** The body of a change's deliveries, written once before them and never changed (kept as long as they are). */
export const deliveryBodyRecordSchema = z.object({ schemaVersion: z.literal(1), body: z.string() });
export type DeliveryBodyRecord = z.infer<typeof deliveryBodyRecordSchema>;

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
