import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { installVirtualClock, type VirtualClock } from '../clock';
import { FunctionTimeoutError } from '../app-runtime';
import { asInvocation, sleep, startQueueHost, until, type TestQueueHost } from '../../../test/support/queue-host';
import { type AsyncEventForConsumer } from './queue-service';

let clock: VirtualClock;
let host: TestQueueHost;

beforeAll(() => {
  clock = installVirtualClock();
});
afterAll(() => clock.uninstall());
afterEach(async () => {
  await host?.dispose();
});

const queue = new Queue({ key: 'test-queue' });
const HOUR = 3_600_000;

describe('delays on the virtual clock', () => {
  it('delivers a delayed event only once the clock reaches its due time', async () => {
    host = startQueueHost(clock);
    await asInvocation(() => queue.push({ body: { late: true }, delayInSeconds: 300 }));
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(0);
    const [pending] = host.queues.pending();
    expect(pending).toMatchObject({ state: 'pending', body: { late: true }, retryCount: 0 });
    expect(pending ? pending.dueAt - pending.pushedAt : undefined).toBe(300_000);

    await clock.advance(299_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(0);

    await clock.advance(1_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received.map((e) => e.body)).toEqual([{ late: true }]);
  });
});

describe('retries', () => {
  it('retries a returned InvocationError after retryAfter (capped at 900 s) with retryCount, retryReason and retryData', async () => {
    const answers = [
      new InvocationError({ retryAfter: 120, retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED, retryData: { cursor: 7 } }),
      new InvocationError({ retryAfter: 5_000, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST, retryData: { cursor: 8 } }),
      undefined,
    ];
    host = startQueueHost(clock, { invokeConsumer: async () => answers.shift() });
    await asInvocation(() => queue.push({ body: { job: 'sync' } }));
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(1);
    expect(host.queues.pending()).toMatchObject([{ state: 'pending', retryCount: 1, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED' }]);

    await clock.advance(119_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(1);
    await clock.advance(1_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(2);
    expect(host.received[1]?.retryContext).toEqual({
      retryCount: 1,
      retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
      retryData: { cursor: 7 },
      retentionWindow: { startTime: expect.any(String), remainingTimeMs: expect.any(Number) },
    });
    const remaining = host.received[1]?.retryContext?.retentionWindow.remainingTimeMs ?? 0;
    expect(remaining).toBeLessThanOrEqual(24 * HOUR - 120_000);
    expect(remaining).toBeGreaterThan(24 * HOUR - 125_000);

    // retryAfter 5000 s is capped to 900 s.
    await clock.advance(899_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(2);
    await clock.advance(1_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(3);
    expect(host.received[2]?.retryContext).toMatchObject({ retryCount: 2, retryReason: 'FUNCTION_RETRY_REQUEST', retryData: { cursor: 8 } });
    expect(new Set(host.received.map((e) => e.eventId)).size).toBe(1);
    expect(host.queues.counts()).toMatchObject({ done: 1, pending: 0, dead: 0 });
  });

  it('recognises an InvocationError that went through JSON and the older QueueResponse.retry()', async () => {
    const answers: unknown[] = [JSON.parse(JSON.stringify(new InvocationError({ retryAfter: 10, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST }))), { _retry: true }, 'done'];
    host = startQueueHost(clock, { invokeConsumer: async () => answers.shift() });
    await asInvocation(() => queue.push({ body: {} }));
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    await clock.advance(10_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(2);
    // No retryAfter: the failure backoff (5 s x 2^1).
    await clock.advance(10_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received.map((e) => e.retryContext?.retryCount)).toEqual([undefined, 1, 2]);
    expect(host.queues.counts().done).toBe(1);
  });

  it('retries a thrown error with backoff 5 s, 10 s, ... and FUNCTION_PLATFORM_UNKNOWN_ERROR', async () => {
    let calls = 0;
    host = startQueueHost(clock, {
      invokeConsumer: async () => {
        calls++;
        if (calls <= 2) throw new Error(`receiver down (${calls})`);
      },
    });
    await asInvocation(() => queue.push({ body: { x: 1 } }));
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    const [afterFirst] = host.queues.pending();
    expect(afterFirst).toMatchObject({ retryCount: 1, retryReason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR', lastError: 'Error: receiver down (1)' });
    expect(afterFirst!.dueAt - Date.now()).toBeGreaterThan(4_000);
    expect(afterFirst!.dueAt - Date.now()).toBeLessThanOrEqual(5_000);

    await clock.advance(5_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    const [afterSecond] = host.queues.pending();
    expect(afterSecond).toMatchObject({ retryCount: 2, lastError: 'Error: receiver down (2)' });
    expect(afterSecond!.dueAt - Date.now()).toBeGreaterThan(9_000);
    expect(afterSecond!.dueAt - Date.now()).toBeLessThanOrEqual(10_000);

    await clock.advance(10_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(calls).toBe(3);
    expect(host.received[2]?.retryContext).toMatchObject({ retryCount: 2, retryReason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR', retryData: undefined });
    expect(host.queues.counts()).toMatchObject({ done: 1, pending: 0 });
  });

  it('counts a consumer running past its time-out as failed and delivers the event again', async () => {
    let calls = 0;
    host = startQueueHost(clock, {
      consumerTimeoutMs: 100,
      invokeConsumer: async () => {
        calls++;
        if (calls === 1) await sleep(400);
        if (calls === 2) throw new FunctionTimeoutError('consumer-fn', 900); // the app runtime's own time-out
      },
    });
    await asInvocation(() => queue.push({ body: { slow: true } }));
    await until(() => host.queues.pending()[0]?.retryCount === 1, 'the time-out to be recorded');
    expect(host.queues.pending()[0]).toMatchObject({ retryReason: 'FUNCTION_TIME_OUT', state: 'pending' });
    await clock.advance(5_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.queues.pending()[0]).toMatchObject({ retryCount: 2, retryReason: 'FUNCTION_TIME_OUT' });
    await clock.advance(10_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(calls).toBe(3);
    expect(host.received[2]?.retryContext).toMatchObject({ retryCount: 2, retryReason: 'FUNCTION_TIME_OUT' });
    await sleep(350); // the first, abandoned run finishing late changes nothing
    expect(host.queues.counts()).toMatchObject({ done: 1, pending: 0, inflight: 0 });
  });

  it('gives up 24 h after the push and records a dead letter', async () => {
    host = startQueueHost(clock, { invokeConsumer: async () => new InvocationError({ retryAfter: 900, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST }) });
    await asInvocation(() => queue.push({ body: { doomed: true } }));
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    const pushedAt = host.queues.pending()[0]!.pushedAt;

    // 23 h of retries every 15 minutes: still alive.
    for (let i = 0; i < 92; i++) {
      await clock.advance(900_000);
      await host.queues.waitForIdle({ timeoutMs: 2_000 });
    }
    expect(host.queues.deadLetters()).toEqual([]);
    expect(host.received.length).toBe(93);

    for (let i = 0; i < 6; i++) {
      await clock.advance(900_000);
      await host.queues.waitForIdle({ timeoutMs: 2_000 });
    }
    const dead = host.queues.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ queueName: 'test-queue', body: { doomed: true }, duplicate: false, eventId: host.received[0]!.eventId });
    expect(dead[0]!.reason).toMatch(/24 h retry window/);
    expect(dead[0]!.diedAt - pushedAt).toBeGreaterThan(23.5 * HOUR);
    expect(dead[0]!.diedAt - pushedAt).toBeLessThanOrEqual(24 * HOUR + 60_000);
    expect(host.received.length).toBeGreaterThanOrEqual(95);
    expect(host.received.length).toBeLessThanOrEqual(97);
    expect(host.queues.pending()).toEqual([]);
    // The table the tests and the control surface read.
    expect(host.db.prepare('SELECT event_id, reason FROM queue_dead_letters').all()).toEqual([{ event_id: dead[0]!.eventId, reason: dead[0]!.reason }]);
  });

  it('refuses a retry asking for more than 4 KB of retryData (dead letter)', async () => {
    host = startQueueHost(clock, {
      invokeConsumer: async () => new InvocationError({ retryAfter: 5, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST, retryData: { blob: 'x'.repeat(5_000) } }),
    });
    await asInvocation(() => queue.push({ body: {} }));
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.queues.deadLetters()).toMatchObject([{ reason: expect.stringMatching(/retryData is \d+ bytes, over the 4096-byte limit/) }]);
    expect(host.received).toHaveLength(1);
  });
});

describe('concurrency keys', () => {
  async function runWithKeys(limit: number) {
    const inFlight = new Map<string, number>();
    const maxSeen = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    host = startQueueHost(clock, {
      limits: { maxConcurrencyLimit: 5 },
      invokeConsumer: async (_queue, event: AsyncEventForConsumer) => {
        const key = event.concurrency?.key ?? '-';
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
        total++;
        maxSeen.set(key, Math.max(maxSeen.get(key) ?? 0, inFlight.get(key) ?? 0));
        maxTotal = Math.max(maxTotal, total);
        await sleep(15);
        inFlight.set(key, (inFlight.get(key) ?? 0) - 1);
        total--;
      },
    });
    await asInvocation(() =>
      queue.push([
        ...Array.from({ length: 6 }, (_, i) => ({ body: { i }, concurrency: { key: 'hook-1', limit } })),
        ...Array.from({ length: 3 }, (_, i) => ({ body: { j: i }, concurrency: { key: 'hook-2', limit } })),
      ]),
    );
    await host.queues.waitForIdle({ timeoutMs: 3_000 });
    expect(host.received).toHaveLength(9);
    return { maxSeen, maxTotal };
  }

  it('never has two invocations of one key in flight with limit 1, while other keys run beside it', async () => {
    const { maxSeen, maxTotal } = await runWithKeys(1);
    expect(maxSeen.get('hook-1')).toBe(1);
    expect(maxSeen.get('hook-2')).toBe(1);
    expect(maxTotal).toBe(2);
  });

  it('runs up to the limit at once', async () => {
    const { maxSeen } = await runWithKeys(2);
    expect(maxSeen.get('hook-1')).toBe(2);
    expect(maxSeen.get('hook-2')).toBe(2);
  });
});

describe('control', () => {
  it('waitForIdle rejects with a clear message while work cannot finish', async () => {
    host = startQueueHost(clock, { autoStart: false });
    await asInvocation(() => queue.push({ body: {} }));
    await expect(host.queues.waitForIdle({ timeoutMs: 50 })).rejects.toThrow(/not idle after 50 ms: 1 event\(s\) due, 0 in flight\. The dispatcher is stopped/);
    host.queues.start();
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(1);
  });

  it('drain() advances the clock through delays and retries until nothing is left', async () => {
    let calls = 0;
    host = startQueueHost(clock, {
      invokeConsumer: async () => {
        calls++;
        if (calls < 4) throw new Error('flaky');
      },
    });
    await asInvocation(() => queue.push({ body: {}, delayInSeconds: 600 }));
    await host.queues.drain({ timeoutMs: 3_000 });
    expect(calls).toBe(4);
    expect(host.queues.nextDueAt()).toBeUndefined();
    expect(host.queues.counts()).toMatchObject({ done: 1, pending: 0 });
  });
});
