import { Queue } from '@forge/events';
import type { ChangeEventPublisher } from '../app/ports';
import type { DeliveryMessage, FieldChangesMessage } from '../domain/records';

/** Queue keys, as declared by the consumers in manifest.yml. */
export const QUEUE_KEYS = {
  fieldChanges: 'field-changes',
  deliveries: 'deliveries',
} as const;

export function createQueueChangeEventPublisher(): ChangeEventPublisher {
  const queue = new Queue({ key: QUEUE_KEYS.fieldChanges });
  return {
    async publishFieldChange(changeId) {
      const body: FieldChangesMessage = { schemaVersion: 1, changeId };
      await queue.push([{ body }]);
    },
  };
}

export function createDeliveryQueue() {
  const queue = new Queue({ key: QUEUE_KEYS.deliveries });
  return {
    /** One in-flight request per webhook: the concurrency key is the webhook. */
    async push(message: DeliveryMessage & { webhookId: string }, delaySeconds = 0): Promise<void> {
      const { webhookId, ...body } = message;
      await queue.push([{ body, delayInSeconds: delaySeconds, concurrency: { key: `webhook-${webhookId}`, limit: 1 } }]);
    },
  };
}
