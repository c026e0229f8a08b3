/**
 * The pipeline benchmarks (bench/pipeline.ts) in order, their table, and `bench/results.json`.
 * `--quick` runs smaller bursts (and says which) so the whole `npm run bench -- --quick` stays
 * under two minutes on a 2-core machine. A run of some sections (`npm run bench -- latency`) merges
 * them into `bench/results.json` and keeps the others (writeResults).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { formatTable } from './harness';
import { slidingWindowMinutes } from './sliding-window';
import {
  bulkFailures,
  FORGE_RATES,
  log,
  measureBulkBurst,
  measureDrainMemory,
  measureFanOut,
  measureLatency,
  measureLogPage,
  measureResolverBurst,
  measureThroughput,
  type BulkBurst,
  type Cost,
  type DrainMemory,
  type FanOut,
  type Latency,
  type LogPage,
  type Throughput,
} from './pipeline';
import { startBenchReceiver } from './receiver';

export const PIPELINE_SECTIONS = ['throughput', 'cost', 'forge', 'fanout', 'log', 'latency', 'drain'] as const;
export type PipelineSection = (typeof PIPELINE_SECTIONS)[number];

interface Sizes {
  readonly throughputChanges: number;
  /** Rounds of the throughput case (fresh host each): the median ratio counts. */
  readonly throughputRounds: number;
  readonly webhooks: number;
  readonly burstSaves: number;
  readonly bulkChanges: number;
  readonly strictChanges: number;
  readonly fanOutWebhooks: number;
  readonly logSmall: number;
  readonly logLarge: number;
  readonly latencyProjects: number;
  readonly latencyChanges: number;
}

/** Deliveries due when the drain whose memory is measured starts. */
const DRAIN_DELIVERIES = 100;

/** The slow receiver of the latency case: a SaaS endpoint behind Forge's egress proxy. */
const RECEIVER_MS = 250;

const FULL: Sizes = { throughputChanges: 200, throughputRounds: 3, webhooks: 10, burstSaves: 100, bulkChanges: 1_000, strictChanges: 1_500, fanOutWebhooks: 1_000, logSmall: 10, logLarge: 100_000, latencyProjects: 20, latencyChanges: 50 };
const QUICK: Sizes = { throughputChanges: 40, throughputRounds: 1, webhooks: 10, burstSaves: 100, bulkChanges: 200, strictChanges: 200, fanOutWebhooks: 200, logSmall: 10, logLarge: 10_000, latencyProjects: 10, latencyChanges: 10 };

interface Results {
  throughput?: Throughput;
  cost?: Cost;
  bulk?: Cost;
  /** Minutes the limits-off bulk burst took: the app's own pace, never held back. */
  bulkMinutes?: number;
  strict?: BulkBurst;
  fanout?: FanOut;
  logPage?: LogPage;
  latency?: Latency;
  drain?: DrainMemory;
}

