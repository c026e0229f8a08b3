import { PerformanceObserver, performance } from 'node:perf_hooks';

/**
 * A small benchmark harness: each case runs our code and a baseline in the same process, rounds
 * interleaved, and reports the ratio ours / baseline. Absolute numbers depend on the machine and
 * on whatever else runs on it; the ratio of two things measured side by side much less so.
 * Nothing here passes or fails on a timing.
 */

/** One side of a case: `run(i)` does one operation; `i` counts up so inputs can cycle. */
export interface BenchSide {
  readonly label: string;
  readonly run: (i: number) => unknown;
}

export interface BenchCase {
  /** Short id, used by the command line filter (`npm run bench -- sign`). */
  readonly id: string;
  readonly title: string;
  readonly ours: BenchSide;
  readonly baseline: BenchSide;
  /** What a reader needs to know to read the ratios right. */
  readonly note?: string;
}

export interface BenchOptions {
  /** Wall time of one timed round of one side. */
  readonly roundMs: number;
  /** Timed rounds per side; the sides alternate, so drift hits both alike. */
  readonly rounds: number;
  /** Warm-up per side before timing, so both are measured as optimised code. */
  readonly warmupMs: number;
  /** Heap rounds per side that must finish without a GC inside them. */
  readonly heapRounds: number;
  /** Bytes one heap round aims to allocate: small, so a scavenge rarely lands inside it. */
  readonly heapWindowBytes: number;
}

export const DEFAULT_OPTIONS: BenchOptions = { roundMs: 40, rounds: 11, warmupMs: 150, heapRounds: 7, heapWindowBytes: 512 * 1024 };

export interface SideResult {
  readonly label: string;
  /** Median over the rounds. */
  readonly nsPerOp: number;
  readonly iterationsPerRound: number;
  /** Median heap growth per operation over the rounds no GC ran in; undefined if none did. */
  readonly heapBytesPerOp: number | undefined;
  readonly heapOpsPerRound: number;
}

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly note: string | undefined;
  readonly ours: SideResult;
  readonly baseline: SideResult;
  /** Median ns/op of ours divided by median ns/op of the baseline. */
  readonly timeRatio: number;
  /** 25th and 75th percentile of the per-round ratios (round k of ours / round k of the baseline). */
  readonly timeRatioIqr: readonly [number, number];
  readonly heapRatio: number | undefined;
}

type GcFunction = (options?: { readonly type?: 'major' | 'minor'; readonly execution?: 'sync' | 'async' }) => void;
const gcFunction: GcFunction | undefined = (globalThis as { gc?: GcFunction }).gc;

/**
 * True when the process runs with `--expose-gc`: each heap round then starts with an empty young
 * generation (a minor GC, so no scavenge is due during the round). Not a full GC: that would
 * also flush V8's caches (number-to-string, regexp results), and the first operations after it
 * would allocate far more than the steady state being measured.
 */
export const gcExposed = gcFunction !== undefined;

// Results are stored here, a module variable the optimiser cannot prove unused, so the work that
// produced them cannot be dropped.
let _blackhole: unknown;

function timeLoop(run: (i: number) => unknown, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) _blackhole = run(i);
  return Number(process.hrtime.bigint() - start);
}

/** Doubles the iterations until a loop takes `minMs`; returns the last estimate of ns/op. */
function estimateNsPerOp(run: (i: number) => unknown, minMs: number): number {
  let iterations = 1;
  for (;;) {
    const ns = timeLoop(run, iterations);
    if (ns >= minMs * 1e6 || iterations >= 2 ** 30) return ns / iterations;
    iterations *= 2;
  }
}

function warmUp(run: (i: number) => unknown, warmupMs: number): number {
  const end = performance.now() + warmupMs;
  let estimate = estimateNsPerOp(run, 5);
  while (performance.now() < end) estimate = estimateNsPerOp(run, 20);
  return estimate;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear interpolation between the closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = sorted[Math.floor(position)] ?? Number.NaN;
  const above = sorted[Math.ceil(position)] ?? below;
  return below + (above - below) * (position - Math.floor(position));
}

// ---------------------------------------------------------------------------------------------
// Heap: `process.memoryUsage().heapUsed` before and after a batch of operations whose results
// are kept alive, divided by the batch size. That counts what the operations allocated, results
// and garbage alike, as long as no GC ran in between; a GC would hide garbage (even make the
// delta negative). GC events are observed, and rounds that overlap one are discarded.
// ---------------------------------------------------------------------------------------------

interface GcSpan {
  readonly start: number;
  readonly end: number;
}
const gcSpans: GcSpan[] = [];
let gcObserver: PerformanceObserver | undefined;

function observeGc(): void {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcSpans.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/** Stops observing GC events so the process can exit. */
export function stopObservingGc(): void {
  gcObserver?.disconnect();
  gcObserver = undefined;
}

/** GC entries are delivered asynchronously: give the event loop a few turns to deliver them. */
async function settleGcEntries(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 2));
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface HeapWindow {
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
}

function heapWindow(run: (i: number) => unknown, operations: number): HeapWindow {
  const sink: unknown[] = new Array<unknown>(operations).fill(undefined);
  gcFunction?.({ type: 'minor' });
  const start = performance.now();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < operations; i++) sink[i] = run(i);
  const after = process.memoryUsage().heapUsed;
  const end = performance.now();
  _blackhole = sink;
  return { start, end, bytes: after - before };
}

const overlapsGc = (window: HeapWindow): boolean => gcSpans.some((gc) => gc.end > window.start && gc.start < window.end);

/** Heap growth of an empty window (the measuring itself allocates a little); subtracted from every round. */
let windowOverheadBytes: number | undefined;

