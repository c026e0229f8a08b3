import { InvocationLimitReachedError, PartialSuccessError, Queue, RateLimitError, type PushEvent } from '@forge/events';
import type { ChangeEventPublisher, FieldCleanupQueue, PushOutcome, WakeUpQueue } from '../app/ports';
import type { FieldCleanupMessage } from '../domain/field-cleanup-record';
import { WAKE_IDS, type DeliveryWakeMessage, type FieldChangesMessage } from '../domain/records';

/** Queue keys, as declared by the consumers in manifest.yml. */
export const QUEUE_KEYS = {
  fieldChanges: 'field-changes',
  deliveries: 'deliveries',
  fieldCleanup: 'field-cleanup',
  /** The projects a PATCH /projects/fields left for later (src/forge/bulk-saves.ts). */
  bulkSaves: 'bulk-saves',
} as const;

/**
 * Drain wake-ups per push (Forge takes up to 50): when the installation's event rate refuses a
 * push, it may refuse all of it, so small pushes let as many through as the rate allows.
 */
const DRAIN_PUSH_EVENTS = 10;

/**
 * Every push of the app goes through here. A chain cut (`InvocationLimitReachedError`: this
 * invocation's chain has made the most push requests Forge allows) is not an error of the work:
 * it answers `refused` and the work stays in KVS for the sweeper, whose scheduled run starts a
 * chain of its own. Logged here, once per refused push, so no caller needs to.
 */
export async function pushWakeUps(queue: Queue, events: PushEvent[], what: string): Promise<PushOutcome> {
  try {
    await queue.push(events);
    return { kind: 'pushed' };
  } catch (error) {
    if (error instanceof InvocationLimitReachedError) {
      console.warn(`queue: ${what} not pushed: this invocation chain reached Forge's limit of push requests; left to the sweeper`);
      return { kind: 'refused', reason: 'chain-cut' };
    }
    throw error;
  }
}

/** The error a caller of a `ChangeEventPublisher` sees for a refused push (it logs and leaves the change to the sweeper). */
export class PushRefusedError extends Error {
  constructor(what: string) {
    super(`${what} was not pushed (invocation chain cut); the sweeper pushes it`);
    this.name = 'PushRefusedError';
  }
}

/** One fan-out wake-up per change, pushed at once (the sweeper's re-push of stuck changes). */
export function createQueueChangeEventPublisher(): ChangeEventPublisher {
  const queue = createWakeUpQueue();
  return {
    async publishFieldChange(changeId) {
      // Not marked pushed when refused: the change stays `pending` and the sweeper pushes it.
      if ((await queue.wakeFanOut([changeId])).kind === 'refused') throw new PushRefusedError(`change ${changeId}`);
    },
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
      const body: FieldChangesMessage = { schemaVersion: 3, kind: 'fan-out', changeIds: [...changeIds].slice(0, 100) };
      return pushWakeUps(fieldChanges, [{ body, ...(delaySeconds > 0 ? { delayInSeconds: delaySeconds } : {}) }], 'fan-out wake-up');
    },
    async continueWakes(webhookIds, delaySeconds) {
      const body: FieldChangesMessage = { schemaVersion: 3, kind: 'wake-drains', webhookIds: [...webhookIds] };
      return pushWakeUps(fieldChanges, [{ body, ...(delaySeconds > 0 ? { delayInSeconds: delaySeconds } : {}) }], `continued wake-ups of ${webhookIds.length} drain(s)`);
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
          if ((await pushWakeUps(deliveries, events, `wake-ups of ${wakes.length - i} drain(s)`)).kind === 'refused') return { pushed, limited: true, refused: 'chain-cut' };
          pushed.push(...chunk.map((w) => w.webhookId));
        } catch (error) {
          // Over the installation's event rate: what went stays pushed, the rest is left to the
          // sweeper (due work with no wake-up noted); pushing on now would only be refused too.
          if (error instanceof PartialSuccessError) {
            const failed = new Set(error.failedEvents.map((f) => ((f as { payload?: { body?: { webhookId?: string } } }).payload ?? (f as { event?: { body?: { webhookId?: string } } }).event)?.body?.webhookId));
            pushed.push(...chunk.map((w) => w.webhookId).filter((id) => !failed.has(id)));
            return { pushed, limited: true, refused: 'rate-limited' };
          }
          if (error instanceof RateLimitError) return { pushed, limited: true, refused: 'rate-limited' };
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
      return pushWakeUps(queue, [{ body, ...(delaySeconds > 0 ? { delayInSeconds: Math.min(900, delaySeconds) } : {}) }], `cleanup wake-up of field ${fieldId}`);
    },
  };
}
