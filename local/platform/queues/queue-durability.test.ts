import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from '@forge/events';
import { installVirtualClock, type VirtualClock } from '../clock';
import { asInvocation, startQueueHost, until, type TestQueueHost } from '../../../test/support/queue-host';

let clock: VirtualClock;
let dir: string;
const hosts: TestQueueHost[] = [];

beforeAll(() => {
  clock = installVirtualClock();
});
afterAll(() => clock.uninstall());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'queue-host-'));
});
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const queue = new Queue({ key: 'test-queue' });

function open(options: Parameters<typeof startQueueHost>[1] = {}): TestQueueHost {
  const host = startQueueHost(clock, { file: join(dir, 'state.sqlite'), ...options });
  hosts.push(host);
  return host;
}

describe('durability', () => {
  it('keeps a pushed event across a host restart: push, close without dispatching, reopen, consumed', async () => {
    const first = open({ autoStart: false });
    const { jobId } = await asInvocation(() => queue.push([{ body: { keep: 1 } }, { body: { keep: 2 }, delayInSeconds: 30 }]));
    expect(first.received).toEqual([]);
    first.db.close(); // as if killed right after push answered
    await first.queues.stop({ graceMs: 10 });

    const second = open();
    await second.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(second.received.map((e) => [e.jobId, e.body])).toEqual([[jobId, { keep: 1 }]]);
    await clock.advance(30_000);
    await second.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(second.received.map((e) => e.body)).toEqual([{ keep: 1 }, { keep: 2 }]);
    expect(second.queues.counts()).toMatchObject({ done: 2, pending: 0, inflight: 0 });
  });

  it('delivers again an event that was in flight when the host died', async () => {
    const first = open({ invokeConsumer: () => new Promise<never>(() => undefined) }); // never returns
    await asInvocation(() => queue.push({ body: { inFlight: true } }));
    await until(() => first.received.length === 1, 'the first delivery');
    expect(first.queues.pending()).toMatchObject([{ state: 'inflight', attempts: 1 }]);
    first.db.close(); // killed mid-invocation
    await first.queues.stop({ graceMs: 10 });

    const second = open();
    await second.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(second.received).toHaveLength(1);
    expect(second.received[0]?.eventId).toBe(first.received[0]?.eventId);
    expect(second.received[0]?.body).toEqual({ inFlight: true });
    expect(second.queues.counts()).toMatchObject({ done: 1, inflight: 0 });
  });

  it('stop() abandons a hung invocation cleanly and start() delivers it again', async () => {
    let calls = 0;
    const host = open({
      invokeConsumer: () => {
        calls++;
        return calls === 1 ? new Promise<never>(() => undefined) : Promise.resolve();
      },
    });
    await asInvocation(() => queue.push({ body: {} }));
    await until(() => calls === 1, 'the first delivery');
    await host.queues.stop({ graceMs: 20 });
    expect(host.queues.pending()).toMatchObject([{ state: 'inflight' }]);
    host.queues.start();
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(calls).toBe(2);
    expect(host.queues.counts()).toMatchObject({ done: 1, inflight: 0, pending: 0 });
  });
});
