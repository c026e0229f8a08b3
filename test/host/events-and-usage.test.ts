import { request } from 'node:http';
import { kvs } from '@forge/kvs';
import { Queue } from '@forge/events';
import type { ForgeHost } from '../../local/host';
import { startHostServer, type HostServer } from '../../local/server';
import { asInvocation, startMiniHost } from '../support/mini-host';

let host: ForgeHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const PROJECT_EVENTS = ['avi:jira:updated:project', 'avi:jira:softdeleted:project', 'avi:jira:restored:project', 'avi:jira:deleted:project'];

describe('product events and scheduled runs', () => {
  it('the Jira stand-in emits softdeleted and restored beside deleted; a trashed project is gone from REST', async () => {
    const seen: string[] = [];
    host = startMiniHost({ events: PROJECT_EVENTS }, { trigger: (event: unknown) => void seen.push(`${(event as { eventType: string }).eventType} ${(event as { project: { key: string } }).project.key}`) });
    await host.jira.trashProject(13647);
    expect(host.jira.projects().map((p) => p.key)).not.toContain('DEMO');
    await host.jira.restoreProject(13647);
    expect(seen).toEqual(['avi:jira:softdeleted:project DEMO', 'avi:jira:restored:project DEMO']);
  });

  it('under chaos (strict), events come twice and late: held on the virtual clock until due', async () => {
    const seen: number[] = [];
    host = startMiniHost({ events: PROJECT_EVENTS }, { trigger: (event: unknown) => void seen.push((event as { n: number }).n) }, { fidelity: 'strict', chaos: { duplicateRate: 1, seed: 5 } });
    let held = 0;
    for (let n = 1; n <= 6; n++) held += (await host.emitProductEvent('avi:jira:updated:project', { n })).heldBack;
    expect(held).toBeGreaterThan(0);
    expect(seen.length).toBe(12 - held);
    await host.advanceClock(host.fidelity.maxLatenessMs);
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  });

  it('without chaos each event comes once, at once', async () => {
    const seen: number[] = [];
    host = startMiniHost({ events: PROJECT_EVENTS }, { trigger: (event: unknown) => void seen.push((event as { n: number }).n) }, { fidelity: 'strict' });
    expect(await host.emitProductEvent('avi:jira:updated:project', { n: 1 })).toEqual({ triggersRun: 1, heldBack: 0 });
    expect(seen).toEqual([1]);
  });

  it('under chaos a scheduled run may come twice, and the next one late', async () => {
    let runs = 0;
    host = startMiniHost({ scheduled: true }, { scheduled: () => void runs++ }, { fidelity: 'strict', chaos: { duplicateRate: 1, seed: 2 } });
    const before = Date.now();
    await host.scheduler.runNow('tick');
    expect(runs).toBe(2);
    const next = host.scheduler.nextDue('tick') ?? 0;
    expect(next - before).toBeGreaterThanOrEqual(5 * 60_000);
    expect(next - before).toBeLessThanOrEqual(5 * 60_000 + host.fidelity.maxLatenessMs + 1_000);
  });
});

describe('usage: every platform operation counted, per invocation kind and in total', () => {
  let server: HostServer;
  afterEach(async () => server.close());

  it('GET /_host/usage answers the counters; POST /_host/usage/reset starts them again', async () => {
    host = startMiniHost({ queues: { q: 25 } }, { consumer: () => kvs.get('x') });
    server = await startHostServer(host, { port: 0 });
    await asInvocation(async () => {
      await kvs.set('x', 'y'.repeat(15 * 1024));
      await new Queue({ key: 'q' }).push([{ body: {} }, { body: {} }, { body: {} }]);
    }, 'saver');
    await host.settle();

    const usage = (await (await fetch(`${server.baseUrl}/_host/usage`)).json()) as { fidelity: string; total: Record<string, number>; byKind: Record<string, Record<string, number>> };
    expect(usage.fidelity).toBe('default');
    expect(usage.byKind['test:saver']).toMatchObject({ kvsRequests: 1, kvsWriteUnits: 2, queuePushes: 1, queueEvents: 3 });
    expect(usage.byKind['consumer:q-fn']).toMatchObject({ invocations: 3, kvsRequests: 3, kvsReadUnits: 6 });
    expect(usage.total).toMatchObject({ invocations: 3, kvsRequests: 4, queuePushes: 1, queueEvents: 3 });

    const reset = await fetch(`${server.baseUrl}/_host/usage/reset`, { method: 'POST' });
    expect(((await reset.json()) as { total: Record<string, number> }).total.kvsRequests).toBe(0);
    expect(host.usage().byKind).toEqual({});
  });

  it('/_host/* answers only the host itself: a foreign Host or Origin is refused', async () => {
    host = startMiniHost({}, {});
    server = await startHostServer(host, { port: 0 });
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${server.baseUrl}/_host/usage/reset`, { method: 'POST', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status({ host: 'rebound.example' })).toBe(403);
    expect(await status({ origin: 'https://evil.example' })).toBe(403);
    expect(await status({ origin: server.baseUrl })).toBe(200);
  });
});
