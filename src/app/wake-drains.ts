import { MAX_CONTINUED_WAKES, WAKE_IDS } from '../domain/records';
import { WAKE_STEP_SECONDS, WAKES_PER_STEP } from '../domain/wake-policy';
import type { WakeUpQueue } from './ports';

export interface SteppedWake {
  readonly webhookId: string;
  readonly deliveryIds: readonly string[];
}

/**
 * Pushes the first step of wake-ups now and hands the rest to a continuation (a `wake-drains`
 * message, one step later), which does the same with them. The caller has noted each wake-up as
 * due at `plannedWakeAt(now, n)` (domain/wake-policy.ts): what the event rate refuses is left to
 * the sweeper, which wakes a drain whose noted wake-up is overdue.
 */
export async function wakeInSteps(queue: WakeUpQueue, wakes: readonly SteppedWake[]): Promise<{ pushed: string[]; limited: boolean; continued: number }> {
  if (wakes.length === 0) return { pushed: [], limited: false, continued: 0 };
  const first = wakes.slice(0, WAKES_PER_STEP);
  const rest = wakes.slice(WAKES_PER_STEP, WAKES_PER_STEP + MAX_CONTINUED_WAKES).map((w) => w.webhookId);
  const { pushed, limited } = await queue.wakeDrains(first.map((w) => ({ webhookId: w.webhookId, deliveryIds: w.deliveryIds.slice(0, WAKE_IDS), delaySeconds: 0 })));
  if (limited) console.warn(`the event rate limit refused ${first.length - pushed.length} drain wake-up(s); the sweeper wakes them`);
  if (rest.length === 0) return { pushed, limited, continued: 0 };
  try {
    await queue.continueWakes(rest, WAKE_STEP_SECONDS);
  } catch (error) {
    console.warn(`${rest.length} drain wake-up(s) left to the sweeper: ${error instanceof Error ? error.message : String(error)}`);
    return { pushed, limited: true, continued: 0 };
  }
  return { pushed, limited, continued: rest.length };
}

/** A continuation: wakes the next step of these webhooks' drains (their deliveries are found by the index). */
export async function continueWakes(queue: WakeUpQueue, webhookIds: readonly string[]): Promise<{ pushed: number; continued: number }> {
  const result = await wakeInSteps(
    queue,
    webhookIds.map((webhookId) => ({ webhookId, deliveryIds: [] })),
  );
  return { pushed: result.pushed.length, continued: result.continued };
}
