import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETRY_DELAYS_MS } from '../../src/domain/retry-schedule';
import { startTestHost, type TestHost } from '../support/host-fixture';
import { startFaultReceiver, type FaultReceiver, type Received } from '../support/fault-receiver';

/**
 * Issue 11: a receiver that is down for a long time, on the virtual clock. Down for a day: nothing
 * is lost, every delivery arrives after it is back, each delivery's attempts follow the retry
 * schedule (numbers without gaps, never sooner than the schedule's delay minus its 20% jitter).
 * Down for 5 days while changes keep coming: the webhook is disabled and says why; re-enabled with
 * "resend failed since", every change arrives.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

let tlsDir: string;
let receiver: FaultReceiver;
let t: TestHost;

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'prw-outage-'));
  receiver = await startFaultReceiver({ tlsDir });
});

afterAll(async () => {
  await receiver.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const level of ['info', 'warn'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
  receiver.clear();
  t = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, log: () => undefined });
});

afterEach(async () => {
  await t.stop();
  jest.restoreAllMocks();
});

let revision = 0;
let budget = '';
async function save(value: number): Promise<void> {
  if (!budget) budget = String((await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).fields.find((f) => f.name === 'Budget')?.id);
  revision = (await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: revision, values: { [budget]: value } })).revision;
}

/** Saves Budget = value in one of DEMO, OPS, HR in turn (a site where changes come from several projects). */
const revisions = new Map<string, number>();
async function saveRotating(value: number): Promise<void> {
  if (!budget) budget = String((await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).fields.find((f) => f.name === 'Budget')?.id);
  const projectKey = ['DEMO', 'OPS', 'HR'][value % 3] ?? 'DEMO';
  const saved = await t.invokeOk('admin', 'saveProjectFields', { projectKey, baseRevision: revisions.get(projectKey) ?? 0, values: { [budget]: value } });
  revisions.set(projectKey, saved.revision);
}

async function runFor(ms: number, step: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    await t.host.advanceClock(step);
    await t.host.settle();
  }
}

const revisionOf = (r: Received) => (JSON.parse(r.body) as { data: { revision: number } }).data.revision;

