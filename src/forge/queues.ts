import { PartialSuccessError, Queue, RateLimitError } from '@forge/events';
import type { FieldCleanupMessage, FieldCleanupQueue } from '../app/field-cleanup';
import type { ChangeEventPublisher, WakeUpQueue } from '../app/ports';
import { WAKE_IDS, type DeliveryWakeMessage, type FieldChangesMessage } from '../domain/records';

/** Queue keys, as declared by the consumers in manifest.yml. */
export const QUEUE_KEYS = {
  fieldChanges: 'field-changes',
  deliveries: 'deliveries',
  fieldCleanup: 'field-cleanup',
} as const;

/**
 * Drain wake-ups per push (Forge takes up to 50): when the installation's event rate refuses a
 * push, it may refuse all of it, so small pushes let as many through as the rate allows.
 */
const DRAIN_PUSH_EVENTS = 10;

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
    async continueWakes(webhookIds, delaySeconds) {
      const body: FieldChangesMessage = { schemaVersion: 2, changeIds: [], wakeWebhookIds: [...webhookIds] };
      await fieldChanges.push([{ body, ...(delaySeconds > 0 ? { delayInSeconds: delaySeconds } : {}) }]);
    },
    async wakeDrains(wakes) {
      const pushed: string[] = [];
      for (let i = 0; i < wakes.length; i += DRAIN_PUSH_EVENTS) {
        const chunk = wakes.slice(i, i + DRAIN_PUSH_EVENTS);
        const events = chunk.map((wake) => {
          const body: DeliveryWakeMessage = { schemaVersion: 1, webhookId: wake.webhookId, deliveryIds: [...wake.deliveryIds].slice(0, WAKE_IDS) };
          return { body, ...(wake.delaySeconds > 0 ? { delayInSeconds: wake.delaySeconds } : {}) };
        });
        try {
          await deliveries.push(events);
          pushed.push(...chunk.map((w) => w.webhookId));
        } catch (error) {
          // Over the installation's event rate: what went stays pushed, the rest is left to the
          // sweeper (due work with no wake-up noted); pushing on now would only be refused too.
          if (error instanceof PartialSuccessError) {
            const failed = new Set(error.failedEvents.map((f) => ((f as { payload?: { body?: { webhookId?: string } } }).payload ?? (f as { event?: { body?: { webhookId?: string } } }).event)?.body?.webhookId));
            pushed.push(...chunk.map((w) => w.webhookId).filter((id) => !failed.has(id)));
            return { pushed, limited: true };
          }
          if (error instanceof RateLimitError) return { pushed, limited: true };
          throw error;
        }
      }
      return { pushed, limited: false };
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
