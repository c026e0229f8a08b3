import { deliveryMessageSchema } from '../domain/records';
import { describeIssues } from '../shared/describe-issues';

interface AsyncEvent {
  readonly body?: unknown;
}

/**
 * Queue `deliveries`: one attempt of one delivery (sign, POST, record). Deliveries are created by
 * the fan-out once webhooks exist; a message arriving before then is checked and acknowledged.
 */
export async function deliveryConsumer(event: AsyncEvent): Promise<void> {
  const message = deliveryMessageSchema.safeParse(event.body);
  if (!message.success) {
    console.error(`deliveries: dropped a malformed message: ${describeIssues(message.error, { root: 'body' })}`);
    return;
  }
  console.warn(`deliveries: delivery ${message.data.deliveryId} is unknown to this version; acknowledged`);
}
