import { z } from 'zod';
import type { PayloadValue } from './fields/field-values';

/**
 * The webhook request body (DESIGN.md section 5): Projectrak's body, same keys, same nesting, same
 * types, so receivers written for Projectrak work unchanged. Keys are written in the seed's order,
 * so the JSON text reads like the documented example too.
 */

export const WEBHOOK_EVENTS = ['updated', 'test'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** One entry of `fields`; `FieldChange` from the diff is one, and so is a stored change record's. */
export interface WebhookFieldChange {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly value: { readonly current: PayloadValue; readonly previous: PayloadValue };
}

export interface WebhookBodyInput {
  readonly event: WebhookEvent;
  /** Account id of the user who saved. */
  readonly user: string;
  /** Epoch milliseconds of the save. */
  readonly timestamp: number;
  readonly project: { readonly id: number; readonly key: string; readonly name: string };
  readonly fields: readonly WebhookFieldChange[];
  /** The project's change counter; sent as `data.revision` when given. */
  readonly revision?: number;
}

const payloadValueSchema = z.union([z.string(), z.null(), z.array(z.string())]);

/** The body exactly: no key missing, none added except the planned `revision`. */
export const webhookBodySchema = z.strictObject({
  data: z.strictObject({
    event: z.enum(WEBHOOK_EVENTS),
    user: z.string(),
    timestamp: z.number().int().nonnegative(),
    project: z.strictObject({ id: z.number().int().positive(), key: z.string(), name: z.string() }),
    fields: z.array(
      z.strictObject({
        id: z.number().int().positive(),
        name: z.string(),
        type: z.string(),
        value: z.strictObject({ current: payloadValueSchema, previous: payloadValueSchema }),
      }),
    ),
    revision: z.number().int().nonnegative().optional(),
  }),
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;

/** Builds the body from its parts, copying only the documented keys (nothing else can leak in). */
export function buildWebhookBody(input: WebhookBodyInput): WebhookBody {
  return {
    data: {
      event: input.event,
      user: input.user,
      timestamp: input.timestamp,
      project: { id: input.project.id, key: input.project.key, name: input.project.name },
      fields: input.fields.map((field) => ({
        id: field.id,
        name: field.name,
        type: field.type,
        value: { current: copyValue(field.value.current), previous: copyValue(field.value.previous) },
      })),
      ...(input.revision !== undefined ? { revision: input.revision } : {}),
    },
  };
}

const copyValue = (value: PayloadValue): PayloadValue => (Array.isArray(value) ? [...value] : value);

/**
 * The entries a webhook limited to some fields receives. No filter (or `null`, as webhook records
 * store "every field") keeps them all; an empty answer means no request is sent.
 */
export function filterFieldsForWebhook<T extends { readonly id: number }>(fields: readonly T[], filter: { readonly fieldIds?: readonly number[] | null }): T[] {
  const { fieldIds } = filter;
  if (fieldIds === undefined || fieldIds === null) return [...fields];
  const wanted = new Set(fieldIds);
  return fields.filter((field) => wanted.has(field.id));
}
