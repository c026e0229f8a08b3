import { systemClock } from '../app/clock';
import { publishPendingChanges } from '../app/publish-pending-changes';
import { createKvsFieldChangeStore } from '../forge/kvs-project-fields-store';
import { createQueueChangeEventPublisher } from '../forge/queues';

/** Scheduled every five minutes: pushes change events that were saved but not yet queued. */
export async function deliverySweeper(): Promise<void> {
  const result = await publishPendingChanges({ changes: createKvsFieldChangeStore(), publisher: createQueueChangeEventPublisher(), clock: systemClock });
  if (result.pushed > 0 || result.failed > 0) console.info(`sweeper: pushed ${result.pushed} pending change event(s), ${result.failed} failed`);
}
