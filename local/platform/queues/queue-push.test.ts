import {
  InternalServerError,
  InvalidPushSettingsError,
  JobDoesNotExistError,
  PayloadTooBigError,
  Queue,
  RateLimitError,
  TooManyEventsError,
} from '@forge/events';
import { installVirtualClock, type VirtualClock } from '../clock';
import { LOCAL_APP } from '../forge-seam';
import { asInvocation, rawPush, startQueueHost, type TestQueueHost } from '../../../test/support/queue-host';

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
const events = (n: number, extra: Record<string, unknown> = {}) => Array.from({ length: n }, (_, i) => ({ body: { i }, ...extra }));

describe('push and consume through the real @forge/events Queue', () => {
  it('answers push with a jobId and hands the consumer the Forge event shape', async () => {
    host = startQueueHost(clock);
    const { jobId } = await asInvocation(() =>
      queue.push([{ body: { hello: 'world' } }, { body: { n: 2 }, delayInSeconds: 0, concurrency: { key: 'hook-1', limit: 1 } }]),
    );
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });

    expect(host.received).toHaveLength(2);
    const first = host.received.find((e) => e.body.hello === 'world');
    const second = host.received.find((e) => e.body.n === 2);
    expect(first).toEqual({ queueName: 'test-queue', jobId, eventId: expect.any(String), body: { hello: 'world' }, contextAri: LOCAL_APP.contextAri });
    expect(first).not.toHaveProperty('retryContext');
    expect(second).toEqual({
      queueName: 'test-queue',
      jobId,
      eventId: expect.any(String),
      body: { n: 2 },
      delayInSeconds: 0,
      concurrency: { key: 'hook-1', limit: 1 },
      contextAri: LOCAL_APP.contextAri,
    });
    expect(first?.eventId).not.toBe(second?.eventId);
    expect(host.queues.pending()).toEqual([]);
    expect(host.queues.counts()).toMatchObject({ done: 2, pending: 0, inflight: 0, dead: 0 });
  });

  it('answers getStats and cancel for a job, and a cancelled job is never consumed', async () => {
    host = startQueueHost(clock);
    const { jobId } = await asInvocation(() => queue.push([{ body: { a: 1 }, delayInSeconds: 60 }, { body: { a: 2 }, delayInSeconds: 60 }]));
    await expect(asInvocation(() => queue.getStats(jobId))).resolves.toEqual({ success: 0, inProgress: 2, failed: 0 });

    await asInvocation(() => queue.cancel(jobId));
    await expect(asInvocation(() => queue.getStats(jobId))).resolves.toEqual({ success: 0, inProgress: 0, failed: 0 });
    await clock.advance(61_000);
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toEqual([]);

    await expect(asInvocation(() => queue.getStats('00000000-0000-4000-8000-000000000bad'))).rejects.toBeInstanceOf(JobDoesNotExistError);
    await expect(asInvocation(() => new Queue({ key: 'other-queue' }).getStats(jobId))).rejects.toBeInstanceOf(JobDoesNotExistError);
  });

  it('counts successes in the job stats', async () => {
    host = startQueueHost(clock);
    const { jobId } = await asInvocation(() => queue.push(events(3)));
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    await expect(asInvocation(() => queue.getStats(jobId))).resolves.toEqual({ success: 3, inProgress: 0, failed: 0 });
  });
});

describe('push limits, enforced by the host whatever the SDK checked', () => {
  it('refuses more than 50 events in one push', async () => {
    host = startQueueHost(clock);
    await expect(asInvocation(() => queue.push(events(51)))).rejects.toBeInstanceOf(TooManyEventsError);
    const raw = rawPush(events(51));
    await expect(raw).rejects.toBeInstanceOf(InternalServerError);
    await expect(raw).rejects.toThrow('400 Bad Request: This push contains more than the 50 events allowed.');
    await expect(rawPush(events(50))).resolves.toMatchObject({ status: 201 });
    await host.queues.waitForIdle({ timeoutMs: 2_000 });
    expect(host.received).toHaveLength(50);
  });

  it('refuses a push over 200 KB with the SDK PayloadTooBigError', async () => {
    host = startQueueHost(clock, { autoStart: false });
    const big = (kb: number) => ({ body: { blob: 'x'.repeat(kb * 1024) } });
    await expect(asInvocation(() => queue.push([big(101), big(100)]))).rejects.toBeInstanceOf(PayloadTooBigError);
    const raw = rawPush([big(101), big(100)]);
    await expect(raw).rejects.toBeInstanceOf(PayloadTooBigError);
    await expect(raw).rejects.toThrow('The maximum payload size is 200KB.');
    await expect(rawPush([big(99), big(99)])).resolves.toMatchObject({ status: 201 });
    expect(host.queues.counts().pending).toBe(2);
  });

  it('refuses delayInSeconds outside 0..900', async () => {
    host = startQueueHost(clock, { autoStart: false });
    await expect(asInvocation(() => queue.push({ body: {}, delayInSeconds: 901 }))).rejects.toBeInstanceOf(InvalidPushSettingsError);
    for (const delay of [901, -1, 'soon']) {
      const raw = rawPush([{ body: {}, delayInSeconds: delay }]);
      await expect(raw).rejects.toBeInstanceOf(InternalServerError);
      await expect(raw).rejects.toThrow('The delayInSeconds setting must be between 0 and 900.');
    }
    expect(host.queues.counts().pending).toBe(0);
    await expect(rawPush([{ body: {}, delayInSeconds: 900 }])).resolves.toMatchObject({ status: 201 });
    const [pending] = host.queues.pending();
    expect(pending ? pending.dueAt - pending.pushedAt : undefined).toBe(900_000);
  });

  it('refuses invalid concurrency settings (the SDK sends them unchecked)', async () => {
    host = startQueueHost(clock, { autoStart: false });
    for (const concurrency of [{ key: 'k', limit: 0 }, { key: 'k', limit: 1.5 }, { key: '', limit: 1 }, { key: 'k' }, { key: 'k'.repeat(65), limit: 1 }]) {
      const push = asInvocation(() => queue.push({ body: {}, concurrency: concurrency as { key: string; limit: number } }));
      await expect(push).rejects.toBeInstanceOf(InternalServerError);
      await expect(push).rejects.toThrow(/concurrency\.(key|limit) must be/);
    }
    expect(host.queues.counts().pending).toBe(0);
  });

  it('rate-limits an installation to 500 events per minute with the SDK RateLimitError', async () => {
    host = startQueueHost(clock, { autoStart: false });
    for (let i = 0; i < 10; i++) await asInvocation(() => queue.push(events(50)));
    await expect(asInvocation(() => queue.push(events(1)))).rejects.toBeInstanceOf(RateLimitError);
    await expect(asInvocation(() => queue.push(events(1)))).rejects.toThrow('Too many requests.');
    expect(host.queues.counts().pending).toBe(500);

    await clock.advance(30_000);
    await expect(asInvocation(() => queue.push(events(1)))).rejects.toBeInstanceOf(RateLimitError);
    await clock.advance(30_001);
    await expect(asInvocation(() => queue.push(events(50)))).resolves.toHaveProperty('jobId');
    expect(host.queues.counts().pending).toBe(550);
  });
});
