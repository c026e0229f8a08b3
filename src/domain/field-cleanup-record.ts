import { z } from 'zod';

const epochMs = z.number().int().nonnegative();
const fieldId = z.number().int().positive();

/**
 * The progress record of one deleted field's cleanup (one per field: field ids are never reused).
 * Progress is kept as a position in the data (the `updatedAt` of the last project done), never as
 * a query cursor: Forge's cursors are for paging within one run, and one stored across runs may
 * have expired or stopped matching the index by the time the next run reads it. A record written
 * by an older version (with a `cursor`) parses without it and starts its pass again, which only
 * looks at a few projects twice.
 */
export const fieldCleanupRecordSchema = z.object({
  schemaVersion: z.literal(1),
  fieldId,
  fieldName: z.string(),
  /** +1 on every write; progress is written conditionally on it, so two runs never interleave pages. */
  version: z.number().int().positive(),
  /** Projects holding a value when the delete was confirmed (an index count). */
  projectsWithValues: z.number().int().nonnegative(),
  /** Projects whose value this cleanup removed so far. */
  projectsCleaned: z.number().int().nonnegative(),
  /** 1: the first pass over every project; 2: the pass again after the index lag. */
  pass: z.union([z.literal(1), z.literal(2)]),
  /**
   * Where the current pass goes on: every project whose `updatedAt` is at most this was done (a
   * save since moved a project later, so it is met again). Absent at the start of a pass.
   */
  doneThroughUpdatedAt: z.number().nonnegative().optional(),
  /** The second pass does not start before this time. */
  rescanAt: epochMs.optional(),
  startedAt: epochMs,
  updatedAt: epochMs,
  finishedAt: epochMs.optional(),
});
export type FieldCleanupRecord = z.infer<typeof fieldCleanupRecordSchema>;

/** Queue `field-cleanup`: a wake-up of one field's cleanup; the record holds the work. */
export const fieldCleanupMessageSchema = z.object({ schemaVersion: z.literal(1), fieldId });
export type FieldCleanupMessage = z.infer<typeof fieldCleanupMessageSchema>;
