import { z } from 'zod';
import { fieldDefinitionSchema } from '../domain/fields/field-definition';
import { DELIVERY_STATUS_FILTERS } from '../shared/webhooks-contract';

/**
 * The bodies the management API answers, as zod schemas: the OpenAPI document describes every
 * success answer with them (test/api checks each answer against the document). Objects the
 * webhook pipeline still grows are open (`looseObject`): what they hold is required, more may come.
 */

const projectRef = z.object({ id: z.number().int(), key: z.string(), name: z.string() });
/** A value as webhook payloads carry it (DESIGN.md section 4): text, number text, a list, an object, or null. */
const payloadValue = z.unknown().meta({ description: 'The value in the format webhook payloads use for the field type; null when empty' });

const fieldError = z.object({
  code: z.string(),
  message: z.string(),
  fieldErrors: z.record(z.string(), z.string()).optional().meta({ description: 'At most 20 problems, by field id or name' }),
  fieldErrorCount: z.number().int().optional().meta({ description: 'How many problems there were, when more than the ones listed' }),
});

const fieldChange = z.object({ id: z.number().int(), name: z.string(), type: z.string(), value: z.object({ current: payloadValue, previous: payloadValue }) });

const saveOutcome = z.object({ project: projectRef, revision: z.number().int().nonnegative(), changes: z.array(fieldChange) });

const bulkResult = z.union([saveOutcome.extend({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: fieldError })]);
const bulkResults = z.record(z.string(), bulkResult).meta({ description: 'By project key, in the order of the request' });

const webhook = z.looseObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  active: z.boolean(),
  projects: z.array(z.string()).nullable(),
  fields: z.array(z.number().int()).nullable(),
  /** Requests open at once to this webhook (different projects). */
  maxInFlight: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
  previousSecretUntil: z.number().nullable(),
  status: z.looseObject({
    lastRunAt: z.number().nullable(),
    lastResult: z.enum(['OK', 'ERROR']).nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastSuccessAt: z.number().nullable(),
    disabledReason: z.string().nullable(),
    disabledAt: z.number().nullable(),
  }),
  health: z.looseObject({ attempts24h: z.number().int(), failures24h: z.number().int(), pending: z.number().int() }),
});

const delivery = z.looseObject({
  id: z.string(),
  webhookId: z.string(),
  event: z.enum(['updated', 'test']),
  changeId: z.string().nullable(),
  project: projectRef,
  fieldNames: z.array(z.string()),
  status: z.enum(DELIVERY_STATUS_FILTERS),
  createdAt: z.number(),
  nextAttemptAt: z.number().nullable(),
  attempts: z.number().int(),
  lastAttemptAt: z.number().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** false: sent at an admin's request (a test, a redelivery), outside its project's order. */
  ordered: z.boolean(),
  /** Who cancelled it (account id; null when the app did) and when. */
  cancelledBy: z.string().nullable(),
  cancelledAt: z.number().nullable(),
});

const attempt = z.looseObject({
  attempt: z.number().int(),
  startedAt: z.number(),
  durationMs: z.number(),
  requestHeaders: z.record(z.string(), z.string()),
  responseStatus: z.number().int().nullable(),
  responseHeaders: z.record(z.string(), z.string()),
  responseBodyExcerpt: z.string(),
  error: z.string().nullable(),
  outcome: z.string(),
  nextAttemptAt: z.number().nullable(),
});

export const answerSchemas = {
  fieldList: z.object({ fields: z.array(fieldDefinitionSchema) }),
  field: fieldDefinitionSchema,
  projectFields: z.object({
    project: projectRef,
    revision: z.number().int().nonnegative(),
    canEdit: z.boolean(),
    fields: z.array(z.object({ id: z.number().int(), name: z.string(), type: z.string(), value: payloadValue })),
  }),
  saveOutcome,
  bulkDone: z.object({ results: bulkResults, changed: z.number().int(), failed: z.number().int() }),
  bulkHandedOver: z.object({
    id: z.string(),
    status: z.literal('running'),
    location: z.string().meta({ format: 'uri', description: 'Where the outcome will be: GET it (also in the Location header)' }),
    results: bulkResults.meta({ description: 'The projects done within the request (saved or refused), by project key' }),
    pending: z.array(z.string()).meta({ description: 'The projects saved right after the request, in its order' }),
    changed: z.number().int(),
    failed: z.number().int(),
  }),
  bulkSave: z.object({
    id: z.string(),
    status: z.enum(['running', 'finished', 'stopped']).meta({
      description: 'running: projects are still being saved; finished: every project has its result; stopped: the platform gave up running the rest (its wake-up failed for 24 hours), so the pending projects were not saved: send them again',
    }),
    createdAt: z.number(),
    finishedAt: z.number().nullable(),
    changed: z.number().int(),
    failed: z.number().int(),
    pending: z.array(z.string()),
    results: bulkResults,
  }),
  webhookList: z.object({ webhooks: z.array(webhook) }),
  webhook,
  webhookWithSecret: z.object({ webhook, secret: z.string().meta({ description: 'The signing secret (whsec_...), shown in this answer only' }) }),
  deleted: z.object({ id: z.string() }),
  delivery,
  deliveryPage: z.object({ deliveries: z.array(delivery), nextCursor: z.string().nullable() }),
  deliveryDetail: delivery.extend({ body: z.string(), attemptLog: z.array(attempt) }),
  error: z.object({ error: fieldError }),
} as const;
