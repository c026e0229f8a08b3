import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { loadOrCreateCertificate } from '../../local/demo-receiver/certificate';

/**
 * Issue 11, "Crash": the offline host (the whole app as `npm start` runs it, test/support/
 * crash-host-child.ts) is a separate process, killed with SIGKILL at random moments while changes
 * are saved and delivered, and started again on the same state folder (SQLite: KVS, queues, the
 * virtual clock), three times. The receiver lives in this process, so it sees every request across
 * the kills. After the last restart time is driven forward (clock, sweeper, settle) and:
 * - every change the API accepted, and every change saved by a request the kill left unanswered
 *   (a "maybe": found by the project's final revision), reached every matching webhook at least once,
 *   with the body of that save and a valid signature;
 * - no attempt number was used twice for one delivery (webhook-id), no revision was answered twice;
 * - nothing is left pending: no pending or failed delivery in any webhook's log, no queued event, no dead letter.
 *
 * The kill moments (seeded PRNG, CRASH_SEED to replay; the seed is printed; CRASH_DEBUG=1 echoes the
 * host's output and lists what is still pending): while a POST is at the receiver (its attempt
 * claimed, no outcome recorded: it must come again with a later attempt number), while a PATCH is in
 * flight, and a random moment after the saves, during the drain. After each restart the clock moves
 * 3 minutes (past a dead drain's 150 s lease) and the sweeper runs, so the backlog is being delivered
 * when the next kill lands. The receiver answers every 9th request 500, so retries cross kills too.
 * Scaled down from the 1,000 deliveries: 4 phases x up to 22 bulk PATCHes x 3 projects
 * (about 200 changes) to 6 webhooks, 4 matching each change: about 800 deliveries, 15-25 s on 2 CPUs.
 */

const REPO = resolve(__dirname, '../..');
const CHILD_SCRIPT = join(REPO, 'test/support/crash-host-child.ts');
const TOKEN = `prw_crash-${process.pid}-0123456789abcdef`;
const SEED = Number(process.env.CRASH_SEED ?? 11);
const PROJECTS = ['DEMO', 'OPS', 'HR'] as const;
type ProjectKey = (typeof PROJECTS)[number];
const REQUESTS_PER_PHASE = 22;
const KILLS = 3;
/** Every `FLAKY_EVERY`th request to a hook is answered 500, so retries cross the kills too. */
const FLAKY_EVERY = 9;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(SEED);
const randomInt = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the receiver (survives the kills)

interface Hit {
  readonly hook: string;
  readonly webhookId: string;
  readonly attempt: number;
  readonly signatureValid: boolean;
  readonly body: string;
}

interface Receiver {
  readonly url: string;
  hits: Hit[];
  secrets: Map<string, string>;
  /** Called when a POST arrives, before it is answered (the crash test kills the host there). */
  onRequest: ((hit: Hit) => void) | undefined;
  stop(): Promise<void>;
}