describe('receiver down', () => {
  beforeEach(() => {
    revision = 0;
    budget = '';
    revisions.clear();
  });

  it('for nearly a virtual day (22 h, within the shortest schedule), then back: every delivery arrives after recovery, attempts in the schedule’s order', async () => {
    const id = (await t.invokeOk('admin', 'createWebhook', { name: 'Down a day', url: receiver.hookUrl('day') })).webhook.id;
    receiver.on('day', { kind: 'answer', status: 503 });
    const saves = 12;
    for (let i = 1; i <= saves; i += 1) await save(i);
    await t.host.settle();
    // Nearly a day: the schedule's 8 attempts take 27.6 h, at least 22.07 h with every jitter at
    // -20%; an outage longer than that may rightly end a delivery as failed before the receiver is back.
    await runFor(22 * HOUR, 5 * MINUTE);
    const down = receiver.received('day');
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((r) => r.answered === 503)).toBe(true);
    // Never more than the schedule allows.
    expect(down.length).toBeLessThanOrEqual(saves * 8);

    // When each delivery's next attempt is due, as the log says at the moment the receiver is back.
    await t.host.advanceClock(2 * SECOND);
    const log = await t.invokeOk('admin', 'listDeliveries', { webhookId: id, limit: 50 });
    expect(log.deliveries).toHaveLength(saves);
    const dueAt = new Map(log.deliveries.map((d) => [d.id, d.nextAttemptAt ?? 0]));
    const recoveredAt = Date.now();
    receiver.on('day', undefined);
    await runFor(16 * HOUR, 5 * MINUTE);

    const got = receiver.received('day');
    const delivered = got.filter((r) => r.answered === 200);
    expect(delivered.every((r) => r.at >= recoveredAt)).toBe(true);
    expect(delivered.map(revisionOf).sort((a, b) => a - b)).toEqual(Array.from({ length: saves }, (_, i) => i + 1));
    // In the schedule's order: each one no sooner than its next attempt was due, and soon after it
    // (the step of this loop); none due later overtakes one due earlier by more than that step.
    for (const [i, r] of delivered.entries()) {
      const due = dueAt.get(r.webhookId) ?? Number.NaN;
      expect(r.at).toBeGreaterThanOrEqual(due);
      expect(r.at).toBeLessThanOrEqual(due + 5 * MINUTE + 10 * SECOND);
      const before = delivered[i - 1];
      if (before) expect(due).toBeGreaterThanOrEqual((dueAt.get(before.webhookId) ?? 0) - 5 * MINUTE - 10 * SECOND);
    }
    // Per delivery: attempt numbers 1, 2, 3... without gaps or repeats, each no sooner than the schedule allows.
    const byDelivery = new Map<string, Received[]>();
    for (const r of got) byDelivery.set(r.webhookId, [...(byDelivery.get(r.webhookId) ?? []), r]);
    expect(byDelivery.size).toBe(saves);
    for (const attempts of byDelivery.values()) {
      expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
      for (let n = 1; n < attempts.length; n += 1) {
        const gap = (attempts[n]?.at ?? 0) - (attempts[n - 1]?.at ?? 0);
        expect(gap).toBeGreaterThanOrEqual((RETRY_DELAYS_MS[n - 1] ?? 0) * 0.8 - SECOND);
      }
    }
    const webhook = await t.invokeOk('admin', 'getWebhook', { id });
    expect(webhook).toMatchObject({ active: true, status: { lastResult: 'OK' }, health: { pending: 0 } });
  }, 120_000);

  it('for 5 days while changes keep coming: disabled with the reason; re-enabled, "resend failed since" brings every change it had', async () => {
    const id = (await t.invokeOk('admin', 'createWebhook', { name: 'Down five days', url: receiver.hookUrl('five') })).webhook.id;
    const createdAt = Date.now();
    receiver.on('five', { kind: 'answer', status: 500 });
    // A change every 12 hours, in three projects in turn: the ones of the first days fail for good
    // after their 8 attempts (a project's next change is tried once the one before it is final).
    // Stopped as soon as it is disabled.
    let value = 0;
    let disabled = await t.invokeOk('admin', 'getWebhook', { id });
    for (let step = 0; step < 12 * 24 && disabled.active; step += 1) {
      if (step % 24 === 0) await saveRotating((value += 1));
      await runFor(30 * MINUTE, 30 * MINUTE);
      disabled = await t.invokeOk('admin', 'getWebhook', { id });
    }
    expect(disabled.active).toBe(false);
    expect(disabled.disabledReason).toMatch(/No successful delivery since the webhook was created/);
    expect(disabled.disabledAt).toBeGreaterThanOrEqual(createdAt + 5 * 24 * HOUR);
    expect(value).toBeGreaterThanOrEqual(10);

    receiver.on('five', undefined);
    await t.invokeOk('admin', 'updateWebhook', { id, active: true });
    const resent = await t.invokeOk('admin', 'resendFailed', { webhookId: id, since: createdAt });
    expect(resent.queued).toBeGreaterThanOrEqual(5);
    expect(resent.more).toBe(false);
    // Failed ones and those still pending when it was disabled go now.
    await runFor(1 * HOUR, 30 * MINUTE);

    const delivered = receiver.received('five').filter((r) => r.answered === 200);
    const expected = Array.from({ length: value }, (_, i) => i + 1);
    const budgetOf = (r: Received) => Number((JSON.parse(r.body) as { data: { fields: { value: { current: string } }[] } }).data.fields[0]?.value.current);
    expect([...new Set(delivered.map(budgetOf))].sort((a, b) => a - b)).toEqual(expected);
    const after = await t.invokeOk('admin', 'getWebhook', { id });
    expect(after).toMatchObject({ active: true, disabledReason: null, status: { lastResult: 'OK' }, health: { pending: 0 } });
  }, 120_000);

  // A drain that finds its webhook disabled plans no wake-up: enabling it wakes the drain again.
  it('a disabled webhook with deliveries still pending costs no queue events', async () => {
    const id = (await t.invokeOk('admin', 'createWebhook', { name: 'Gone, with work left', url: receiver.hookUrl('spin') })).webhook.id;
    receiver.on('spin', { kind: 'answer', status: 500 });
    await save(1);
    await save(2);
    await t.host.settle();
    // Disabled by the admin while a delivery waits for its retry.
    await t.invokeOk('admin', 'updateWebhook', { id, active: false });
    const before = t.host.usage().total.queueEvents;
    await t.host.advanceClock(10 * SECOND);
    await t.host.settle();
    expect(t.host.usage().total.queueEvents - before).toBeLessThanOrEqual(2);
  });
});
