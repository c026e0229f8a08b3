/**
 * The webhook pipeline on the offline host, end to end: saves -> `field-changes` wake-ups ->
 * fan-out -> `deliveries` wake-ups -> drains -> signed HTTPS POSTs to a loopback receiver.
 *
 * Speed is reported as a ratio against a raw loop of signed POSTs to the same receiver in the
 * same run (the machine is shared, absolute numbers are noise); cost comes from the host's usage
 * counters, which count exactly what Forge meters, so those numbers do not depend on the machine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDelivery } from '../src/domain/delivery-lifecycle';
import { deliveryIdFor } from '../src/domain/delivery-policy';
import { deliveryRecordSchema, type DeliveryRecord } from '../src/domain/records';
import { buildSignatureHeaders } from '../src/domain/signing';
import { buildWebhookBody } from '../src/domain/webhook-body';
import { createKvsDeliveryStore } from '../src/forge/kvs-delivery-store';
import type { FidelityOption } from '../local/platform/fidelity';
import type { UsageCounters, UsageReport } from '../local/platform/usage';
import type { ForgeWebTriggerRequest } from '../local/platform/web-triggers';
import { asApp, startTestHost, type TestHost } from '../test/support/host-fixture';
import type { BenchReceiver } from './receiver';

/** Forge's per-installation rates (DESIGN.md section 3), per minute. */
export const FORGE_RATES = { queueEvents: 500, kvsReadUnits: 4_000, kvsWriteUnits: 4_000, kvsRequests: 1_000 * 60 } as const;

/** Rate limits off: the host's queue rate (500 events/min in both modes) is switched off too. */
const UNLIMITED: FidelityOption = { mode: 'default', queueEventsPerMinute: Number.POSITIVE_INFINITY };
const STRICT: FidelityOption = 'strict';

/** Progress and retries go to stderr, so stdout holds the report only. */
export const log = (line: string): void => void process.stderr.write(`  ${line}\n`);

// ---------------------------------------------------------------------------------------------
// A host with W webhooks to the bench receiver
// ---------------------------------------------------------------------------------------------

interface Rig {
  readonly t: TestHost;
  readonly receiver: BenchReceiver;
  readonly hooks: readonly { readonly id: string; readonly secret: string; readonly url: string }[];
  readonly budgetId: number;
  /** DEMO's revision, kept here so each save needs no read first. */
  revision: number;
  stop(): Promise<void>;
}

/**
 * Retries a platform-facing step that strict fidelity may refuse (429s at Forge's rates), moving
 * the virtual clock so the sliding windows let it through, as a client's retry would.
 */
async function retrying<T>(t: TestHost, what: string, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (t.host.fidelity.mode !== 'strict' || attempt >= 30) throw error;
      if (attempt === 1) log(`${what}: refused (${error instanceof Error ? error.message.slice(0, 80) : String(error)}), retrying on the virtual clock`);
      await t.host.clock.advance(2_000);
    }
  }
}

/**
 * `storage: 'file'` keeps the host's state in a temporary SQLite file: the cases that store
 * thousands of deliveries held them all in memory otherwise (100,000 in the log case were most of
 * the benchmark's peak RSS). The real-time speed cases keep it in memory: a file's writes halve
 * their ratio against the raw loop, and they store little.
 */
async function startRig(receiver: BenchReceiver, options: { fidelity: FidelityOption; webhooks: number; extraProjects?: number; storage?: 'memory' | 'file' }): Promise<Rig> {
  receiver.clear();
  const dir = mkdtempSync(join(tmpdir(), 'prw-bench-host-'));
  const databaseFile = options.storage === 'memory' ? ':memory:' : join(dir, 'host.db');
  const t = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, fidelity: options.fidelity, databaseFile });
  for (let i = 0; i < (options.extraProjects ?? 0); i++) {
    t.host.jira.addProject({ id: 20_000 + i, key: bulkProjectKey(i), name: `Bench project ${i}`, projectTypeKey: 'business', browsers: [], admins: [] });
  }
  const view = await retrying(t, 'read DEMO', () => t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' }));
  const budget = view.fields.find((f) => f.name === 'Budget');
  if (!budget) throw new Error('bench: the seeded catalog has no Budget field');
  const hooks: { id: string; secret: string; url: string }[] = [];
  for (let i = 0; i < options.webhooks; i++) {
    const url = receiver.url(`h${i}`);
    const created = await retrying(t, 'create webhook', () => t.invokeOk('admin', 'createWebhook', { name: `Bench hook ${i}`, url }));
    hooks.push({ id: created.webhook.id, secret: created.secret, url });
  }
  const stop = async () => {
    try {
      await t.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { t, receiver, hooks, budgetId: budget.id, revision: view.revision, stop };
}

/** Bulk requests the platform refused or that failed (strict fidelity), reported after the run. */
export const bulkFailures: string[] = [];

const bulkProjectKey = (i: number) => `BP${String(i).padStart(3, '0')}`;

/** `count` saves of DEMO's Budget through the project page's resolver, one after the other (each needs the last revision). */
async function resolverSaves(rig: Rig, count: number, firstValue: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const saved = await retrying(rig.t, 'save', () =>
      rig.t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: rig.revision, values: { [String(rig.budgetId)]: String(firstValue + i) } }),
    );
    rig.revision = saved.revision;
  }
}