const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const whole = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${head} (src/ with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

/** Events, pushes, invocations and KVS units per delivery, per kind of invocation: where the cost goes. */
function breakdown(cost: Cost): string {
  const rows = Object.entries(cost.byKind).map(([kind, c]) => [
    kind,
    whole(c.invocations),
    whole(c.queuePushes),
    whole(c.queueEvents),
    whole(c.queuePushesRefused),
    whole(c.kvsRequests),
    whole(c.kvsReadUnits),
    whole(c.kvsWriteUnits),
    fixed(c.kvsWriteUnits / cost.deliveries, 3),
  ]);
  return formatTable(['invocation kind', 'invocations', 'pushes', 'events', 'refused', 'KVS req', 'read units', 'write units', 'write/delivery'], rows, 'lrrrrrrrr');
}

function costRows(name: string, cost: Cost): string[][] {
  return [
    [`${name}: queue events`, whole(cost.total.queueEvents), `goal <= ${whole(cost.changes + 20)} (1 per save + 20)`, verdict(cost.total.queueEvents <= cost.changes + 20)],
    [`${name}: events / delivery`, fixed(cost.eventsPerDelivery, 3), '', ''],
    [`${name}: pushes / change`, fixed(cost.pushesPerChange, 3), '', ''],
    [`${name}: invocations / delivery`, fixed(cost.invocationsPerDelivery, 3), '', ''],
    [`${name}: KVS read units / delivery`, fixed(cost.kvsReadUnitsPerDelivery, 2), '', ''],
    [`${name}: KVS write units / delivery`, fixed(cost.kvsWriteUnitsPerDelivery, 2), 'goal <= 0.5 (issue 16)', verdict(cost.kvsWriteUnitsPerDelivery <= 0.5)],
    [`${name}: KVS requests / delivery`, fixed(cost.kvsRequestsPerDelivery, 2), '', ''],
    [`${name}: Forge ceiling (deliveries/min)`, whole(cost.ceiling.deliveriesPerMinute), `limited by ${cost.ceiling.bottleneck}`, ''],
  ];
}

/**
 * The app logs a line per fan-out and per drain: thousands here. Info lines are dropped while the
 * benchmarks run; warnings and errors are kept and summed up after the table.
 */
function quietAppLog(): { problems: string[]; restore(): void } {
  const original = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
  const problems: string[] = [];
  const keep = (...args: unknown[]) => void problems.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  console.log = console.info = console.debug = () => undefined;
  console.warn = console.error = keep;
  return { problems, restore: () => Object.assign(console, original) };
}

export async function runPipelineBenchmarks(options: { quick: boolean; sections: readonly PipelineSection[] }): Promise<void> {
  const sizes = options.quick ? QUICK : FULL;
  const on = (section: PipelineSection) => options.sections.includes(section);
  const results: Results = {};
  const appLog = quietAppLog();
  const receiver = await startBenchReceiver();
  const started = performance.now();
  /** Peak memory while each case ran (sampled), so the process's peak RSS can be traced to a case. */
  const memoryByCase: Record<string, { rssMb: number; heapUsedMb: number; externalMb: number }> = {};
  const timed = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    log(`${what} ...`);
    const peak = { rssMb: 0, heapUsedMb: 0, externalMb: 0 };
    const sample = () => {
      const m = process.memoryUsage();
      peak.rssMb = Math.max(peak.rssMb, m.rss / 2 ** 20);
      peak.heapUsedMb = Math.max(peak.heapUsedMb, m.heapUsed / 2 ** 20);
      peak.externalMb = Math.max(peak.externalMb, m.external / 2 ** 20);
    };
    const sampler = setInterval(sample, 200);
    try {
      const value = await run();
      sample();
      return value;
    } finally {
      clearInterval(sampler);
      memoryByCase[what] = peak;
      log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s; peak RSS ${fixed(peak.rssMb, 0)} MB, heap ${fixed(peak.heapUsedMb, 0)} MB, external ${fixed(peak.externalMb, 0)} MB`);
    }
  };
  try {
    if (on('throughput')) results.throughput = await timed(`throughput, ${sizes.throughputChanges} changes x ${sizes.webhooks} webhooks, ${sizes.throughputRounds} round(s)`, () => measureThroughput(receiver, sizes.throughputChanges, sizes.webhooks, sizes.throughputRounds));
    if (on('cost')) results.cost = await timed(`cost, ${sizes.burstSaves} saves x ${sizes.webhooks} webhooks`, () => measureResolverBurst(receiver, sizes.burstSaves, sizes.webhooks));
    if (on('forge')) {
      const bulkBurst = await timed(`cost, ${sizes.bulkChanges} bulk changes x ${sizes.webhooks} webhooks`, () => measureBulkBurst(receiver, sizes.bulkChanges, sizes.webhooks, false));
      results.bulk = bulkBurst.cost;
      results.bulkMinutes = bulkBurst.simulatedMinutes;
      results.strict = await timed(`strict fidelity, ${sizes.strictChanges} bulk changes x ${sizes.webhooks} webhooks`, () => measureBulkBurst(receiver, sizes.strictChanges, sizes.webhooks, true));
    }
    if (on('fanout')) results.fanout = await timed(`fan-out, 1 change x ${sizes.fanOutWebhooks} webhooks (strict)`, () => measureFanOut(receiver, sizes.fanOutWebhooks));
    if (on('log')) results.logPage = await timed(`delivery log page, ${sizes.logSmall} vs ${sizes.logLarge} deliveries`, () => measureLogPage(receiver, sizes.logSmall, sizes.logLarge));
    if (on('latency')) {
      // Its own receiver: the others answer at once and do not parse bodies.
      const slow = await startBenchReceiver({ delayMs: RECEIVER_MS, trackOrder: true });
      try {
        results.latency = await timed(`latency, 1 webhook, ${sizes.latencyProjects} projects x ${sizes.latencyChanges} changes, receiver ${RECEIVER_MS} ms`, () =>
          measureLatency(slow, RECEIVER_MS, sizes.latencyProjects, sizes.latencyChanges),
        );
      } finally {
        await slow.stop();
      }
    }
    if (on('drain')) results.drain = await timed(`drain memory, 1 invocation, ${DRAIN_DELIVERIES} deliveries`, () => measureDrainMemory(receiver, DRAIN_DELIVERIES));
  } finally {
    await receiver.stop();
    appLog.restore();
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  // The strict run's prediction: its burst at the per-delivery cost measured with the limits off,
  // spent at Forge's per-minute rates. The burst is about 1.5 minutes' quota: one of about a
  // minute's was held back or not by a few units either way (0.5 or 1.1 minutes), which no
  // prediction can call. Beside it, what an app that spent units again the moment the sliding
  // window gave them back would take (the app alone being as fast as with the limits off).
  const strictScale = results.bulk && results.strict ? results.strict.cost.deliveries / results.bulk.deliveries : undefined;
  const strictPrediction = strictScale !== undefined && results.bulk ? strictScale * results.bulk.ceiling.predictedMinutes : undefined;
  const strictAppMinutes = strictScale !== undefined && results.bulkMinutes !== undefined ? strictScale * results.bulkMinutes : undefined;
  const strictWindowMinutes = strictPrediction !== undefined && strictAppMinutes !== undefined ? slidingWindowMinutes(strictPrediction, strictAppMinutes) : undefined;

  const rows: string[][] = [];
  const { throughput: tp, cost, bulk, strict, fanout, logPage, latency, drain } = results;
  if (tp) {
    rows.push([`throughput: pipeline deliveries/s (${tp.changes} x ${tp.webhooks})`, fixed(tp.pipelinePerSec, 1), '', '']);
    rows.push(['throughput: raw signed POSTs/s (same concurrency)', fixed(tp.rawPerSec, 1), '', '']);
    rows.push([`throughput: ratio pipeline / raw${tp.ratios.length > 1 ? `, median of ${tp.ratios.map((r) => fixed(r, 2)).join(' / ')}` : ''}`, fixed(tp.ratio, 3), 'goal >= 0.5', verdict(tp.ratio >= 0.5)]);
    rows.push(['throughput: seconds of saves / of the whole run', `${fixed(tp.savesSeconds, 2)} / ${fixed(tp.pipelineSeconds, 2)}`, 'saves are serial resolver calls', '']);
  }
  if (cost) rows.push(...costRows(`${cost.changes} saves x ${sizes.webhooks}`, cost));
  if (bulk) {
    rows.push(...costRows(`${bulk.changes} bulk x ${sizes.webhooks}`, bulk));
    rows.push([`${bulk.changes} bulk x ${sizes.webhooks}: ceiling goal`, whole(bulk.ceiling.deliveriesPerMinute), 'goal >= 10,000/min (issue 16)', verdict(bulk.ceiling.deliveriesPerMinute >= 10_000)]);
  }
  if (strict && strictPrediction !== undefined) {
    const off = Math.abs(strict.simulatedMinutes - strictPrediction) / strictPrediction;
    rows.push([`strict ${strict.cost.changes} x ${sizes.webhooks}: predicted minutes`, fixed(strictPrediction, 2), "its units / Forge's rates", '']);
    rows.push([`strict ${strict.cost.changes} x ${sizes.webhooks}: at best under a sliding window`, fixed(strictWindowMinutes ?? 0, 2), `the app alone ${fixed(strictAppMinutes ?? 0, 2)}; units spent again as they come back`, '']);
    rows.push([`strict ${strict.cost.changes} x ${sizes.webhooks}: simulated minutes`, fixed(strict.simulatedMinutes, 2), `${fixed(off * 100, 0)}% off; goal within 20%`, verdict(off <= 0.2)]);
    rows.push([`strict ${strict.cost.changes} x ${sizes.webhooks}: bulk requests / projects refused`, whole(bulkFailures.length), bulkFailures[0]?.slice(0, 60) ?? '', '']);
    rows.push([`strict ${strict.cost.changes} x ${sizes.webhooks}: refused pushes / 429 KVS`, `${whole(strict.cost.total.queuePushesRefused)} / ${whole(strict.cost.total.kvsRateLimited)}`, '', '']);
    // The run's own units against one minute's quota: over 1, it waited for the window.
    const share = Math.max(strict.cost.ceiling.minutesBy['KVS write units'] ?? 0, strict.cost.ceiling.minutesBy['KVS read units'] ?? 0);
    rows.push([`strict ${strict.cost.changes} x ${sizes.webhooks}: write / read units per delivery`, `${fixed(strict.cost.kvsWriteUnitsPerDelivery, 2)} / ${fixed(strict.cost.kvsReadUnitsPerDelivery, 2)}`, `limits off: ${fixed(bulk?.kvsWriteUnitsPerDelivery ?? 0, 2)} / ${fixed(bulk?.kvsReadUnitsPerDelivery ?? 0, 2)}`, '']);
    rows.push([`strict ${strict.cost.changes} x ${sizes.webhooks}: its units / one minute's quota`, fixed(share, 2), share > 1 ? 'over: it waited for the window' : 'under: never held back', '']);
  }
  if (fanout) {
    rows.push([`fan-out 1 x ${fanout.webhooks}: delivered`, whole(fanout.delivered), '', '']);
    rows.push([`fan-out 1 x ${fanout.webhooks}: rejected pushes`, whole(fanout.rejectedPushes), 'goal 0', verdict(fanout.rejectedPushes === 0)]);
    rows.push([`fan-out 1 x ${fanout.webhooks}: pushes / events`, `${whole(fanout.pushes)} / ${whole(fanout.events)}`, '', '']);
    rows.push([`fan-out 1 x ${fanout.webhooks}: simulated minutes`, fixed(fanout.simulatedMinutes, 2), '', '']);
    rows.push([`setup: KVS requests to create a webhook with ${whole(fanout.webhooks)} existing`, whole(fanout.kvsRequestsPerCreate), `goal <= 10${fanout.createRateLimited > 0 ? `; ${whole(fanout.createRateLimited)} refused (429)` : ''}`, verdict(fanout.kvsRequestsPerCreate <= 10)]);
  }
  if (logPage) {
    rows.push([`log page of ${logPage.pageSize}: KVS units at ${whole(logPage.small)}`, `${whole(logPage.kvsUnitsSmall)} (${whole(logPage.kvsRequestsSmall)} req)`, '', '']);
    rows.push([`log page of ${logPage.pageSize}: KVS units at ${whole(logPage.large)}`, `${whole(logPage.kvsUnitsLarge)} (${whole(logPage.kvsRequestsLarge)} req)`, 'same as small', verdict(logPage.kvsUnitsLarge <= logPage.kvsUnitsSmall)]);
  }
  if (latency) {
    const name = `latency ${latency.projects} x ${latency.changesPerProject}, 1 webhook`;
    // Without a setting the drain sends one at a time: N is 1.
    const n = latency.webhookMaxInFlight ?? 1;
    rows.push([`${name}: receiver answers after (ms)`, whole(latency.receiverMs), 'real time, requests held side by side', '']);
    rows.push([`${name}: deliveries/min of the webhook`, whole(latency.perWebhookPerMinute), `goal >= 1,000 (one at a time: <= ${whole(60_000 / latency.receiverMs)})`, verdict(latency.perWebhookPerMinute >= 1_000)]);
    rows.push([`${name}: out-of-order arrivals (per project)`, whole(latency.outOfOrder), 'goal 0', verdict(latency.outOfOrder === 0)]);
    rows.push([
      `${name}: most requests open at the receiver`,
      whole(latency.maxInFlight),
      latency.webhookMaxInFlight === null ? 'goal <= 1 (the webhook has no maxInFlight)' : `goal <= the webhook's maxInFlight, ${whole(n)}`,
      verdict(latency.maxInFlight <= n),
    ]);
    rows.push([`${name}: seconds of saves / to the last delivery; duplicates`, `${fixed(latency.savesSeconds, 1)} / ${fixed(latency.wallSeconds, 1)}; ${whole(latency.duplicates)}`, 'bulk route, one request per round', '']);
  }
  if (drain) {
    rows.push([`drain memory: heap growth of 1 invocation (MB)`, fixed(drain.peakHeapMb, 1), `${whole(drain.delivered)} of ${whole(drain.deliveries)} delivered in it; Forge allows 512 MB`, verdict(drain.peakHeapMb < 128)]);
    rows.push([`drain memory: heap retained after it (MB)`, fixed(drain.retainedHeapMb, 1), 'after a full GC', '']);
  }
  rows.push(['peak RSS of the process (MB)', fixed(peakRssMb, 0), 'goal <= 400', verdict(peakRssMb <= 400)]);

  console.log('');
  console.log(`Webhook pipeline on the offline host${options.quick ? ' (--quick: smaller bursts)' : ''}; app at ${commitOf()}`);
  console.log(formatTable(['measure', 'value', 'goal / note', ''], rows, 'lrll'));
  console.log('');
  console.log(`Forge rates per installation used for the ceiling: ${FORGE_RATES.queueEvents} events/min, ${whole(FORGE_RATES.kvsReadUnits)} read and ${whole(FORGE_RATES.kvsWriteUnits)} write units/min, ${whole(FORGE_RATES.kvsRequests / 60)} KVS requests/s.`);
  console.log('Throughput is real time with the rate limits off; costs are the host\'s usage counters (machine-independent); minutes are virtual-clock minutes.');
  for (const [name, c] of [['saves (resolver)', cost], ['bulk route', bulk], ['strict run', strict?.cost]] as const) {
    if (!c) continue;
    console.log('');
    console.log(`Where the cost goes, ${name}: ${c.changes} changes, ${c.deliveries} deliveries`);
    console.log(breakdown(c));
  }
  if (fanout) {
    console.log('');
    console.log(`Where the events go, fan-out of 1 change to ${fanout.webhooks} webhooks (strict)`);
    const rows = Object.entries(fanout.byKind).map(([kind, c]) => [kind, whole(c.invocations), whole(c.queuePushes), whole(c.queueEvents), whole(c.queuePushesRefused), whole(c.kvsReadUnits), whole(c.kvsWriteUnits)]);
    console.log(formatTable(['invocation kind', 'invocations', 'pushes', 'events', 'refused', 'read units', 'write units'], rows, 'lrrrrrr'));
  }
  if (appLog.problems.length > 0) {
    console.log('');
    console.log(`The app logged ${appLog.problems.length} warnings/errors during the runs (retries under strict fidelity are expected); the first:`);
    for (const line of appLog.problems.slice(0, 5)) console.log(`  ${line.slice(0, 200)}`);
  }
  console.log('');
  console.log(`Pipeline benchmarks done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);

  const json = {
    measuredAt: new Date().toISOString(),
    quick: options.quick,
    app: commitOf(),
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    sizes,
    throughput: tp ? { pipelinePerSec: tp.pipelinePerSec, rawPerSec: tp.rawPerSec, ratio: tp.ratio, ratios: tp.ratios, changes: tp.changes, webhooks: tp.webhooks, savesSeconds: tp.savesSeconds, pipelineSeconds: tp.pipelineSeconds } : undefined,
    cost: cost
      ? {
          saves: cost.changes,
          deliveries: cost.deliveries,
          queueEvents: cost.total.queueEvents,
          eventsPerDelivery: cost.eventsPerDelivery,
          invocationsPerDelivery: cost.invocationsPerDelivery,
          kvsWriteUnitsPerDelivery: cost.kvsWriteUnitsPerDelivery,
          kvsReadUnitsPerDelivery: cost.kvsReadUnitsPerDelivery,
          kvsRequestsPerDelivery: cost.kvsRequestsPerDelivery,
          pushesPerChange: cost.pushesPerChange,
          deliveriesPerMinute: cost.ceiling.deliveriesPerMinute,
          byKind: cost.byKind,
        }
      : undefined,
    bulk: bulk
      ? {
          changes: bulk.changes,
          deliveries: bulk.deliveries,
          queueEvents: bulk.total.queueEvents,
          eventsPerDelivery: bulk.eventsPerDelivery,
          invocationsPerDelivery: bulk.invocationsPerDelivery,
          kvsWriteUnitsPerDelivery: bulk.kvsWriteUnitsPerDelivery,
          kvsReadUnitsPerDelivery: bulk.kvsReadUnitsPerDelivery,
          kvsRequestsPerDelivery: bulk.kvsRequestsPerDelivery,
          pushesPerChange: bulk.pushesPerChange,
          byKind: bulk.byKind,
        }
      : undefined,
    forge: bulk
      ? {
          deliveriesPerMinute: bulk.ceiling.deliveriesPerMinute,
          bottleneck: bulk.ceiling.bottleneck,
          minutesBy: bulk.ceiling.minutesBy,
          simulatedMinutes: strict?.simulatedMinutes,
          predictedMinutes: strictPrediction,
          strictAppMinutes,
          strictWindowMinutes,
          strictChanges: strict?.cost.changes,
          strictDeliveries: strict?.cost.deliveries,
          strictRefusedPushes: strict?.cost.total.queuePushesRefused,
          strictKvsRateLimited: strict?.cost.total.kvsRateLimited,
          strictWriteUnitsPerDelivery: strict?.cost.kvsWriteUnitsPerDelivery,
          strictReadUnitsPerDelivery: strict?.cost.kvsReadUnitsPerDelivery,
        }
      : undefined,
    fanout,
    setup: fanout ? { existingWebhooks: fanout.webhooks, kvsRequestsPerCreate: fanout.kvsRequestsPerCreate, kvsRateLimited: fanout.createRateLimited } : undefined,
    logPage,
    latency: latency
      ? {
          receiverMs: latency.receiverMs,
          perWebhookPerMinute: latency.perWebhookPerMinute,
          outOfOrder: latency.outOfOrder,
          maxInFlight: latency.maxInFlight,
          webhookMaxInFlight: latency.webhookMaxInFlight,
          projects: latency.projects,
          changesPerProject: latency.changesPerProject,
          deliveries: latency.deliveries,
          duplicates: latency.duplicates,
          savesSeconds: latency.savesSeconds,
          wallSeconds: latency.wallSeconds,
        }
      : undefined,
    drainMemory: drain,
    memory: { peakRssMb, byCase: memoryByCase },
  };
  writeResults(json, options);
}

/** The keys of results.json each section writes. */
const SECTION_KEYS: Readonly<Record<PipelineSection, readonly string[]>> = {
  throughput: ['throughput'],
  cost: ['cost'],
  forge: ['bulk', 'forge'],
  fanout: ['fanout', 'setup'],
  log: ['logPage'],
  latency: ['latency'],
  drain: ['drainMemory'],
};

interface Provenance {
  readonly measuredAt: string;
  readonly app: string;
  readonly quick: boolean;
}

/**
 * A run of every section writes the whole file, keeping what other benchmarks wrote into it (as
 * `ui`). A run of some sections merges them into it and notes when, at which commit and whether
 * `--quick` measured each (under `sections`); the rest keeps the numbers (and the top-level run
 * details) it had. A `--quick` run never writes over numbers a full run measured: smaller bursts
 * are a smoke check, not figures to compare.
 */
export function writeResults(json: Record<string, unknown> & Provenance, options: { quick: boolean; sections: readonly PipelineSection[] }, path = join(__dirname, 'results.json')): void {
  const all = PIPELINE_SECTIONS.every((s) => options.sections.includes(s));
  const previous: Record<string, unknown> | undefined = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : undefined;
  const previousSections = (previous?.sections ?? {}) as Record<string, Provenance | undefined>;
  /** How the stored numbers of a section were measured: its own note, or the file's top level. */
  const storedQuick = (section: PipelineSection): boolean | undefined => {
    if (!previous || SECTION_KEYS[section].every((key) => previous[key] === undefined)) return undefined;
    return previousSections[section]?.quick ?? previous.quick === true;
  };
  const keptFull = options.sections.filter((s) => options.quick && storedQuick(s) === false);
  const written = options.sections.filter((s) => !keptFull.includes(s));
  if (keptFull.length > 0) console.log(`${relative(process.cwd(), path)} keeps the full run's ${keptFull.join(', ')}: --quick numbers are not written over them.`);
  if (written.length === 0) return;

  let merged: Record<string, unknown>;
  const whole = all && written.length === PIPELINE_SECTIONS.length;
  if (whole) {
    // Keys no section here writes (another benchmark's, as `ui`) stay as they were.
    const foreign = Object.entries(previous ?? {}).filter(([key]) => !(key in json) && key !== 'sections');
    merged = { ...json, ...Object.fromEntries(foreign) };
  } else {
    const provenance: Provenance = { measuredAt: json.measuredAt, app: json.app, quick: json.quick };
    merged = previous ? { ...previous } : { ...json, sections: undefined };
    const sections: Record<string, Provenance | undefined> = { ...previousSections };
    for (const section of written) {
      for (const key of SECTION_KEYS[section]) merged[key] = json[key];
      sections[section] = provenance;
    }
    // The top level describes the last whole run; sections measured since then say so here.
    merged.sections = sections;
  }
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`Wrote ${written.join(', ')} to ${relative(process.cwd(), path)}${whole ? '' : ' (merged: the other sections keep their numbers)'}.`);
}