/** Signature check with the official library's signing (its `verify` would also judge the timestamp against this process's real clock, while the host's is virtual). */
function signatureValid(secret: string | undefined, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (!secret || typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = new Webhook(secret).sign(id, new Date(Number(timestamp) * 1000), body);
  return signature.split(' ').includes(expected);
}

async function startReceiver(tlsDir: string): Promise<Receiver> {
  const tls = loadOrCreateCertificate(tlsDir);
  const counts = new Map<string, number>();
  const receiver: Receiver = { url: '', hits: [], secrets: new Map(), onRequest: undefined, stop: async () => undefined };
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.on('end', () => {
      const hook = /^\/hooks\/([A-Za-z0-9._-]+)$/.exec(req.url ?? '')?.[1];
      if (!hook || req.method !== 'POST') return void res.writeHead(404).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const hit: Hit = {
        hook,
        webhookId: String(req.headers['webhook-id']),
        attempt: Number(req.headers['webhook-attempt']),
        signatureValid: signatureValid(receiver.secrets.get(hook), req.headers, body),
        body,
      };
      receiver.hits.push(hit);
      if (process.env.CRASH_DEBUG) process.stderr.write(`[receiver] ${hook} ${hit.webhookId}#${hit.attempt} ${hit.signatureValid}\n`);
      receiver.onRequest?.(hit);
      const seen = (counts.get(hook) ?? 0) + 1;
      counts.set(hook, seen);
      const status = seen % FLAKY_EVERY === 0 ? 500 : 200;
      // A little real latency, so the kills find POSTs in flight.
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ok":true}' : '{"error":"flaky"}'), randomInt(0, 8));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return Object.assign(receiver, {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

// ---------------------------------------------------------------- the host process

interface HostProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderrTail(): string;
}

async function startHost(stateDir: string): Promise<HostProcess> {
  // node --import tsx runs the script in this very process (the tsx CLI would add a wrapper process that SIGKILL does not pass through).
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, stateDir, TOKEN], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    if (process.env.CRASH_DEBUG) process.stderr.write(`[child ${child.pid} err] ${chunk.toString('utf8')}`);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const baseUrl = await new Promise<string>((resolveReady, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-8000);
      if (process.env.CRASH_DEBUG) process.stderr.write(`[child ${child.pid}] ${chunk.toString('utf8')}`);
      const line = /\{"ready":"([^"]+)"\}/.exec(out);
      if (line?.[1]) resolveReady(line[1]);
    });
    void exited.then(() => reject(new Error(`the host process ended before it was ready:\n${stderr}`)));
  });
  return { baseUrl, child, exited, stderrTail: () => stderr };
}

async function kill(host: HostProcess): Promise<void> {
  host.child.kill('SIGKILL');
  await host.exited;
}

// ---------------------------------------------------------------- HTTP to the host

interface Answer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read by shape
  readonly json: any;
}

async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Answer> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    // Over the token's rate (10 requests/s) or the platform's invocation rate on a fast machine:
    // refused before anything happened, so a script waits as Retry-After says and asks again.
    if (response.status === 429 && attempt < 20) {
      await new Promise((done) => setTimeout(done, Math.min(2_000, 1_000 * Number(response.headers.get('retry-after') ?? '1'))));
      continue;
    }
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }
}
const api = (baseUrl: string, method: string, path: string, body?: unknown) => call(baseUrl, method, `/x/management-api${path}`, body);

// ---------------------------------------------------------------- the test

interface Sent {
  readonly project: ProjectKey;
  readonly budget: number;
  /** The revision the API answered; undefined: no answer (the kill), saved or not. */
  readonly revision: number | undefined;
}

let stateDir: string;
let receiver: Receiver;
let host: HostProcess | undefined;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'prw-crash-'));
  // The host's demo receiver loads its certificate from <state>/tls, so its egress trusts this receiver.
  receiver = await startReceiver(join(stateDir, 'tls'));
});

