import type { FieldCleanupDto } from '../../../src/shared/resolver-contract';

const projects = (n: number) => (n === 1 ? '1 project' : `${n} projects`);

/** One line per cleanup of a deleted field's values, while it runs and once it is done. */
export function cleanupSentence(cleanup: FieldCleanupDto): string {
  if (cleanup.finishedAt === null) return `Removing values of ${cleanup.fieldName}: ${projects(cleanup.projectsCleaned)} cleaned`;
  return `Removed values of ${cleanup.fieldName} from ${projects(cleanup.projectsCleaned)}.`;
}

/**
 * What the page shows: cleanups running now, and the finished ones this page saw running (so an
 * admin who deleted a field sees it end, without old cleanups lingering). A field deleted a moment
 * ago may be missing from the server's list for a second (its index lags): the page's own note of
 * the delete stands in for it until it shows.
 */
export function visibleCleanups(fromServer: readonly FieldCleanupDto[], deletedHere: readonly FieldCleanupDto[], seenRunning: ReadonlySet<number>): FieldCleanupDto[] {
  const listed = new Set(fromServer.map((c) => c.fieldId));
  const shown = fromServer.filter((c) => c.finishedAt === null || seenRunning.has(c.fieldId));
  return [...deletedHere.filter((c) => !listed.has(c.fieldId)), ...shown];
}

export const isRunning = (cleanups: readonly FieldCleanupDto[]) => cleanups.some((c) => c.finishedAt === null);
