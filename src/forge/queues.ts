import { Queue } from '@forge/events';
import type { FieldCleanupMessage, FieldCleanupQueue } from '../app/field-cleanup';
import type { ChangeEventPublisher, WakeUpQueue } from '../app/ports';
import type { DeliveryWakeMessage, FieldChangesMessage } from '../domain/records';

/** Queue keys, as declared by the consumers in manifest.yml. */
export const QUEUE_KEYS = {
  fieldChanges: 'field-changes',
  deliveries: 'deliveries',
  fieldCleanup: 'field-cleanup',
} as const;

/** At most 50 events per push (Forge). */
const PUSH_MAX_EVENTS = 50;

/** One fan-out wake-up per change, pushed at once (the sweeper's re-push of stuck changes). */
export function createQueueChangeEventPublisher(): ChangeEventPublisher {
  const queue = createWakeUpQueue();
  return {
    publishFieldChange: (changeId) => queue.wakeFanOut([changeId]),
  };
}

/**
 * Wake-ups: events say "there is work for X" with the ids they know of; the consumers find the
 * work in KVS. Never the payload, and harmless when they come twice.
 */
export function createWakeUpQueue(): WakeUpQueue {
  const fieldChanges = new Queue({ key: QUEUE_KEYS.fieldChanges });
  const deliveries = new Queue({ key: QUEUE_KEYS.deliveries });
  return {
    async wakeFanOut(changeIds, delaySeconds = 0) {
      const body: FieldChangesMessage = { schemaVersion: 2, changeIds: [...changeIds].slice(0, 100) };
      await fieldChanges.push([{ body, ...(delaySeconds > 0 ? { delayInSeconds: delaySeconds } : {}) }]);
    },
    async wakeDrains(wakes) {
      for (let i = 0; i < wakes.length; i += PUSH_MAX_EVENTS) {
        const events = wakes.slice(i, i + PUSH_MAX_EVENTS).map((wake) => {
          const body: DeliveryWakeMessage = { schemaVersion: 1, webhookId: wake.webhookId, deliveryIds: [...wake.deliveryIds].slice(0, 100) };
          return { body, ...(wake.delaySeconds > 0 ? { delayInSeconds: wake.delaySeconds } : {}) };
        });
        if (events.length > 0) await deliveries.push(events);
      }
    },
  };
}

/** Wake-ups of a deleted field's cleanup; the progress record in KVS holds the work. */
export function createFieldCleanupQueue(): FieldCleanupQueue {
  const queue = new Queue({ key: QUEUE_KEYS.fieldCleanup });
  return {
    async wake(fieldId, delaySeconds) {
      const body: FieldCleanupMessage = { schemaVersion: 1, fieldId };
      await queue.push([{ body, ...(delaySeconds > 0 ? { delayInSeconds: Math.min(900, delaySeconds) } : {}) }]);
    },
  };
}
