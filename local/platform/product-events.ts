import type { VirtualClock } from './clock';
import type { Prng } from './queues';

/** How Forge delivers product events and scheduled runs under chaos: at least once, maybe late. */
export interface DeliveryChaos {
  readonly prng: Prng;
  /** Probability that an event (or a scheduled run) comes twice. */
  readonly duplicateRate: number;
  /** Half of the deliveries come late, by up to this (virtual ms); 0: none late. */
  readonly maxLatenessMs: number;
}

/** The lateness of one delivery under chaos (0: on time). */
export function latenessMs(chaos: DeliveryChaos | undefined): number {
  if (!chaos || chaos.maxLatenessMs <= 0 || !chaos.prng.chance(0.5)) return 0;
  return 1_000 + chaos.prng.int(Math.max(1, chaos.maxLatenessMs - 1_000));
}

interface HeldEvent {
  readonly eventType: string;
  readonly event: Record<string, unknown>;
  readonly dueAt: number;
}

/**
 * Product events (`avi:jira:updated:project`, ...) on their way to the app's triggers. Without
 * chaos each is delivered once, at once. Under chaos, as on Forge: some come twice, some come
 * late (held on the virtual clock until due), so their order is not the order they happened in.
 */
export function createProductEvents(options: {
  deliver(eventType: string, event: Record<string, unknown>): Promise<number>;
  clock: VirtualClock;
  chaos?: DeliveryChaos | undefined;
  log?: (line: string) => void;
}) {
  const held: HeldEvent[] = [];
  const log = options.log ?? (() => undefined);

  async function deliver(eventType: string, event: Record<string, unknown>): Promise<number> {
    try {
      return await options.deliver(eventType, event);
    } catch (error) {
      // As on Forge: a failed trigger is recorded, not retried, and not the emitter's problem.
      log(`product event ${eventType}: trigger failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }

  async function runDue(): Promise<void> {
    const now = options.clock.now();
    const due = held.filter((h) => h.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const item of due) {
      held.splice(held.indexOf(item), 1);
      await deliver(item.eventType, item.event);
    }
  }

  const unsubscribe = options.clock.onAdvance(() => runDue());

  return {
    /** Emits an event; answers how many trigger runs happened now and how many deliveries are held back. */
    async emit(eventType: string, event: Record<string, unknown>): Promise<{ triggersRun: number; heldBack: number }> {
      const copies = options.chaos?.prng.chance(options.chaos.duplicateRate) ? 2 : 1;
      let triggersRun = 0;
      let heldBack = 0;
      for (let copy = 0; copy < copies; copy++) {
        const late = latenessMs(options.chaos);
        if (late > 0) {
          held.push({ eventType, event, dueAt: options.clock.now() + late });
          heldBack++;
        } else triggersRun += await deliver(eventType, event);
      }
      return { triggersRun, heldBack };
    },
    /** Deliveries held back (chaos), with their due times. */
    held: (): readonly { eventType: string; dueAt: number }[] => held.map(({ eventType, dueAt }) => ({ eventType, dueAt })),
    stop(): void {
      unsubscribe();
    },
  };
}

export type ProductEvents = ReturnType<typeof createProductEvents>;