/**
 * `rounds` bulk requests (`PATCH /projects/fields` of the management API, one project each of
 * `projects`): rounds x projects changes. A project the platform refused is sent again with the
 * same value (a save that changes nothing writes nothing), so retries never count twice.
 */
async function bulkSaves(rig: Rig, token: string, rounds: number, projects: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    let left = Array.from({ length: projects }, (_, i) => bulkProjectKey(i));
    for (let attempt = 1; left.length > 0; attempt += 1) {
      if (attempt > 30) throw new Error(`bench: bulk round ${round} still refused for ${left.length} projects`);
      const body = JSON.stringify({ projects: Object.fromEntries(left.map((key) => [key, { Budget: 1_000 + round }])) });
      const request: ForgeWebTriggerRequest = {
        method: 'PATCH',
        path: '/x1/bench/projects/fields',
        userPath: '/projects/fields',
        headers: { Authorization: [`Bearer ${token}`], 'Content-Type': ['application/json'] },
        queryParameters: {},
        body,
      };
      // A function that throws is answered 500 by Forge: the same here, and the round is sent again.
      const answer = (await rig.t.host.runtime.invokeWebTrigger('management-api', request).catch((error: unknown) => ({
        statusCode: 500,
        body: `thrown: ${error instanceof Error ? error.message : String(error)}`,
      }))) as { statusCode?: number; body?: string };
      if (answer.statusCode === 200) {
        const results = (JSON.parse(answer.body ?? '{}') as { results?: Record<string, { ok: boolean; error?: { code?: string } }> }).results ?? {};
        for (const key of left) if (results[key]?.ok !== true) bulkFailures.push(`project ${key}: ${results[key]?.error?.code ?? 'no result'}`);
        left = left.filter((key) => results[key]?.ok !== true);
      } else {
        bulkFailures.push(`HTTP ${answer.statusCode ?? '?'} ${(answer.body ?? '').slice(0, 160)}`);
        if (attempt === 1) log(`bulk round ${round}: HTTP ${answer.statusCode ?? '?'} ${(answer.body ?? '').slice(0, 120)}; retrying`);
      }
      if (left.length > 0) await rig.t.host.clock.advance(2_000);
    }
  }
}

/**
 * Waits until the receiver has `target` distinct deliveries. With `advance`, whenever the host is
 * idle the virtual clock moves to the next due event (at most 10 s, so the sweeper's 5-minute runs
 * and the rate windows are not skipped); the simulated time is real time plus what was advanced.
 */
