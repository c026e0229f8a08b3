import { Queue } from '@forge/events';
import type { PushOutcome } from '../../src/app/ports';
import { createFieldCleanupQueue, createWakeUpQueue, pushWakeUps } from '../../src/forge/queues';
import type { ForgeHost } from '../../local/host';
import { asInvocation, startMiniHost } from '../support/mini-host';

let host: ForgeHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

/**
 * A push from a chain of invocations Forge has cut (`InvocationLimitReachedError`) is answered as
 * an outcome, `refused: chain-cut`, through the one push function every queue adapter uses; the
 * callers treat it as "left to the sweeper" instead of failing the invocation.
 */
describe('push outcome of a cut invocation chain', () => {
  it('every adapter answers refused (chain-cut) once the chain made its push requests, and pushed before', async () => {
    const outcomes: { what: string; outcome: PushOutcome | { pushed: string[]; limited: boolean; refused?: string } }[] = [];
    let thrown: unknown;
    host = startMiniHost(
      { queues: { loop: 25, 'field-changes': 25, deliveries: 25, 'field-cleanup': 25 } },
      {
        consumer: async (event: { body?: { n?: number } }) => {
          try {
            const n = event.body?.n ?? 0;
            if (n >= 2) {
              // The chain made its 3 push requests (the first push and two by consumers): every push after is refused.
              outcomes.push({ what: 'fan-out', outcome: await createWakeUpQueue().wakeFanOut(['c1']) });
              outcomes.push({ what: 'continue', outcome: await createWakeUpQueue().continueWakes(['w1'], 10) });
              outcomes.push({ what: 'drains', outcome: await createWakeUpQueue().wakeDrains([{ webhookId: 'w1', deliveryIds: [], delaySeconds: 0 }]) });
              outcomes.push({ what: 'cleanup', outcome: await createFieldCleanupQueue().wake(7, 0) });
              return;
            }
            outcomes.push({ what: `loop ${n}`, outcome: await pushWakeUps(new Queue({ key: 'loop' }), [{ body: { n: n + 1 } }], 'loop') });
          } catch (error) {
            thrown = error;
          }
        },
      },
      { fidelity: { mode: 'strict', pushRequestsPerChain: 3 } },
    );
    await asInvocation(() => new Queue({ key: 'loop' }).push({ body: { n: 0 } }));
    await host.settle();
    expect(thrown).toBeUndefined();
    expect(outcomes).toEqual([
      { what: 'loop 0', outcome: { kind: 'pushed' } },
      { what: 'loop 1', outcome: { kind: 'pushed' } },
      { what: 'fan-out', outcome: { kind: 'refused', reason: 'chain-cut' } },
      { what: 'continue', outcome: { kind: 'refused', reason: 'chain-cut' } },
      { what: 'drains', outcome: { pushed: [], limited: true, refused: 'chain-cut' } },
      { what: 'cleanup', outcome: { kind: 'refused', reason: 'chain-cut' } },
    ]);
  });
});
