/**
 * Speed and memory of the hot pure paths, each against a baseline measured in the same run, then
 * the webhook pipeline on the offline host (bench/report.ts): `npm run bench` (filter by case or
 * section id: `npm run bench -- sign url throughput`; `--quick`: smaller bursts, under 2 minutes).
 *
 * The output is ratios (ours / baseline), to compare between commits or machines. Absolute
 * nanoseconds are printed for orientation only; nothing passes or fails on them.
 *
 * `npm run bench` starts it with `--max-old-space-size=256`: the live heap stays far below (about
 * 60 MB at the peak), and without a cap V8 keeps garbage until the process peaks over 500 MB RSS.
 */
// First: the app's `fetch` (captured by @forge/api when it loads) must be the host's egress.
import '../local/install-egress';
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import { diffFieldValues, type FieldChange } from '../src/domain/fields/change-diff';
import { FIELD_TYPES, fieldDefinitionSchema, isOptionFieldType, type FieldDefinition, type FieldType, type NamedOptionColour } from '../src/domain/fields/field-definition';
import { formatPayloadValue, parseFieldInput, type StoredValue } from '../src/domain/fields/field-values';
import { isComputedFieldType } from '../src/shared/field-types';
import { parseRetryAfter } from '../src/domain/retry-schedule';
import { generateWebhookSecret, parseWebhookSecret, signPayload } from '../src/domain/signing';
import { checkWebhookUrl } from '../src/domain/url-policy';
import { buildWebhookBody, webhookBodySchema, type WebhookBodyInput } from '../src/domain/webhook-body';
import {
  DEFAULT_OPTIONS,
  formatBytes,
  formatNs,
  formatRatio,
  formatTable,
  gcExposed,
  runCase,
  stopObservingGc,
  type BenchCase,
  type CaseResult,
} from './harness';
import { PIPELINE_SECTIONS, runPipelineBenchmarks } from './report';