async function measureWindowOverhead(): Promise<number> {
  if (windowOverheadBytes !== undefined) return windowOverheadBytes;
  const windows: HeapWindow[] = [];
  for (let i = 0; i < 9; i++) windows.push(heapWindow(() => undefined, 0));
  await settleGcEntries();
  const clean = windows.filter((w) => !overlapsGc(w)).map((w) => w.bytes);
  windowOverheadBytes = clean.length > 0 ? median(clean) : 0;
  return windowOverheadBytes;
}

interface HeapPlan {
  readonly run: (i: number) => unknown;
  readonly operations: number;
  readonly perOp: number[];
}

/** A first guess of bytes/op from small batches, to size the rounds to the window budget. */
async function probeBytesPerOp(run: (i: number) => unknown, overhead: number): Promise<number | undefined> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const window = heapWindow(run, 8);
    await settleGcEntries();
    if (!overlapsGc(window)) return Math.max(0, (window.bytes - overhead) / 8);
  }
  return undefined;
}

async function measureHeap(sides: readonly BenchSide[], options: BenchOptions): Promise<Array<{ bytesPerOp: number | undefined; operations: number }>> {
  observeGc();
  const overhead = await measureWindowOverhead();
  const plans: HeapPlan[] = [];
  for (const side of sides) {
    const probe = await probeBytesPerOp(side.run, overhead);
    const operations = probe === undefined ? 8 : Math.min(4096, Math.max(4, Math.floor(options.heapWindowBytes / Math.max(probe, 1))));
    plans.push({ run: side.run, operations, perOp: [] });
  }
  // Alternate the sides, as for timing; stop once each has enough clean rounds.
  for (let attempt = 0; attempt < options.heapRounds * 6; attempt++) {
    if (plans.every((plan) => plan.perOp.length >= options.heapRounds)) break;
    const windows = plans.map((plan) => (plan.perOp.length < options.heapRounds ? heapWindow(plan.run, plan.operations) : undefined));
    await settleGcEntries();
    windows.forEach((window, index) => {
      const plan = plans[index];
      if (window && plan && !overlapsGc(window)) plan.perOp.push((window.bytes - overhead) / plan.operations);
    });
  }
  gcSpans.length = 0;
  return plans.map((plan) => ({ bytesPerOp: plan.perOp.length > 0 ? median(plan.perOp) : undefined, operations: plan.operations }));
}

// ---------------------------------------------------------------------------------------------

export async function runCase(benchCase: BenchCase, options: BenchOptions = DEFAULT_OPTIONS): Promise<CaseResult> {
  const sides = [benchCase.ours, benchCase.baseline] as const;
  const estimates = sides.map((side) => warmUp(side.run, options.warmupMs));
  const iterations = estimates.map((ns) => Math.max(1, Math.round((options.roundMs * 1e6) / Math.max(ns, 0.1))));
  const oursRounds: number[] = [];
  const baselineRounds: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const [oursN = 1, baselineN = 1] = iterations;
    // ABBA order: neither side always runs first (a warm cache or a slower CPU clock would favour one).
    if (round % 2 === 0) {
      oursRounds.push(timeLoop(benchCase.ours.run, oursN) / oursN);
      baselineRounds.push(timeLoop(benchCase.baseline.run, baselineN) / baselineN);
    } else {
      baselineRounds.push(timeLoop(benchCase.baseline.run, baselineN) / baselineN);
      oursRounds.push(timeLoop(benchCase.ours.run, oursN) / oursN);
    }
  }
  const [oursHeap, baselineHeap] = await measureHeap(sides, options);
  const roundRatios = oursRounds.map((ns, k) => ns / (baselineRounds[k] ?? Number.NaN));
  const oursNs = median(oursRounds);
  const baselineNs = median(baselineRounds);
  const heapRatio =
    oursHeap?.bytesPerOp !== undefined && baselineHeap?.bytesPerOp !== undefined && baselineHeap.bytesPerOp > 0
      ? oursHeap.bytesPerOp / baselineHeap.bytesPerOp
      : undefined;
  return {
    id: benchCase.id,
    title: benchCase.title,
    note: benchCase.note,
    ours: {
      label: benchCase.ours.label,
      nsPerOp: oursNs,
      iterationsPerRound: iterations[0] ?? 1,
      heapBytesPerOp: oursHeap?.bytesPerOp,
      heapOpsPerRound: oursHeap?.operations ?? 0,
    },
    baseline: {
      label: benchCase.baseline.label,
      nsPerOp: baselineNs,
      iterationsPerRound: iterations[1] ?? 1,
      heapBytesPerOp: baselineHeap?.bytesPerOp,
      heapOpsPerRound: baselineHeap?.operations ?? 0,
    },
    timeRatio: oursNs / baselineNs,
    timeRatioIqr: [quantile(roundRatios, 0.25), quantile(roundRatios, 0.75)],
    heapRatio,
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(ns >= 1e5 ? 0 : ns >= 1e4 ? 1 : 2)} µs`;
  return `${ns.toFixed(ns >= 100 ? 0 : 1)} ns`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return 'n/a';
  const sign = bytes < 0 ? '-' : '';
  const size = Math.abs(bytes);
  if (size >= 1024 * 1024) return `${sign}${(size / (1024 * 1024)).toFixed(2)} MB`;
  if (size >= 1024) return `${sign}${(size / 1024).toFixed(size >= 100 * 1024 ? 0 : 1)} KB`;
  return `${sign}${size.toFixed(0)} B`;
}

export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return 'n/a';
  return `${ratio.toFixed(ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2)}x`;
}

/** A plain text table; `align` is 'l' or 'r' per column. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: string): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        return align[column] === 'r' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
