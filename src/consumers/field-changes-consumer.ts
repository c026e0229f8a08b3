import { fieldChangesMessageSchema, StoredRecordError } from '../domain/records';
import { describeIssues } from '../shared/describe-issues';
import { createKvsFieldChangeStore } from '../forge/kvs-project-fields-store';

interface AsyncEvent {
  readonly body?: unknown;
}

/**
 * Queue `field-changes`: one event per saved change. Fans the change out to the webhooks that
 * match it (webhook management arrives with the webhooks issue; until then there is no webhook
 * to match and the event is acknowledged after checking that its change record exists).
 */
export async function fieldChangesConsumer(event: AsyncEvent): Promise<void> {
  const message = fieldChangesMessageSchema.safeParse(event.body);
  if (!message.success) {
    // A malformed message never becomes valid: acknowledge it (no retry) and say why.
    console.error(`field-changes: dropped a malformed message: ${describeIssues(message.error, { root: 'body' })}`);
    return;
  }
  let change;
  try {
    change = await createKvsFieldChangeStore().load(message.data.changeId);
  } catch (error) {
    // A record of an unexpected shape will not parse on a retry either: say so and acknowledge.
    if (error instanceof StoredRecordError) {
      console.error(`field-changes: ${error.message}`);
      return;
    }
    throw error;
  }
  if (!change) {
    console.error(`field-changes: change ${message.data.changeId} has no record; nothing to deliver`);
    return;
  }
}