async function untilDelivered(rig: Rig, target: number, options: { advance: boolean; realTimeoutMs: number; maxSimulatedMs?: number }): Promise<{ simulatedMs: number }> {
  const { t, receiver } = rig;
  const start = Date.now();
  const realStart = performance.now();
  if (!options.advance) {
    await receiver.waitFor(target, options.realTimeoutMs);
  } else {
    while (receiver.distinct() < target) {
      if (performance.now() - realStart > options.realTimeoutMs) throw new Error(`bench: ${receiver.distinct()} of ${target} deliveries after ${options.realTimeoutMs / 1000} s real time`);
      if (Date.now() - start > (options.maxSimulatedMs ?? 24 * 3_600_000)) throw new Error(`bench: ${receiver.distinct()} of ${target} deliveries after ${(Date.now() - start) / 60_000} simulated minutes`);
      await t.host.queues.waitForIdle({ timeoutMs: options.realTimeoutMs });
      if (receiver.distinct() >= target) break;
      const next = t.host.queues.nextDueAt();
      const step = Math.min(10_000, next === undefined ? 10_000 : Math.max(0, next - Date.now()));
      if (step > 0) await t.host.clock.advance(step);
      else await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const simulatedMs = Date.now() - start;
  // What the drains write after the last POST (results, status) is part of the cost.
  await t.host.queues.waitForIdle({ timeoutMs: options.realTimeoutMs });
  return { simulatedMs };
}

// ---------------------------------------------------------------------------------------------
// Costs from the usage counters
// ---------------------------------------------------------------------------------------------

export interface Cost {
  readonly changes: number;
  readonly deliveries: number;
  readonly total: UsageCounters;
  readonly byKind: Readonly<Record<string, UsageCounters>>;
  readonly eventsPerDelivery: number;
  readonly pushesPerChange: number;
  readonly invocationsPerDelivery: number;
  readonly kvsReadUnitsPerDelivery: number;
  readonly kvsWriteUnitsPerDelivery: number;
  readonly kvsRequestsPerDelivery: number;
  /** Deliveries per minute one site sustains at this cost under Forge's rates, and what limits it. */
  readonly ceiling: { readonly deliveriesPerMinute: number; readonly predictedMinutes: number; readonly bottleneck: string; readonly minutesBy: Readonly<Record<string, number>> };
}

export function costOf(report: UsageReport, changes: number, deliveries: number): Cost {
  const total = report.total;
  const minutesBy = {
    'queue events': total.queueEvents / FORGE_RATES.queueEvents,
    'KVS read units': total.kvsReadUnits / FORGE_RATES.kvsReadUnits,
    'KVS write units': total.kvsWriteUnits / FORGE_RATES.kvsWriteUnits,
    'KVS requests': total.kvsRequests / FORGE_RATES.kvsRequests,
  };
  const [bottleneck, predictedMinutes] = Object.entries(minutesBy).reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    changes,
    deliveries,
    total,
    byKind: report.byKind,
    eventsPerDelivery: total.queueEvents / deliveries,
    pushesPerChange: total.queuePushes / changes,
    invocationsPerDelivery: total.invocations / deliveries,
    kvsReadUnitsPerDelivery: total.kvsReadUnits / deliveries,
    kvsWriteUnitsPerDelivery: total.kvsWriteUnits / deliveries,
    kvsRequestsPerDelivery: total.kvsRequests / deliveries,
    ceiling: { deliveriesPerMinute: deliveries / predictedMinutes, predictedMinutes, bottleneck, minutesBy },
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Throughput: the pipeline against a raw loop of signed POSTs
// ---------------------------------------------------------------------------------------------

export interface ThroughputRound {
  readonly pipelinePerSec: number;
  readonly rawPerSec: number;
  readonly ratio: number;
  /** Real seconds the saves took (serial resolver calls) and the whole pipeline run took: how much of it is the save path. */
  readonly savesSeconds: number;
  readonly pipelineSeconds: number;
}

/** The round whose ratio is the median of `rounds` (each on a fresh host), and every round's ratio. */
export interface Throughput extends ThroughputRound {
  readonly changes: number;
  readonly webhooks: number;
  readonly ratios: readonly number[];
}

/**
 * The raw loop: what the drains do at the least, with none of the pipeline around it: per
 * webhook one worker (one drain per webhook), each signing a body of the pipeline's size with
 * that webhook's secret and POSTing it, one at a time, through the same fetch to the same receiver.
 */
async function rawLoop(receiver: BenchReceiver, hooks: Rig['hooks'], perHook: number, body: string): Promise<number> {
  receiver.clear();
  const started = performance.now();
  await Promise.all(
    hooks.map(async (hook) => {
      for (let i = 0; i < perHook; i++) {
        const headers = buildSignatureHeaders({ deliveryId: `msg_raw_${randomUUID()}`, timestampSeconds: Math.floor(Date.now() / 1000), body, secrets: [hook.secret], attempt: 1, userAgent: 'projectrak-webhooks/bench' });
        const response = await receiver.trustedFetch(hook.url, { method: 'POST', headers: { ...headers }, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.status !== 204) throw new Error(`raw loop: HTTP ${response.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (receiver.distinct() !== hooks.length * perHook) throw new Error(`raw loop: ${receiver.distinct()} of ${hooks.length * perHook} arrived`);
  return (hooks.length * perHook) / seconds;
}

/**
 * Raw, pipeline, raw on a fresh host, `rounds` times; the round with the median ratio is the
 * result. Both rates are real time on a shared machine, so one round can be off by a tenth when
 * something else runs; the median of several is what the goal is checked against.
 */
export async function measureThroughput(receiver: BenchReceiver, changes: number, webhooks: number, rounds: number): Promise<Throughput> {
  const results: ThroughputRound[] = [];
  for (let round = 0; round < rounds; round++) results.push(await throughputRound(receiver, changes, webhooks));
  const byRatio = [...results].sort((a, b) => a.ratio - b.ratio);
  const median = byRatio[Math.floor((byRatio.length - 1) / 2)];
  if (!median) throw new Error('bench: throughput needs at least one round');
  return { changes, webhooks, ...median, ratios: results.map((r) => r.ratio) };
}

async function throughputRound(receiver: BenchReceiver, changes: number, webhooks: number): Promise<ThroughputRound> {
  const rig = await startRig(receiver, { fidelity: UNLIMITED, webhooks, storage: 'memory' });
  try {
    // Warm-up: one change through the whole path (first compiles, TLS sessions, SQLite statements).
    await resolverSaves(rig, 1, 1);
    await untilDelivered(rig, webhooks, { advance: false, realTimeoutMs: 60_000 });
    const body = receiver.sampleBody() ?? '{}';
    await rawLoop(receiver, rig.hooks, 5, body);

    // Raw, pipeline, raw: the mean of the two raw runs brackets the pipeline's, against drift in the machine's load.
    const rawBefore = await rawLoop(receiver, rig.hooks, changes, body);
    receiver.clear();
    const started = performance.now();
    await resolverSaves(rig, changes, 1_000);
    const savesSeconds = (performance.now() - started) / 1000;
    await untilDelivered(rig, changes * webhooks, { advance: false, realTimeoutMs: 300_000 });
    const pipelineSeconds = (performance.now() - started) / 1000;
    const pipelinePerSec = (changes * webhooks) / pipelineSeconds;
    const rawAfter = await rawLoop(receiver, rig.hooks, changes, body);
    const rawPerSec = (rawBefore + rawAfter) / 2;
    return { pipelinePerSec, rawPerSec, ratio: pipelinePerSec / rawPerSec, savesSeconds, pipelineSeconds };
  } finally {
    await rig.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Cost of a burst of saves (resolver), and of a bulk burst (management API)
// ---------------------------------------------------------------------------------------------

export async function measureResolverBurst(receiver: BenchReceiver, saves: number, webhooks: number): Promise<Cost> {
  const rig = await startRig(receiver, { fidelity: UNLIMITED, webhooks });
  try {
    rig.t.host.resetUsage();
    receiver.clear();
    await resolverSaves(rig, saves, 1_000);
    await untilDelivered(rig, saves * webhooks, { advance: true, realTimeoutMs: 300_000 });
    return costOf(rig.t.host.usage(), saves, saves * webhooks);
  } finally {
    await rig.stop();
  }
}

export interface BulkBurst {
  readonly cost: Cost;
  readonly simulatedMinutes: number;
  readonly realSeconds: number;
}

const BULK_PROJECTS = 100;

/** `changes` changes (rounds of 100 projects through the bulk route) to `webhooks` webhooks. */
export async function measureBulkBurst(receiver: BenchReceiver, changes: number, webhooks: number, strict: boolean): Promise<BulkBurst> {
  const rounds = Math.ceil(changes / BULK_PROJECTS);
  const rig = await startRig(receiver, { fidelity: strict ? STRICT : UNLIMITED, webhooks, extraProjects: BULK_PROJECTS });
  try {
    const token = `prw_bench-${randomUUID()}`;
    await retrying(rig.t, 'seed token', () => rig.t.host.seedApiToken(token, rig.t.accountId('admin')));
    // A quiet minute first: the burst starts with Forge's sliding windows empty, as a fresh site's would.
    if (strict) await rig.t.host.advanceClock(61_000);
    rig.t.host.resetUsage();
    receiver.clear();
    const start = Date.now();
    const realStart = performance.now();
    await bulkSaves(rig, token, rounds, BULK_PROJECTS);
    const target = rounds * BULK_PROJECTS * webhooks;
    await untilDelivered(rig, target, { advance: true, realTimeoutMs: 600_000 });
    const simulatedMinutes = (Date.now() - start) / 60_000;
    return { cost: costOf(rig.t.host.usage(), rounds * BULK_PROJECTS, target), simulatedMinutes, realSeconds: (performance.now() - realStart) / 1000 };
  } finally {
    await rig.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. One change to many webhooks; the delivery log's page cost
// ---------------------------------------------------------------------------------------------

export interface FanOut {
  readonly webhooks: number;
  readonly delivered: number;
  readonly rejectedPushes: number;
  readonly pushes: number;
  readonly events: number;
  readonly simulatedMinutes: number;
  readonly byKind: Readonly<Record<string, UsageCounters>>;
  /** KVS requests of creating one more webhook with `webhooks` existing (the name check must not list them). */
  readonly kvsRequestsPerCreate: number;
  /** Of those, requests the platform refused (429 under strict fidelity; retried on the virtual clock). */
  readonly createRateLimited: number;
}

/** One save to `webhooks` webhooks with Forge's limits on (strict: 500 events/min, chains cut at 1,000 pushes, partial pushes). */
export async function measureFanOut(receiver: BenchReceiver, webhooks: number): Promise<FanOut> {
  const rig = await startRig(receiver, { fidelity: STRICT, webhooks });
  try {
    await rig.t.host.advanceClock(61_000);
    rig.t.host.resetUsage();
    receiver.clear();
    const start = Date.now();
    await resolverSaves(rig, 1, 1_000);
    await untilDelivered(rig, webhooks, { advance: true, realTimeoutMs: 600_000 });
    const usage = rig.t.host.usage();
    const total = usage.total;
    const simulatedMinutes = (Date.now() - start) / 60_000;
    // One more webhook on a site that has `webhooks`: after a quiet minute, so Forge's windows are empty.
    await rig.t.host.advanceClock(61_000);
    rig.t.host.resetUsage();
    await retrying(rig.t, 'create webhook', () => rig.t.invokeOk('admin', 'createWebhook', { name: `Bench hook ${webhooks}`, url: receiver.url(`h${webhooks}`) }));
    const create = rig.t.host.usage().total;
    return {
      byKind: usage.byKind,
      webhooks,
      delivered: receiver.distinct(),
      rejectedPushes: total.queuePushesRefused,
      pushes: total.queuePushes,
      events: total.queueEvents,
      simulatedMinutes,
      kvsRequestsPerCreate: create.kvsRequests,
      createRateLimited: create.kvsRateLimited,
    };
  } finally {
    await rig.stop();
  }
}

export interface LogPage {
  readonly small: number;
  readonly large: number;
  readonly kvsUnitsSmall: number;
  readonly kvsUnitsLarge: number;
  readonly kvsRequestsSmall: number;
  readonly kvsRequestsLarge: number;
  readonly pageSize: number;
}

/**
 * One page of a webhook's delivery log (the `listDeliveries` resolver, the largest page) with
 * `small` and then `large` deliveries stored. The records are written straight to KVS in batches
 * (what the fan-out writes, without sending them), so 100,000 take seconds rather than an hour.
 */
export async function measureLogPage(receiver: BenchReceiver, small: number, large: number): Promise<LogPage> {
  const rig = await startRig(receiver, { fidelity: UNLIMITED, webhooks: 1 });
  // A full page at both sizes (a page of 50 at 10 deliveries would hold 10): same page, more stored.
  const pageSize = Math.min(50, small);
  try {
    const hook = rig.hooks[0];
    if (!hook) throw new Error('bench: no webhook');
    const store = createKvsDeliveryStore();
    const body = JSON.stringify(
      buildWebhookBody({
        event: 'updated',
        user: rig.t.accountId('admin'),
        timestamp: 1_718_000_000_000,
        project: { id: 13647, key: 'DEMO', name: 'Demo project' },
        fields: [{ id: rig.budgetId, name: 'Budget', type: 'number', value: { current: '23.000', previous: '25.000' } }],
        revision: 1,
      }),
    );
    let written = 0;
    const fill = async (upTo: number) => {
      const chunk = 1_000;
      while (written < upTo) {
        const records: DeliveryRecord[] = [];
        for (let i = written; i < Math.min(upTo, written + chunk); i++) {
          const changeId = `bench-change-${i}`;
          const at = 1_718_000_000_000 + i * 1_000;
          // Parsed, so fields the record gained later get their defaults as a stored record's would.
          records.push(
            deliveryRecordSchema.parse({
              schemaVersion: 1,
              deliveryId: deliveryIdFor(changeId, hook.id),
              webhookId: hook.id,
              changeId,
              event: 'updated',
              project: { id: 13647, key: 'DEMO', name: 'Demo project' },
              fieldNames: ['Budget'],
              order: at,
              status: 'delivered',
              createdAt: at,
              dueAt: at,
              attempts: 1,
              roundStart: 0,
              inFlight: 0,
              lastAttemptAt: at + 40,
              lastStatusCode: 204,
              lastError: null,
              body,
            }),
          );
        }
        await asApp(() => store.saveMany(records));
        written += records.length;
      }
    };
    const pageCost = async () => {
      rig.t.host.resetUsage();
      const page = await rig.t.invokeOk('admin', 'listDeliveries', { webhookId: hook.id, limit: pageSize });
      if (page.deliveries.length !== Math.min(pageSize, written)) throw new Error(`bench: the log page has ${page.deliveries.length} deliveries, expected ${Math.min(pageSize, written)}`);
      const total = rig.t.host.usage().total;
      return { units: total.kvsReadUnits + total.kvsWriteUnits, requests: total.kvsRequests };
    };
    await fill(small);
    const smallCost = await pageCost();
    await fill(large);
    const largeCost = await pageCost();
    return { small, large, pageSize, kvsUnitsSmall: smallCost.units, kvsUnitsLarge: largeCost.units, kvsRequestsSmall: smallCost.requests, kvsRequestsLarge: largeCost.requests };
  } finally {
    await rig.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 5. One webhook to a slow receiver: parallel across projects, in order within each
// ---------------------------------------------------------------------------------------------

export interface Latency {
  readonly receiverMs: number;
  readonly projects: number;
  readonly changesPerProject: number;
  readonly deliveries: number;
  /** Distinct deliveries per minute of real time, from the first save to the last new delivery at the receiver. */
  readonly perWebhookPerMinute: number;
  /** First arrivals whose `data.revision` is lower than one already received for the same project. */
  readonly outOfOrder: number;
  /** The most requests the receiver had open at once. */
  readonly maxInFlight: number;
  /** The webhook's own `maxInFlight` setting as `getWebhook` shows it; null while the record has none. */
  readonly webhookMaxInFlight: number | null;
  /** Requests beyond the distinct deliveries (retries of a delivery the receiver already had). */
  readonly duplicates: number;
  readonly savesSeconds: number;
  readonly wallSeconds: number;
}

/**
 * One webhook, `projects` projects with `changesPerProject` successive changes each, through the
 * bulk route (each request changes every project once, so each project's revisions rise one by
 * one), to a `receiver` that holds every request for its delay. Real time, rate limits off: what
 * one webhook sustains when the endpoint, not the platform, is slow, from the moment the saved
 * changes start to flow until the last is delivered. The receiver must track order.
 */
export async function measureLatency(receiver: BenchReceiver, receiverMs: number, projects: number, changesPerProject: number): Promise<Latency> {
  const rig = await startRig(receiver, { fidelity: UNLIMITED, webhooks: 1, extraProjects: projects, storage: 'memory' });
  try {
    const hook = rig.hooks[0];
    if (!hook) throw new Error('bench: no webhook');
    const token = `prw_bench-${randomUUID()}`;
    await rig.t.host.seedApiToken(token, rig.t.accountId('admin'));
    // Read back as an admin would see it: a setting the record does not have yet is reported as null.
    const dto: Record<string, unknown> = { ...(await rig.t.invokeOk('admin', 'getWebhook', { id: hook.id })) };
    const webhookMaxInFlight = typeof dto.maxInFlight === 'number' ? dto.maxInFlight : null;

    const deliveries = projects * changesPerProject;
    receiver.clear();
    // The saves first, with the queues stopped, so the rate is the drain's, not the saves' (they
    // are measured by the cost case): the clock starts when the queues do.
    await rig.t.host.queues.stop();
    const savesStarted = performance.now();
    await bulkSaves(rig, token, changesPerProject, projects);
    const savesSeconds = (performance.now() - savesStarted) / 1000;
    const started = performance.now();
    rig.t.host.queues.start();
    // One at a time takes deliveries x the delay; twice that and a minute more is a stall, not a slow drain.
    await untilDelivered(rig, deliveries, { advance: false, realTimeoutMs: 2 * deliveries * receiverMs + 60_000 });
    const last = receiver.lastDistinctAt() ?? performance.now();
    const wallSeconds = (last - started) / 1000;
    return {
      receiverMs,
      projects,
      changesPerProject,
      deliveries,
      perWebhookPerMinute: deliveries / (wallSeconds / 60),
      outOfOrder: receiver.outOfOrder(),
      maxInFlight: receiver.maxInFlight(),
      webhookMaxInFlight,
      duplicates: receiver.requests() - receiver.distinct(),
      savesSeconds,
      wallSeconds,
    };
  } finally {
    await rig.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 6. The memory of one drain invocation
// ---------------------------------------------------------------------------------------------

export interface DrainMemory {
  readonly deliveries: number;
  /** Delivered by the one invocation (its budget may leave some to a continuation). */
  readonly delivered: number;
  /** Heap above the collected baseline at the invocation's peak (sampled every few ms), MB. */
  readonly peakHeapMb: number;
  /** Heap still held after the invocation and a full collection, MB (a leak would show here). */
  readonly retainedHeapMb: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
}

/** A full collection, also without --expose-gc (V8's flag can be set at run time for a new context's `gc`). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * One drain invocation of one webhook with `deliveries` due, each of its own project (so it sends
 * in parallel up to maxInFlight): the heap it grows by, measured in this process (the host's
 * platform side, which Forge runs elsewhere, included: an upper bound). The deliveries are written
 * straight to KVS and the queue is stopped, so nothing else runs in the window.
 */
export async function measureDrainMemory(receiver: BenchReceiver, deliveries: number): Promise<DrainMemory> {
  const rig = await startRig(receiver, { fidelity: UNLIMITED, webhooks: 1, extraProjects: deliveries });
  try {
    const hook = rig.hooks[0];
    if (!hook) throw new Error('bench: no webhook');
    await rig.t.host.queues.waitForIdle({ timeoutMs: 60_000 });
    await rig.t.host.queues.stop();
    const body = (i: number) =>
      JSON.stringify(
        buildWebhookBody({
          event: 'updated',
          user: rig.t.accountId('admin'),
          timestamp: 1_718_000_000_000 + i,
          project: { id: 20_000 + i, key: bulkProjectKey(i), name: `Bench project ${i}` },
          fields: [{ id: rig.budgetId, name: 'Budget', type: 'number', value: { current: `${i}.000`, previous: null } }],
          revision: 1,
        }),
      );
    const now = Date.now();
    const records = Array.from({ length: deliveries }, (_, i) =>
      createDelivery({
        deliveryId: deliveryIdFor(`bench-drain-${i}`, hook.id),
        webhookId: hook.id,
        changeId: `bench-drain-${i}`,
        event: 'updated',
        project: { id: 20_000 + i, key: bulkProjectKey(i), name: `Bench project ${i}` },
        fieldNames: ['Budget'],
        order: now + i,
        body: { inline: body(i) },
        nowMs: now,
      }),
    );
    await asApp(() => createKvsDeliveryStore().saveMany(records));
    receiver.clear();

    collectGarbage();
    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakRss = before.rss;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const sampler = setInterval(sample, 5);
    try {
      await rig.t.host.runtime.invokeConsumer('deliveries', { body: { schemaVersion: 1, webhookId: hook.id, deliveryIds: [] }, eventId: 'bench-drain-memory' });
      sample();
    } finally {
      clearInterval(sampler);
    }
    const delivered = receiver.distinct();
    collectGarbage();
    const after = process.memoryUsage();
    const mb = (bytes: number) => bytes / 2 ** 20;
    return { deliveries, delivered, peakHeapMb: mb(peakHeap - before.heapUsed), retainedHeapMb: mb(after.heapUsed - before.heapUsed), rssBeforeMb: mb(before.rss), rssPeakMb: mb(peakRss) };
  } finally {
    await rig.stop();
  }
}