// ---------------------------------------------------------------------------------------------
// Fixtures: deterministic (seeded), realistic, and checked before anything is timed.
// ---------------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run benchmarks the same data. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20240611);
const int = (below: number): number => Math.floor(random() * below);
const pick = <T>(items: readonly T[]): T => {
  const item = items[int(items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};
const hex = (length: number): string => Array.from({ length }, () => int(16).toString(16)).join('');
const accountId = (): string => `557058:${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
const WORDS = ['budget', 'scope', 'release', 'customer', 'migration', 'risk', 'milestone', 'review', 'vendor', 'roadmap', 'quarter', 'launch'];
const sentence = (words: number): string => Array.from({ length: words }, () => pick(WORDS)).join(' ');
const COLOURS: readonly NamedOptionColour[] = ['grey', 'blue', 'teal', 'green', 'yellow', 'orange', 'red', 'purple'];

function stored(definition: FieldDefinition, input: unknown): StoredValue {
  const parsed = parseFieldInput(definition, input);
  if (!parsed.ok) throw new Error(`bench fixture: ${parsed.error.message}`);
  return parsed.value;
}

/** A value as a UI would send it, for any field type. */
function randomInput(definition: FieldDefinition): unknown {
  const optionIds = (definition.options ?? []).map((o) => o.id);
  switch (definition.type) {
    case 'text':
      return sentence(4 + int(6));
    case 'textarea':
      return Array.from({ length: 3 + int(4) }, () => `* ${sentence(8 + int(8))}`).join('\n');
    case 'number': {
      const decimals = definition.decimals ?? 0;
      return ((random() - 0.2) * 10 ** (2 + int(6))).toFixed(decimals);
    }
    case 'date':
      return `20${10 + int(20)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`;
    case 'duration':
      return int(400) * 3_600_000;
    case 'list':
    case 'status':
    case 'priority':
      return pick(optionIds);
    case 'multilist':
      return optionIds.filter(() => random() < 0.4);
    case 'user':
      return accountId();
    case 'multiuser':
      return Array.from({ length: 1 + int(6) }, accountId);
    case 'project':
      return `P${1 + int(60)}`;
    case 'multiproject':
      return [...new Set(Array.from({ length: 1 + int(4) }, () => `P${1 + int(60)}`))];
    default:
      // Formulas and the automatic fields are worked out by the app, never typed (not in the catalog here).
      throw new Error(`bench: no input for a ${definition.type} field`);
  }
}

/** The types people type values into (formulas and the automatic fields are worked out by the app). */
const EDITABLE_TYPES = FIELD_TYPES.filter((type) => !isComputedFieldType(type));

/** A catalog of `size` fields cycling through every type people edit, in a shuffled (admin-chosen) order. */
function buildCatalog(size: number): FieldDefinition[] {
  let nextOptionId = 5000;
  const catalog = Array.from({ length: size }, (_, index): FieldDefinition => {
    const type: FieldType = EDITABLE_TYPES[index % EDITABLE_TYPES.length] ?? 'text';
    const definition: FieldDefinition = {
      id: 100 + index,
      name: `${type} field ${index}`,
      type,
      ...(index % 3 === 0 ? { description: sentence(6) } : {}),
      ...(type === 'number' ? { decimals: index % 7 } : {}),
      ...(isOptionFieldType(type)
        ? { options: Array.from({ length: 8 }, (__, o) => ({ id: nextOptionId++, name: `Option ${o + 1}`, colour: COLOURS[o] ?? 'grey', enabled: true })) }
        : {}),
    };
    return fieldDefinitionSchema.parse(definition);
  });
  for (let i = catalog.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [catalog[i], catalog[j]] = [catalog[j] as FieldDefinition, catalog[i] as FieldDefinition];
  }
  return catalog;
}

interface DiffFixture {
  readonly catalog: FieldDefinition[];
  readonly before: Record<string, StoredValue>;
  readonly after: Record<string, StoredValue>;
  readonly changedCount: number;
}

/**
 * Two saves of one project: a quarter of the fields changed; a few never set; multiuser values
 * re-sent in another order (no change, the diff compares them as sets).
 */
function buildDiffFixture(size: number): DiffFixture {
  const catalog = buildCatalog(size);
  const before: Record<string, StoredValue> = {};
  const after: Record<string, StoredValue> = {};
  let changedCount = 0;
  for (const definition of [...catalog].sort((a, b) => a.id - b.id)) {
    const index = definition.id - 100;
    const key = String(definition.id);
    if (index % 20 === 3) continue; // never set: missing on both sides
    const previous = stored(definition, randomInput(definition));
    before[key] = previous;
    if (index % 4 === 0) {
      let current = previous;
      for (let attempt = 0; attempt < 50 && JSON.stringify(formatPayloadValue(definition, current)) === JSON.stringify(formatPayloadValue(definition, previous)); attempt++) {
        current = stored(definition, randomInput(definition));
      }
      after[key] = current;
      changedCount++;
    } else {
      after[key] = Array.isArray(previous) && definition.type === 'multiuser' ? [...(previous as string[])].reverse() : previous;
    }
  }
  return { catalog, before, after, changedCount };
}

const diffFixture = buildDiffFixture(200);
const changes: FieldChange[] = diffFieldValues(diffFixture.catalog, diffFixture.before, diffFixture.after);
assert.equal(diffFixture.changedCount, 50);
assert.equal(changes.length, 50, 'the diff fixture must change exactly 50 of 200 fields');
assert.deepEqual(new Set(diffFixture.catalog.map((d) => d.type)), new Set(EDITABLE_TYPES));

// Numbers as a 3-decimal Budget field stores them: whole, with decimals, negative, tiny, large.
const budgetField = fieldDefinitionSchema.parse({ id: 1, name: 'Budget', type: 'number', decimals: 3 });
const NUMBER_MASK = 1023;
const numbers = Array.from({ length: NUMBER_MASK + 1 }, (_, i) => {
  const magnitude = 10 ** (int(13) - 3);
  const value = (random() - 0.3) * magnitude;
  return stored(budgetField, (i % 5 === 0 ? Math.round(value) : value).toFixed(3)) as number;
});
numbers.forEach((n) => assert.equal(typeof formatPayloadValue(budgetField, n), 'string'));

// A 50 KB body (exactly 51,200 bytes): the 50 changes of the diff plus a long textarea.
const bodyInput = (filler: string): WebhookBodyInput => ({
  event: 'updated',
  user: accountId(),
  timestamp: 1_718_000_000_000,
  project: { id: 13647, key: 'DEMO', name: 'Demo project' },
  fields: [...changes, { id: 9999, name: 'Notes', type: 'textarea', value: { current: filler, previous: null } }],
  revision: 42,
});
const BODY_BYTES = 50 * 1024;
const bodyWithoutFiller = JSON.stringify(buildWebhookBody(bodyInput('')));
const body50k = JSON.stringify(buildWebhookBody(bodyInput('x'.repeat(BODY_BYTES - Buffer.byteLength(bodyWithoutFiller)))));
assert.equal(Buffer.byteLength(body50k), BODY_BYTES);
const secret = generateWebhookSecret(Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
const secretKey = parseWebhookSecret(secret);
assert.ok(secretKey.ok);
const msgId = 'msg_2fQk8JYxVwz1r7u5';
const timestampSeconds = 1_718_000_000;
const signedContent = `${msgId}.${timestampSeconds}.${body50k}`;
const bareHmac = (): string => createHmac('sha256', secretKey.value).update(signedContent, 'utf8').digest('base64');
assert.equal(signPayload({ msgId, timestampSeconds, body: body50k, secrets: [secret] }), `v1,${bareHmac()}`);

// Webhook URLs as admins type them: mostly accepted, some refused (each refusal builds a message).
const URLS = [
  'https://hooks.example.com/jira/projectrak?token=abc123',
  'https://api.partner-systems.io:8443/v2/webhooks/jira',
  'https://HOOKS.Example.COM./path/../jira',
  'https://8.8.8.8/hook',
  'https://[2606:4700:4700::1111]/hook',
  'https://bücher.example/hook',
  'https://10.0.0.5/internal',
  'https://169.254.169.254/latest/meta-data',
  'http://hooks.example.com/jira',
  'https://printer.local/hook',
] as const;
assert.equal(URLS.filter((url) => checkWebhookUrl(url).ok).length, 6);

// The body of a save that changed 50 fields.
const body50Input: WebhookBodyInput = { ...bodyInput(''), fields: changes };
const prebuiltBody = buildWebhookBody(body50Input);
assert.equal(JSON.stringify(buildWebhookBody(body50Input)), JSON.stringify(prebuiltBody));
webhookBodySchema.parse(JSON.parse(JSON.stringify(prebuiltBody)));

// Retry-After dates a receiver sends: IMF-fixdate, a few seconds to hours ahead.
const NOW_MS = Date.UTC(2024, 5, 10, 12, 0, 0);
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');
const httpDate = (ms: number): string => {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
};
const DATE_MASK = 63;
const retryDates = Array.from({ length: DATE_MASK + 1 }, () => httpDate(NOW_MS + int(6 * 3600) * 1000));
retryDates.forEach((text) => assert.equal(parseRetryAfter(text, NOW_MS), Date.parse(text) - NOW_MS, text));

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

const at = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;

const CASES: BenchCase[] = [
  {
    id: 'diff',
    title: 'diffFieldValues, 200 fields of every type people edit, 50 changed',
    ours: { label: 'diffFieldValues(catalog, before, after)', run: () => diffFieldValues(diffFixture.catalog, diffFixture.before, diffFixture.after) },
    baseline: { label: 'JSON.stringify(before) === JSON.stringify(after)', run: () => JSON.stringify(diffFixture.before) === JSON.stringify(diffFixture.after) },
  },
  {
    id: 'number',
    title: 'formatPayloadValue, number field with 3 decimals',
    ours: { label: 'formatPayloadValue(budget, n)', run: (i) => formatPayloadValue(budgetField, numbers[i & NUMBER_MASK]) },
    baseline: { label: 'n.toFixed(3)', run: (i) => (numbers[i & NUMBER_MASK] as number).toFixed(3) },
  },
  {
    id: 'sign',
    title: 'signPayload, 50 KB body, one secret',
    ours: { label: 'signPayload({ msgId, timestampSeconds, body, secrets })', run: () => signPayload({ msgId, timestampSeconds, body: body50k, secrets: [secret] }) },
    baseline: { label: "createHmac('sha256', key) over the same bytes", run: bareHmac },
    note: 'ours also decodes the whsec_ secret and joins id.timestamp.body into a new 50 KB string (the heap/op); the baseline hashes a prebuilt string with a decoded key',
  },
  {
    id: 'url',
    title: 'checkWebhookUrl, 10 URLs (6 accepted, 4 refused)',
    ours: { label: 'checkWebhookUrl(url)', run: (i) => checkWebhookUrl(at(URLS, i)) },
    baseline: { label: 'new URL(url)', run: (i) => new URL(at(URLS, i)) },
    note: 'ours parses with new URL too, then checks the host; refusals also build their message',
  },
  {
    id: 'body',
    title: 'webhook body for 50 changed fields, as JSON text',
    ours: { label: 'JSON.stringify(buildWebhookBody(input))', run: () => JSON.stringify(buildWebhookBody(body50Input)) },
    baseline: { label: 'JSON.stringify(prebuilt body)', run: () => JSON.stringify(prebuiltBody) },
  },
  {
    id: 'retry-after',
    title: 'parseRetryAfter, HTTP-date (IMF-fixdate)',
    ours: { label: 'parseRetryAfter(text, now)', run: (i) => parseRetryAfter(retryDates[i & DATE_MASK], NOW_MS) },
    baseline: { label: 'Date.parse(text)', run: (i) => Date.parse(retryDates[i & DATE_MASK] as string) },
  },
];

// ---------------------------------------------------------------------------------------------
// Run and report
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const filters = args.filter((arg) => !arg.startsWith('-'));
  const selected = filters.length === 0 ? CASES : CASES.filter((c) => filters.some((f) => c.id.includes(f)));
  const sections = filters.length === 0 || filters.includes('pipeline') ? [...PIPELINE_SECTIONS] : PIPELINE_SECTIONS.filter((s) => filters.some((f) => s.includes(f)));
  if (selected.length === 0 && sections.length === 0) {
    console.error(`Nothing matches ${filters.join(', ')}; cases: ${CASES.map((c) => c.id).join(', ')}; pipeline sections: pipeline (all), ${PIPELINE_SECTIONS.join(', ')}.`);
    process.exitCode = 1;
    return;
  }
  if (selected.length > 0) await runPureCases(selected);
  if (sections.length > 0) await runPipelineBenchmarks({ quick, sections });
}

async function runPureCases(selected: readonly BenchCase[]): Promise<void> {

  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Projectrak Webhooks benchmarks: node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpuModel})`);
  console.log(
    `Each case: warm-up, then ${DEFAULT_OPTIONS.rounds} rounds of ~${DEFAULT_OPTIONS.roundMs} ms per side, ours and baseline alternating; median ns/op per side.`,
  );
  if (gcExposed) {
    console.log('GC exposed: a minor GC empties the young generation before each heap round; rounds a GC still ran in are discarded.');
  } else {
    console.log(
      'GC not exposed (no --expose-gc): heap rounds are not preceded by a GC; rounds a GC ran in are discarded.\n' +
        '  To start each heap round from an empty young generation: NODE_OPTIONS=--expose-gc npm run bench',
    );
  }
  console.log('');

  const started = performance.now();
  const results: CaseResult[] = [];
  for (const benchCase of selected) {
    if (process.stdout.isTTY) process.stdout.write(`  running ${benchCase.id} ...\r`);
    results.push(await runCase(benchCase));
  }
  stopObservingGc();
  if (process.stdout.isTTY) process.stdout.write(`${' '.repeat(40)}\r`);

  const header = ['case', 'ours', 'baseline', 'time ratio', '(round IQR)', 'ours heap/op', 'base heap/op', 'heap ratio'];
  const rows = results.map((r) => [
    r.id,
    formatNs(r.ours.nsPerOp),
    formatNs(r.baseline.nsPerOp),
    formatRatio(r.timeRatio),
    `${formatRatio(r.timeRatioIqr[0])}-${formatRatio(r.timeRatioIqr[1])}`,
    formatBytes(r.ours.heapBytesPerOp),
    formatBytes(r.baseline.heapBytesPerOp),
    formatRatio(r.heapRatio),
  ]);
  console.log(formatTable(header, rows, 'lrrrrrrr'));
  console.log('');
  console.log('Ratios are ours / baseline (lower is better; 1.00x = as fast or as lean as the baseline).');
  console.log('heap/op = heapUsed growth per operation, results kept alive; Buffer contents (off-heap) are not counted.');
  console.log('');
  for (const r of results) {
    console.log(`${r.id}: ${r.title}`);
    console.log(`  ours:     ${r.ours.label}`);
    console.log(`  baseline: ${r.baseline.label}`);
    if (r.note) console.log(`  note:     ${r.note}`);
  }
  console.log('');
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