afterAll(async () => {
  if (host) await kill(host);
  await receiver.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

it(`kill -9 of the host ${KILLS} times during saves and deliveries: every saved change reaches every matching webhook, nothing left pending (seed ${SEED})`, async () => {
  console.log(`crash test seed ${SEED} (CRASH_SEED=<n> to replay another)`);
  host = await startHost(stateDir);

  // Six webhooks to the receiver, four matching each change: every change (two of them); DEMO only; HR only; DEMO and OPS; OPS and HR when Budget changes.
  const catalog = await api(host.baseUrl, 'GET', '/fields');
  expect(catalog.status).toBe(200);
  const budgetId = (catalog.json.fields as { id: number; name: string }[]).find((f) => f.name === 'Budget')?.id;
  expect(budgetId).toBeDefined();
  const hooks: Record<string, { projects: readonly ProjectKey[]; id: string }> = {};
  const filters: Record<string, { projects?: ProjectKey[]; fields?: number[] }> = {
    all: {},
    'all-2': {},
    demo: { projects: ['DEMO'] },
    hr: { projects: ['HR'] },
    'demo-ops': { projects: ['DEMO', 'OPS'] },
    'ops-hr-budget': { projects: ['OPS', 'HR'], fields: [budgetId as number] },
  };
  for (const [name, filter] of Object.entries(filters)) {
    const created = await api(host.baseUrl, 'POST', '/webhooks', { name: `crash ${name}`, url: `${receiver.url}/hooks/${name}`, ...filter });
    expect(created.status).toBe(201);
    receiver.secrets.set(name, created.json.secret as string);
    hooks[name] = { projects: filter.projects ?? PROJECTS, id: created.json.webhook.id as string };
  }
  const initialRevision = {} as Record<ProjectKey, number>;
  for (const project of PROJECTS) initialRevision[project] = (await api(host.baseUrl, 'GET', `/projects/${project}/fields`)).json.revision as number;

  const sent: Sent[] = [];
  const unexpected: string[] = [];
  let nextBudget = 1000;
  /** One bulk PATCH of all three projects, each a new Budget; its outcome recorded per project. */
  async function sendOne(baseUrl: string): Promise<void> {
    const budgets = Object.fromEntries(PROJECTS.map((p) => [p, (nextBudget += 1)])) as Record<ProjectKey, number>;
    let answer: Answer;
    try {
      answer = await api(baseUrl, 'PATCH', '/projects/fields', { projects: Object.fromEntries(PROJECTS.map((p) => [p, { Budget: budgets[p] }])) });
    } catch {
      for (const project of PROJECTS) sent.push({ project, budget: budgets[project], revision: undefined });
      throw new Error('no answer');
    }
    if (answer.status === 429) return void (await sleep(1000)); // the token's rate: nothing saved
    if (answer.status !== 200) return void unexpected.push(`PATCH answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    for (const project of PROJECTS) {
      const result = answer.json.results[project] as { ok: boolean; revision?: number };
      if (result.ok) sent.push({ project, budget: budgets[project], revision: result.revision });
    }
  }

  // The kill moments, one of each kind, in a seeded order.
  const kinds = ['at-receiver', 'mid-patch', 'during-drain'].sort(() => random() - 0.5);
  /** The request that was at the receiver, unanswered, when the host died (the 'at-receiver' kill). */
  let atKill: Hit | undefined;
  for (let phase = 0; phase <= KILLS; phase += 1) {
    if (phase > 0) {
      host = await startHost(stateDir);
      // Time goes on after a restart: the dead drains' leases (150 s) run out and the sweeper wakes
      // them, so the backlog is being delivered while the next saves come and the next kill lands.
      expect((await call(host.baseUrl, 'POST', '/_host/clock/advance', { minutes: 3 })).status).toBe(200);
      void call(host.baseUrl, 'POST', '/_host/scheduled/delivery-sweeper/run').catch(() => undefined);
    }
    const current = host;
    const kind = kinds[phase];
    let killed: Promise<void> | undefined;
    if (kind === 'at-receiver') {
      const at = receiver.hits.length + randomInt(3, 40);
      receiver.onRequest = (hit) => {
        if (receiver.hits.length < at || killed) return;
        killed = kill(current);
        atKill = hit;
      };
    }
    const killAfter = randomInt(2, REQUESTS_PER_PHASE - 2);
    for (let i = 0; i < REQUESTS_PER_PHASE && !killed; i += 1) {
      if (kind === 'mid-patch' && i === killAfter) {
        const delay = randomInt(0, 30);
        setTimeout(() => void (killed ??= kill(current)), delay);
      }
      await sendOne(current.baseUrl).catch(() => undefined);
    }
    // The receiver kill waits (bounded) for its request; the drain kill comes a random moment after the saves.
    for (let wait = 0; kind === 'at-receiver' && !killed && wait < 200; wait += 1) await sleep(50);
    if (kind === 'during-drain' || (kind !== undefined && !killed)) {
      await sleep(randomInt(0, 400));
      killed ??= kill(current);
    }
    if (killed) await killed;
    receiver.onRequest = undefined;
  }

  // After the last restart: time goes on until every saved change is delivered (bounded).
  const final = host;
  const finalRevision = {} as Record<ProjectKey, number>;
  for (const project of PROJECTS) {
    const view = await api(final.baseUrl, 'GET', `/projects/${project}/fields`);
    expect(view.status).toBe(200);
    finalRevision[project] = view.json.revision as number;
  }
  const expected: { hook: string; project: ProjectKey; revision: number }[] = [];
  for (const [hook, { projects }] of Object.entries(hooks))
    for (const project of projects) for (let revision = initialRevision[project] + 1; revision <= finalRevision[project]; revision += 1) expected.push({ hook, project, revision });

  type Payload = { data: { revision: number; project: { key: string }; fields: { name: string; value: { current: string | null } }[] } };
  const receivedKey = (hit: Hit) => {
    const data = (JSON.parse(hit.body) as Payload).data;
    return `${hit.hook}/${data.project.key}/${data.revision}`;
  };
  const missing = () => {
    const got = new Set(receiver.hits.filter((h) => h.webhookId.length > 0 && h.body.includes('"revision"')).map(receivedKey));
    return expected.filter((e) => !got.has(`${e.hook}/${e.project}/${e.revision}`));
  };
  /** The first page (up to 50) of each webhook's deliveries in that status: enough to see none, and the next attempts due. */
  const deliveriesIn = async (status: 'pending' | 'failed') => {
    const found: { id: string; nextAttemptAt: number | null }[] = [];
    for (const { id } of Object.values(hooks)) {
      const page = await api(final.baseUrl, 'GET', `/webhooks/${id}/deliveries?status=${status}&limit=50`);
      if (page.status !== 200) throw new Error(`GET deliveries of ${id} answered ${page.status}: ${JSON.stringify(page.json).slice(0, 300)}`);
      found.push(...((page.json as { deliveries: typeof found }).deliveries));
    }
    return found;
  };
  // Bounded: each round settles, then moves the clock to the earliest next attempt (at least the
  // sweeper's 5 minutes, past any lease a dead drain held) and runs the sweeper.
  const MINUTE = 60_000;
  let rounds = 0;
  for (; rounds < 30; rounds += 1) {
    await call(final.baseUrl, 'POST', '/_host/queues/settle');
    const queues = (await call(final.baseUrl, 'GET', '/_host/queues')).json as { pending: unknown[] };
    const pending = await deliveriesIn('pending');
    if (missing().length === 0 && queues.pending.length === 0 && pending.length === 0) break;
    const now = (await call(final.baseUrl, 'GET', '/_host/clock')).json.now as number;
    const nextDue = Math.min(...pending.map((d) => d.nextAttemptAt ?? Infinity));
    const step = Math.min(Math.max(6 * MINUTE, Number.isFinite(nextDue) ? nextDue - now + 1000 : 0), 11 * 60 * MINUTE);
    await call(final.baseUrl, 'POST', '/_host/clock/advance', { ms: step });
    await call(final.baseUrl, 'POST', '/_host/scheduled/delivery-sweeper/run');
  }

  // Every saved change, answered or not, reached every matching webhook.
  const accepted = sent.filter((s) => s.revision !== undefined);
  const maybe = sent.filter((s) => s.revision === undefined);
  // Deliveries whose first request carried attempt > 1: attempt numbers a dead drain claimed and never sent.
  const firstAttempt = new Map<string, number>();
  for (const h of receiver.hits) firstAttempt.set(`${h.hook} ${h.webhookId}`, Math.min(firstAttempt.get(`${h.hook} ${h.webhookId}`) ?? Infinity, h.attempt));
  const burned = [...firstAttempt.values()].filter((a) => a > 1);
  console.log(
    `crash test: ${accepted.length} changes accepted, ${maybe.length} unanswered, ${expected.length} deliveries expected, ${receiver.hits.length} requests received, kills: ${kinds.join(', ')}, ${rounds} rounds of virtual time after the last restart; ${burned.length} deliveries first sent as attempt > 1 (up to #${Math.max(1, ...burned)})`,
  );
  if (process.env.CRASH_DEBUG) {
    for (const [name, { id }] of Object.entries(hooks)) {
      const page = (await api(final.baseUrl, 'GET', `/webhooks/${id}/deliveries?status=pending`)).json;
      for (const d of page.deliveries ?? []) {
        console.log(name, JSON.stringify(d));
        console.log(JSON.stringify((await api(final.baseUrl, 'GET', `/deliveries/${d.id}`)).json).slice(0, 3000));
        console.log(receiver.hits.filter((h) => h.webhookId === d.id || h.body.includes(String(d.changeId))).map((h) => `${h.hook} ${h.webhookId}#${h.attempt}`));
      }
    }
    console.log(JSON.stringify((await call(final.baseUrl, 'GET', '/_host/queues')).json).slice(0, 2000));
    console.log(JSON.stringify((await call(final.baseUrl, 'GET', '/_host/clock')).json));
  }
  expect(unexpected).toEqual([]);
  expect(accepted.length).toBeGreaterThan(KILLS * 3);
  expect(missing()).toEqual([]);
  for (const s of accepted) expect(s.revision).toBeLessThanOrEqual(finalRevision[s.project]);
  // No revision answered twice for one project (that would be a lost save).
  const answered = accepted.map((s) => `${s.project}/${s.revision}`);
  expect(new Set(answered).size).toBe(answered.length);

  // Each delivered body is the save it names: an accepted change carries its own Budget, a saved "maybe" one of those unanswered.
  const budgetOf = new Map(accepted.map((s) => [`${s.project}/${s.revision}`, s.budget]));
  const maybeBudgets = new Set(maybe.map((s) => `${s.project}/${s.budget}`));
  const wrongBodies: string[] = [];
  for (const hit of receiver.hits) {
    const data = (JSON.parse(hit.body) as Payload).data;
    const key = `${data.project.key}/${data.revision}`;
    if (data.revision <= (initialRevision[data.project.key as ProjectKey] ?? Infinity)) continue; // demo data's saves
    const current = Number(data.fields.find((f) => f.name === 'Budget')?.value.current);
    const want = budgetOf.get(key);
    if (want !== undefined ? current !== want : !maybeBudgets.has(`${data.project.key}/${current}`)) wrongBodies.push(`${hit.hook} ${key}: Budget ${current}, sent ${want ?? 'unanswered'}`);
  }
  expect(wrongBodies).toEqual([]);

  // Signed, and no attempt number twice for one delivery (at least once: the same webhook-id may come with other attempt numbers).
  expect(receiver.hits.filter((h) => !h.signatureValid).map((h) => `${h.hook} ${h.webhookId}#${h.attempt}`)).toEqual([]);
  const attempts = receiver.hits.map((h) => `${h.hook} ${h.webhookId}#${h.attempt}`);
  expect(attempts.filter((a, i) => attempts.indexOf(a) !== i)).toEqual([]);
  // The request the host died waiting for was sent again, with a later attempt number.
  expect(atKill).toBeDefined();
  const killedHit = atKill as Hit;
  expect(receiver.hits.filter((h) => h.hook === killedHit.hook && h.webhookId === killedHit.webhookId && h.attempt > killedHit.attempt).length).toBeGreaterThan(0);

  // Nothing left pending for ever: no pending or failed delivery, no queued event, no dead letter.
  expect(await deliveriesIn('pending')).toEqual([]);
  expect(await deliveriesIn('failed')).toEqual([]);
  const queues = (await call(final.baseUrl, 'GET', '/_host/queues')).json as { pending: unknown[]; deadLetters: unknown[] };
  expect(queues.pending).toEqual([]);
  expect(queues.deadLetters).toEqual([]);
}, 240_000);
