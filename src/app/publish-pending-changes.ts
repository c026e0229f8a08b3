import type { ChangeEventPublisher, Clock, FieldChangeStore } from './ports';

/** A save pushes its own event right after writing; the sweeper leaves young records to it. */
export const PENDING_GRACE_MS = 2 * 60_000;

/**
 * A saved change is never lost: its record is written before the event is pushed, and whatever
 * is still `pending` (the push failed, or the function died in between) is pushed again here.
 * Pushing twice is harmless: the fan-out is idempotent per change.
 */
export async function publishPendingChanges(deps: { changes: FieldChangeStore; publisher: ChangeEventPublisher; clock: Clock }, limit = 50): Promise<{ pushed: number; failed: number }> {
  const now = deps.clock.now();
  const pending = (await deps.changes.listPending(limit)).filter((change) => now - change.timestamp >= PENDING_GRACE_MS);
  let pushed = 0;
  let failed = 0;
  for (const change of pending) {
    try {
      await deps.publisher.publishFieldChange(change.changeId);
      await deps.changes.markPushed(change);
      pushed += 1;
    } catch {
      // Left pending for the next sweep; one bad push must not stop the others.
      failed += 1;
    }
  }
  return { pushed, failed };
}
