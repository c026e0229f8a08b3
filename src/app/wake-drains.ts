import { MAX_CONTINUED_WAKES } from '../domain/records';
import type { WakeUpQueue } from './ports';

/**
 * Drain wake-ups pushed at once. A change to many webhooks wakes them in steps of this many, one
 * step every WAKE_STEP_SECONDS, so the wake-ups stay inside Forge's 500 events per minute (300 a
 * minute at most here) and the drains they start inside its 1,000 KVS requests per second.
 */
export const WAKES_PER_STEP = 50;
export const WAKE_STEP_SECONDS = 10;

/** When the n-th wake-up (from 0) of a list woken in steps goes out. */
export function plannedWakeAt(nowMs: number, n: number): number {
  return nowMs + Math.floor(n / WAKES_PER_STEP) * WAKE_STEP_SECONDS * 1000;
}

export interface SteppedWake {
  readonly webhookId: string;
  readonly deliveryIds: readonly string[];
}

/**
 * Pushes the first step of wake-ups now and hands the rest to a continuation of the fan-out,
 * delayed by one step, which does the same with them (`continueWakes`). The caller has noted each
 * wake-up as due at `plannedWakeAt(now, n)`: what the event rate refuses is left to the sweeper,
 * which wakes a drain whose noted wake-up is overdue.
 */
export async function wakeInSteps(queue: WakeUpQueue, wakes: readonly SteppedWake[]): Promise<{ pushed: string[]; limited: boolean; continued: number }> {
  const first = wakes.slice(0, WAKES_PER_STEP);
  const rest = wakes.slice(WAKES_PER_STEP, WAKES_PER_STEP + MAX_CONTINUED_WAKES).map((w) => w.webhookId);
  const { pushed, limited } = await queue.wakeDrains(first.map((w) => ({ ...w, delaySeconds: 0 })));
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
