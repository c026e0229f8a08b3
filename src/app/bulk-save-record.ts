import { z } from 'zod';
import type { BulkProjectResult } from './management-api';

/**
 * The records of a bulk save handed to the `bulk-saves` consumer (PATCH /projects/fields over its
 * time budget): one job, and one item per project (its values while pending, its result when
 * done), so no record grows with the number of projects times their values.
 */

const projectRef = z.object({ id: z.number().int(), key: z.string(), name: z.string() });

export const bulkProjectResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    project: projectRef,
    revision: z.number().int().nonnegative(),
    changes: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        type: z.string(),
        value: z.object({ current: z.unknown(), previous: z.unknown() }),
      }),
    ),
  }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string(),
      message: z.string(),
      fieldErrors: z.record(z.string(), z.string()).optional(),
      fieldErrorCount: z.number().int().optional(),
    }),
  }),
]);

export const bulkSaveJobSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  /** The API token's creator: the consumer saves as them, after checking they are still a Jira admin. */
  createdBy: z.string().min(1),
  createdAt: z.number(),
  /** Every project of the request, in its order (items are numbered by this position). */
  projectKeys: z.array(z.string()).max(100),
  finishedAt: z.number().nullable(),
  /** When a consumer run last handed the rest on (pushing the next wake-up); absent until one has. */
  lastRunAt: z.number().optional(),
});
export type BulkSaveJob = z.infer<typeof bulkSaveJobSchema>;

export const bulkSaveItemSchema = z.object({
  schemaVersion: z.literal(1),
  bulkSaveId: z.string().min(1),
  index: z.number().int().nonnegative(),
  projectKey: z.string(),
  state: z.enum(['pending', 'done']),
  /** Pending: the values to save, by field id (references were resolved when the request came). */
  values: z.record(z.string(), z.unknown()).optional(),
  /** Done: what the save answered, as the 200 answer would have said it. */
  result: bulkProjectResultSchema.optional(),
});
/** The item as the use case reads it: the stored result is the result the save answered (parsed loosely above). */
export type BulkSaveItem = Omit<z.infer<typeof bulkSaveItemSchema>, 'result'> & { readonly result?: BulkProjectResult | undefined };

export const bulkSaveMessageSchema = z.object({ schemaVersion: z.literal(1), bulkSaveId: z.string().min(1).max(80) });
export type BulkSaveMessage = z.infer<typeof bulkSaveMessageSchema>;
