import { InvocationLimitReachedError, PartialSuccessError, PayloadTooBigError, Queue } from '@forge/events';
import type { ForgeHost } from '../../local/host';
import { asInvocation, gate, startMiniHost } from '../support/mini-host';

let host: ForgeHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const push = (queue: string, events: Parameters<Queue['push']>[0]) => asInvocation(() => new Queue({ key: queue }).push(events));

describe('strict fidelity: queues as Forge behaves', () => {
  it('a push crossing the events-per-minute rate partly succeeds: PartialSuccessError names the failed events', async () => {
    host = startMiniHost({ queues: { q: 25 } }, { consumer: () => undefined }, { fidelity: 'strict' });
    for (let i = 0; i < 10; i++) await push('q', Array.from({ length: 49 }, () => ({ body: {} })));
    const error = await push('q', Array.from({ length: 20 }, (_, i) => ({ body: { i } }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialSuccessError);
    const failed = (error as PartialSuccessError).failedEvents;
    // @forge/events 3 types the failed event as `event`, its code fills `payload`: read either.
    const eventOf = (f: object) => (f as { event?: { body: { i: number } }; payload?: { body: { i: number } } });
    expect(failed.map((f) => (eventOf(f).event ?? eventOf(f).payload)?.body.i)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(host.usage().total).toMatchObject({ queueEvents: 500, queuePushesRefused: 1 });
  });

  it('cuts a chain of invocations after its push requests: InvocationLimitReachedError, as the SDK surfaces it', async () => {
    const errors: unknown[] = [];
    host = startMiniHost(
      { queues: { loop: 25 } },
      {
        consumer: async () => {
          try {
            await new Queue({ key: 'loop' }).push({ body: {} });
          } catch (error) {
            errors.push(error);
          }
        },
      },
      { fidelity: { mode: 'strict', pushRequestsPerChain: 4 } },
    );
    await push('loop', { body: {} });
    await host.settle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InvocationLimitReachedError);
    expect(host.queues.counts().done).toBe(4);
    // A new chain (another user action) starts counting again.
    await expect(push('loop', { body: {} })).resolves.toHaveProperty('jobId');
  });

  it('a consumer with a timeout over 55 s takes events of at most 100 KB', async () => {
    host = startMiniHost({ queues: { long: 120, short: 25 } }, { consumer: () => undefined }, { fidelity: 'strict' });
    const big = { body: { text: 'x'.repeat(150 * 1024) } };
    const refused = await push('long', big).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PayloadTooBigError);
    expect((refused as Error).message).toContain('at most 100KB');
    await expect(push('short', big)).resolves.toHaveProperty('jobId');
  });

  it('concurrency keys are per installation, and a busy key holds the event back (not FIFO, up to 15 min)', async () => {
    const first = gate();
    const ran: string[] = [];
    host = startMiniHost(
      { queues: { a: 25, b: 25 } },
      {
        consumer: async (event: unknown) => {
          const { queueName } = event as { queueName: string };
          ran.push(queueName);
          if (queueName === 'a') await first.wait;
        },
      },
      { fidelity: 'strict' },
    );
    const concurrency = { key: 'webhook-1', limit: 1 };
    await push('a', { body: {}, concurrency });
    while (ran.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await push('b', { body: {}, concurrency });
    const pushedDue = host.queues.pending('b')[0]?.dueAt ?? 0;
    // b shares a's key although it is another queue: it waits, moved to a later due time.
    while ((host.queues.pending('b')[0]?.dueAt ?? 0) <= pushedDue) await new Promise((resolve) => setTimeout(resolve, 5));
    const heldMs = (host.queues.pending('b')[0]?.dueAt ?? 0) - pushedDue;
    expect(heldMs).toBeGreaterThanOrEqual(1_000);
    expect(heldMs).toBeLessThanOrEqual(15 * 60_000 + 1_000);
    first.open();
    await host.settle();
    expect(ran).toEqual(['a']);
    await host.queues.drain({ timeoutMs: 10_000 });
    expect(ran).toEqual(['a', 'b']);
  });

  it('default fidelity keeps keys per queue', async () => {
    const first = gate();
    const ran: string[] = [];
    const consumer = async (event: unknown) => {
      ran.push((event as { queueName: string }).queueName);
      await first.wait;
    };
    host = startMiniHost({ queues: { a: 25, b: 25 } }, { consumer }, { fidelity: 'default' });
    const concurrency = { key: 'webhook-1', limit: 1 };
    await push('a', { body: {}, concurrency });
    await push('b', { body: {}, concurrency });
    while (ran.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect([...ran].sort()).toEqual(['a', 'b']);
    first.open();
    await host.settle();
  });
});
