import type { ChangeEventPublisher, FieldChangeStore } from './ports';

/**
 * A saved change is never lost: its record is written before the event is pushed, and whatever
 * is still `pending` (the push failed, or the function died in between) is pushed again here.
 * Pushing twice is harmless: the fan-out is idempotent per change.
 */
export async function publishPendingChanges(deps: { changes: FieldChangeStore; publisher: ChangeEventPublisher }, limit = 50): Promise<{ pushed: number; failed: number }> {
  const pending = await deps.changes.listPending(limit);
  let pushed = 0;
  let failed = 0;
  for (const change of pending) {
    try {
      await deps.publisher.publishFieldChange(change.changeId);
      await deps.changes.markPushed(change.changeId);
      pushed += 1;
    } catch {
      // Left pending for the next sweep; one bad push must not stop the others.
      failed += 1;
    }
  }
  return { pushed, failed };
}
