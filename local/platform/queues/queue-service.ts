import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { InvocationError } from '@forge/events';
import { type HostDatabase } from '../database';
import { type VirtualClock } from '../clock';
import { LOCAL_APP, jsonResponse, type AppIdentity, type PlatformRequest, type PlatformService } from '../forge-seam';
import { FORGE_QUEUE_LIMITS, QUEUE_TEXT, RETRY_REASON, VALID_QUEUE_NAME, failureBackoffSeconds, type QueueLimits } from './limits';
import { createPrng, type Prng } from './prng';
import { createQueueStore, type DeliveryRow, type NewDelivery, type QueueStore } from './store';

/**
 * The Forge async events platform of the offline host: it answers the `@forge/events` `Queue`
 * calls behind `__forge_fetch__` and invokes the app's consumers.
 *
 * Guarantees, as Forge gives them:
 * - Durable from the answer: a push is written to SQLite in one transaction before it answers
 *   201, so a process killed right after `push()` returned loses nothing. Events left in flight by
 *   a dead host are delivered again when a queue service starts on the same database.
 * - At-least-once, unordered: an event is marked done only after its consumer returned normally;
 *   anything else (host death, thrown error, time-out, `InvocationError`, chaos) delivers it again.
 *   A consumer that already did its work and then timed out or died sees the event again, with the
 *   same `eventId`. Chaos mode adds duplicates and shuffles the order on purpose.
 * - Retries: a consumer RETURNING an `InvocationError` is retried after `retryAfter` seconds
 *   (capped at 900 s; missing: the backoff below), with `retryContext.retryCount` + 1 and its
 *   `retryReason` / `retryData`. A thrown error (`FUNCTION_PLATFORM_UNKNOWN_ERROR`), a time-out
 *   (`FUNCTION_TIME_OUT`) and a chaos platform failure are retried after 5 s x 2^retryCount, capped at
 *   900 s, with `retryData` undefined. No attempt is scheduled later than 24 h after the push: such
 *   an event goes to `queue_dead_letters` instead (so does a retry asking for more than 4 KB of
 *   `retryData`). The first attempt has no `retryContext`.
 * - Time: due times follow the virtual clock (`Date.now()`); the dispatcher looks for due work on
 *   a real timer and whenever the virtual clock moves.
 */

/** What a consumer function receives as its first argument (`AsyncEvent` of @forge/events, plus `contextAri`). */
export interface AsyncEventForConsumer {
  queueName: string;
  jobId: string;
  eventId: string;
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
  /** The installation's context (site) ARI. */
  contextAri: string;
  /** Absent on the first attempt. */
  retryContext?: {
    retryCount: number;
    retryReason: string;
    retryData: unknown;
    retentionWindow: { startTime: string; remainingTimeMs: number };
  };
}

export interface QueueChaosOptions {
  /** Probability that a dispatched event is delivered once more (a second delivery row, same eventId). */
  duplicateRate?: number;
  /** Shuffle the dispatch order of the events due at the same time. */
  reorder?: boolean;
  /** Probability that an invocation fails before reaching the consumer (retried). */
  failureRate?: number;
  /** Probability that an invocation whose consumer returned is reported as timed out (retried: the consumer sees it again). */
  timeoutRate?: number;
  /** PRNG seed; the same seed gives the same chaos. Default 1. */
  seed?: number | string;
}

/** Alias used by the host's options. */
export type ChaosOptions = QueueChaosOptions;

export interface QueueServiceOptions {
  /**
   * Invokes the consumer of `queueKey` (the host wires the app runtime's `invokeConsumer`);
   * `chainId` is the invocation chain that pushed the event.
   */
  invokeConsumer(queueKey: string, event: AsyncEventForConsumer, meta?: { chainId?: string }): Promise<unknown>;
  /** The largest event (bytes of its JSON) the consumer of `queueKey` takes; default: no limit beyond the push's. */
  maxEventBytes?: (queueKey: string) => number;
  /** Re-check due work whenever the virtual clock moves; required by `drain()`. */
  clock?: Pick<VirtualClock, 'onAdvance' | 'advance'>;
  /** Identity for `contextAri`; default `LOCAL_APP`. */
  app?: AppIdentity;
  /** Real-time poll for due work, ms (default 50). */
  pollIntervalMs?: number;
  /** Real-time limit of one consumer invocation (default 900 s, Forge's maximum); a run past it counts as timed out. */
  consumerTimeoutMs?: number | ((queueKey: string) => number);
  /** Invocations running at once in this host (default 25). */
  maxInFlight?: number;
  limits?: Partial<QueueLimits>;
  chaos?: QueueChaosOptions;
  /** Start dispatching at once (default true). */
  autoStart?: boolean;
  log?: (line: string) => void;
}

export interface QueuedDelivery {
  deliveryId: number;
  eventId: string;
  jobId: string;
  queueName: string;
  body: Record<string, unknown>;
  state: 'pending' | 'inflight';
  pushedAt: number;
  dueAt: number;
  retryCount: number;
  retryReason: string | undefined;
  attempts: number;
  lastError: string | undefined;
  duplicate: boolean;
  concurrency: { key: string; limit: number } | undefined;
}

export interface DeadLetter {
  deliveryId: number;
  eventId: string;
  jobId: string;
  queueName: string;
  body: Record<string, unknown>;
  duplicate: boolean;
  retryCount: number;
  attempts: number;
  reason: string;
  lastError: string | undefined;
  pushedAt: number;
  diedAt: number;
}

export interface QueueService {
  /** The platform service to give `installForgeSeam`. */
  readonly service: PlatformService;
  readonly limits: QueueLimits;
  /** Starts (or restarts) dispatching; redelivers events a dead or stopped host left in flight. */
  start(): void;
  /**
   * Stops the timers and the clock listener; nothing new is dispatched. Waits up to `graceMs`
   * (real time, default 1000) for running invocations; those still running then are abandoned:
   * their outcome is ignored and they stay in flight in the database, so the next start (of this
   * or a new service) delivers them again.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Pending and in-flight deliveries, in due order. */
  pending(queueKey?: string): QueuedDelivery[];
  /** Events the platform gave up on (retry window over, oversize retryData), oldest first. */
  deadLetters(): DeadLetter[];
  /** Resolves when nothing is due or in flight; rejects after `timeoutMs` real ms (default 10 s) saying what is still busy. */
  waitForIdle(options?: { timeoutMs?: number }): Promise<void>;
  /** Runs everything to the end: waits for idle, advances the virtual clock to the next due event, repeats. */
  drain(options?: { timeoutMs?: number; maxAdvanceMs?: number }): Promise<void>;
  /** The earliest due time of a pending delivery (virtual epoch ms). */
  nextDueAt(queueKey?: string): number | undefined;
  counts(): { pending: number; inflight: number; done: number; dead: number; cancelled: number };
  /** Changes the chaos settings (a new seed restarts the PRNG). */
  setChaos(chaos: QueueChaosOptions): void;
}

type Outcome =
  | { kind: 'success' }
  | { kind: 'retry'; reason: string; delaySeconds: number; retryData: string | null; message: string }
  | { kind: 'dead'; reason: string; message: string };

interface LiveInvocation {
  readonly deliveryId: number;
  readonly concurrencyKey: string | undefined;
  readonly failBeforeConsumer: boolean;
  readonly reportTimeout: boolean;
  timer: NodeJS.Timeout | undefined;
  abandoned: boolean;
  released: boolean;
  settled: Promise<void>;
}

interface RetryRequest {
  retryAfter?: unknown;
  retryReason?: unknown;
  retryData?: unknown;
}

/**
 * A consumer's `InvocationError`. The SDK's constructor returns `toJSON()` — a plain
 * `{ _retry: true, retryOptions }`, not an instance — so `instanceof` alone never matches; the
 * duck-typed check covers that, a result that went through JSON, and the older
 * `QueueResponse.retry()` (a `_retry: true` without `retryOptions`).
 */
export function retryRequestOf(value: unknown): RetryRequest | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as { _retry?: unknown; retryOptions?: unknown };
  if (value instanceof InvocationError || candidate._retry === true) {
    const options = candidate.retryOptions;
    return typeof options === 'object' && options !== null ? (options as RetryRequest) : {};
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return String(error);
  }
}

function errorResponse(status: number, statusText: string, message: string, code: string, extra: Record<string, string> = {}): Response {
  // `message`/`code` are what the SDK reads for most statuses, `errorMessage` what it reads on 413.
  return new Response(JSON.stringify({ code, message, errorMessage: message }), {
    status,
    statusText,
    headers: { 'content-type': 'application/json', ...extra },
  });
}

const PUSH_PATH = /^\/webhook\/queue\/(publish|stats|cancel)\//;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class QueueHost implements QueueService {
  readonly service: PlatformService;
  readonly limits: QueueLimits;
  private readonly store: QueueStore;
  private readonly app: AppIdentity;
  private readonly pollIntervalMs: number;
  private readonly maxInFlight: number;
  private readonly log: (line: string) => void;
  private chaos: Required<Omit<QueueChaosOptions, 'seed'>> = { duplicateRate: 0, reorder: false, failureRate: 0, timeoutRate: 0 };
  private prng: Prng = createPrng(1);
  private readonly live = new Map<number, LiveInvocation>();
  private readonly concurrencyInUse = new Map<string, number>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribeClock: (() => void) | undefined;
  private kickScheduled = false;
  private lastPruneAt = 0;
  /** Push requests made per invocation chain (Forge cuts a chain at `pushRequestsPerChain`). */
  private readonly chainPushes = new Map<string, number>();

  constructor(
    private readonly db: HostDatabase,
    private readonly options: QueueServiceOptions,
  ) {
    this.store = createQueueStore(db);
    this.limits = { ...FORGE_QUEUE_LIMITS, ...options.limits };
    this.app = options.app ?? LOCAL_APP;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.maxInFlight = options.maxInFlight ?? 25;
    this.log = options.log ?? (() => undefined);
    if (options.chaos) this.setChaos(options.chaos);
    this.service = (request) => this.handle(request);
    if (options.autoStart ?? true) this.start();
  }

  setChaos(chaos: QueueChaosOptions): void {
    this.chaos = {
      duplicateRate: chaos.duplicateRate ?? this.chaos.duplicateRate,
      reorder: chaos.reorder ?? this.chaos.reorder,
      failureRate: chaos.failureRate ?? this.chaos.failureRate,
      timeoutRate: chaos.timeoutRate ?? this.chaos.timeoutRate,
    };
    if (chaos.seed !== undefined) this.prng = createPrng(chaos.seed);
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    if (this.running) return;
    if (!this.db.open) throw new Error('Queue host: cannot start, the database is closed');
    this.running = true;
    for (const id of this.store.inflightIds()) {
      if (!this.live.has(id)) this.store.requeue(id, 'redelivered: the host stopped while the event was in flight');
    }
    this.timer = setInterval(() => this.tick(), this.pollIntervalMs);
    this.timer.unref();
    if (this.options.clock) this.unsubscribeClock = this.options.clock.onAdvance(() => this.tick());
    this.kick();
  }

  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribeClock?.();
    this.unsubscribeClock = undefined;
    const running = [...this.live.values()];
    if (running.length > 0) {
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(running.map((l) => l.settled)),
        new Promise<void>((resolve) => {
          grace = setTimeout(resolve, options.graceMs ?? 1000);
          grace.unref();
        }),
      ]);
      clearTimeout(grace);
    }
    for (const invocation of this.live.values()) {
      invocation.abandoned = true;
      this.release(invocation);
    }
  }

  // ---------------------------------------------------------------- platform API (`__forge_fetch__`)

  private async handle(request: PlatformRequest): Promise<Response | undefined> {
    if (request.options.type !== 'fpp' || request.options.remote !== 'stargate') return undefined;
    const path = request.path.split('?')[0] ?? '';
    const operation = PUSH_PATH.exec(path)?.[1];
    if (!operation) return undefined;
    // Never 405 here: the SDK reads 405 as "cyclic invocation limit reached".
    if (request.method !== 'POST') return errorResponse(400, 'Bad Request', `Expected POST, got ${request.method}`, 'INVALID_REQUEST');
    if (!this.db.open) return errorResponse(503, 'Service Unavailable', 'The queue host database is closed', 'SERVICE_UNAVAILABLE');
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      return errorResponse(400, 'Bad Request', 'The request body is not JSON.', 'INVALID_REQUEST');
    }
    if (!isPlainObject(body)) return errorResponse(400, 'Bad Request', 'The request body must be an object.', 'INVALID_REQUEST');
    if (operation === 'publish') return this.push(body, request);
    return this.jobOperation(operation, body);
  }

  private push(request: Record<string, unknown>, platformRequest: PlatformRequest): Response {
    const limits = this.limits;
    const { queueName, jobId, payload } = request;
    const chainId = platformRequest.invocation?.chainId ?? null;
    if (chainId !== null) {
      // Every push request of the chain counts, refused ones too: the limit cuts loops.
      const made = (this.chainPushes.get(chainId) ?? 0) + 1;
      this.chainPushes.set(chainId, made);
      if (made > limits.pushRequestsPerChain) {
        this.log(`queue push refused: invocation chain ${chainId} made ${made} push requests (limit ${limits.pushRequestsPerChain})`);
        // The SDK reads 405 as InvocationLimitReachedError.
        return errorResponse(405, 'Method Not Allowed', QUEUE_TEXT.chainLimit(limits.pushRequestsPerChain), 'INVOCATION_LIMIT_REACHED');
      }
    }
    if (typeof queueName !== 'string' || !VALID_QUEUE_NAME.test(queueName)) {
      return errorResponse(400, 'Bad Request', QUEUE_TEXT.invalidQueueName, 'INVALID_QUEUE_NAME');
    }
    if (typeof jobId !== 'string' || jobId.length === 0) return errorResponse(400, 'Bad Request', QUEUE_TEXT.jobIdEmpty, 'INVALID_JOB_ID');
    if (!Array.isArray(payload) || payload.length === 0) return errorResponse(400, 'Bad Request', QUEUE_TEXT.noEvents, 'NO_EVENTS');
    if (payload.length > limits.maxEventsPerPush) {
      return errorResponse(400, 'Bad Request', QUEUE_TEXT.tooManyEvents(limits.maxEventsPerPush), 'TOO_MANY_EVENTS');
    }
    const now = Date.now();
    const deliveries: NewDelivery[] = [];
    for (const [index, event] of payload.entries()) {
      if (!isPlainObject(event)) return errorResponse(400, 'Bad Request', `Event ${index}: ${QUEUE_TEXT.invalidEvent}`, 'INVALID_EVENT');
      if (!isPlainObject(event.body)) return errorResponse(400, 'Bad Request', `Event ${index}: ${QUEUE_TEXT.invalidEventBody}`, 'INVALID_EVENT');
      const delay = event.delayInSeconds;
      if (delay !== undefined && delay !== null && (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0 || delay > limits.maxDelaySeconds)) {
        return errorResponse(400, 'Bad Request', `Event ${index}: ${QUEUE_TEXT.invalidDelay(limits.maxDelaySeconds)} Got ${JSON.stringify(delay)}.`, 'INVALID_PUSH_SETTINGS');
      }
      const concurrency = event.concurrency;
      let concurrencyKey: string | null = null;
      let concurrencyLimit: number | null = null;
      if (concurrency !== undefined && concurrency !== null) {
        const problem = this.concurrencyProblem(concurrency);
        if (problem) return errorResponse(400, 'Bad Request', `Event ${index}: ${problem}`, 'INVALID_PUSH_SETTINGS');
        concurrencyKey = (concurrency as { key: string }).key;
        concurrencyLimit = (concurrency as { limit: number }).limit;
      }
      const maxEventBytes = this.options.maxEventBytes?.(queueName) ?? Number.POSITIVE_INFINITY;
      const eventBytes = Buffer.byteLength(JSON.stringify(event));
      if (eventBytes > maxEventBytes) {
        return errorResponse(413, 'Payload Too Large', QUEUE_TEXT.eventTooLarge(index, eventBytes, maxEventBytes, queueName), 'PAYLOAD_TOO_LARGE');
      }
      const delaySeconds = typeof delay === 'number' ? delay : null;
      deliveries.push({
        eventId: randomUUID(),
        jobId,
        queueName,
        body: JSON.stringify(event.body),
        delaySeconds,
        concurrencyKey,
        concurrencyLimit,
        pushedAt: now,
        dueAt: now + Math.round((delaySeconds ?? 0) * 1000),
        chainId,
      });
    }
    if (Buffer.byteLength(JSON.stringify(payload)) > limits.maxPushBytes) {
      return errorResponse(413, 'Payload Too Large', QUEUE_TEXT.payloadTooBig(limits.maxPushBytes), 'PAYLOAD_TOO_LARGE');
    }
    const window = this.store.pushedSince(now - 60_000);
    let accepted = deliveries;
    if (window.count + deliveries.length > limits.eventsPerMinute) {
      const room = Math.max(0, limits.eventsPerMinute - window.count);
      this.log(`queue ${queueName}: push of ${deliveries.length} event(s) rate limited (${window.count} pushed in the last minute, limit ${limits.eventsPerMinute})`);
      if (!limits.partialPushOnRateLimit || room === 0) {
        const retryAfter = Math.max(1, Math.ceil(((window.oldest ?? now) + 60_000 - now) / 1000));
        return errorResponse(429, 'Too Many Requests', QUEUE_TEXT.rateLimited, 'RATE_LIMITED', { 'retry-after': String(retryAfter) });
      }
      accepted = deliveries.slice(0, room);
    }
    if (this.store.job(jobId, queueName)) return errorResponse(409, 'Conflict', `Job ${jobId} was already pushed.`, 'DUPLICATE_JOB');
    this.store.insertPush({ jobId, queueName, pushedAt: now }, accepted);
    this.kick();
    if (accepted.length < deliveries.length) {
      // Forge's partial success: 202 naming the events that failed (SDK: PartialSuccessError.failedEvents).
      const failedEvents = deliveries.slice(accepted.length).map((_, i) => ({ index: String(accepted.length + i), errorMessage: QUEUE_TEXT.rateLimited }));
      return jsonResponse(202, { jobId, failedEvents, errorMessage: `${failedEvents.length} event(s) over the rate of ${limits.eventsPerMinute} events per minute.` });
    }
    return jsonResponse(201, { jobId });
  }

  private concurrencyProblem(concurrency: unknown): string | undefined {
    const l = this.limits;
    if (!isPlainObject(concurrency)) return 'concurrency must be an object { key, limit }.';
    const { key, limit } = concurrency;
    if (typeof key !== 'string' || key.length === 0 || key.length > l.maxConcurrencyKeyLength) {
      return `concurrency.key must be a string of 1 to ${l.maxConcurrencyKeyLength} characters.`;
    }
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < l.minConcurrencyLimit || limit > l.maxConcurrencyLimit) {
      return `concurrency.limit must be an integer between ${l.minConcurrencyLimit} and ${l.maxConcurrencyLimit}, got ${JSON.stringify(limit)}.`;
    }
    return undefined;
  }

  private jobOperation(operation: string, request: Record<string, unknown>): Response {
    const { queueName, jobId } = request;
    if (typeof jobId !== 'string' || jobId.length === 0) return errorResponse(400, 'Bad Request', QUEUE_TEXT.jobIdEmpty, 'INVALID_JOB_ID');
    if (typeof queueName !== 'string' || !VALID_QUEUE_NAME.test(queueName)) {
      return errorResponse(400, 'Bad Request', QUEUE_TEXT.invalidQueueName, 'INVALID_QUEUE_NAME');
    }
    if (!this.store.job(jobId, queueName)) return errorResponse(404, 'Not Found', QUEUE_TEXT.jobNotFound(jobId, queueName), 'JOB_NOT_FOUND');
    if (operation === 'cancel') {
      this.store.cancelJob(jobId, Date.now());
      return new Response(null, { status: 204 });
    }
    const counts = this.store.jobCounts(jobId);
    return jsonResponse(200, { success: counts.done, inProgress: counts.pending + counts.inflight, failed: counts.dead });
  }

  // ---------------------------------------------------------------- dispatcher

  /** Schedules one tick soon (coalesced). */
  private kick(): void {
    if (this.kickScheduled || !this.running) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.tick();
    });
  }

  private tick(): void {
    if (!this.running || !this.db.open) return;
    try {
      this.dispatchDue();
    } catch (error) {
      this.log(`queue host: dispatch failed: ${describe(error)}`);
    }
  }

  private dispatchDue(): void {
    const now = Date.now();
    if (now - this.lastPruneAt > 10 * 60_000) {
      this.lastPruneAt = now;
      this.store.prune(now - this.limits.retentionMs - 60 * 60_000);
    }
    let capacity = this.maxInFlight - this.live.size;
    if (capacity <= 0) return;
    const due = this.store.due(now, Math.max(200, capacity * 20));
    if (due.length === 0) return;
    if (this.chaos.reorder) this.prng.shuffle(due);
    const claimed: [DeliveryRow, LiveInvocation][] = [];
    this.db.transaction(() => {
      for (const row of due) {
        if (capacity <= 0) break;
        const concurrencyKey = row.concurrency_key === null ? undefined : this.limits.concurrencyScope === 'installation' ? row.concurrency_key : `${row.queue_name}\u0000${row.concurrency_key}`;
        if (concurrencyKey !== undefined && (this.concurrencyInUse.get(concurrencyKey) ?? 0) >= (row.concurrency_limit ?? 1)) {
          // Forge holds an event with a busy key back for a while, in no fixed order; the kind host runs it at the next free slot.
          if (this.limits.busyKeyMaxHoldMs > 0) this.store.postpone(row.delivery_id, now + 1_000 + this.prng.int(Math.max(1, this.limits.busyKeyMaxHoldMs - 1_000)));
          continue;
        }
        if (!this.store.markInflight(row.delivery_id, now)) continue;
        if (concurrencyKey !== undefined) this.concurrencyInUse.set(concurrencyKey, (this.concurrencyInUse.get(concurrencyKey) ?? 0) + 1);
        // All chaos draws happen here, in dispatch order, so a seed reproduces a run.
        if (row.duplicate_of === null && this.prng.chance(this.chaos.duplicateRate)) this.store.insertDuplicate(row.delivery_id, now);
        const invocation: LiveInvocation = {
          deliveryId: row.delivery_id,
          concurrencyKey,
          failBeforeConsumer: this.prng.chance(this.chaos.failureRate),
          reportTimeout: this.prng.chance(this.chaos.timeoutRate),
          timer: undefined,
          abandoned: false,
          released: false,
          settled: Promise.resolve(),
        };
        this.live.set(row.delivery_id, invocation);
        claimed.push([{ ...row, attempts: row.attempts + 1 }, invocation]);
        capacity--;
      }
    })();
    for (const [row, invocation] of claimed) invocation.settled = this.run(row, invocation);
  }

  private async run(row: DeliveryRow, invocation: LiveInvocation): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.attempt(row, invocation);
    } catch (error) {
      outcome = this.failure(row, RETRY_REASON.platformUnknown, `queue host error: ${describe(error)}`);
    }
    this.settle(row, invocation, outcome);
  }

  private timeoutMsFor(queueName: string): number {
    const option = this.options.consumerTimeoutMs;
    if (typeof option === 'function') return option(queueName);
    return option ?? 900_000;
  }

  private async attempt(row: DeliveryRow, invocation: LiveInvocation): Promise<Outcome> {
    await Promise.resolve(); // never run a consumer inside the dispatch transaction
    if (invocation.failBeforeConsumer) {
      return this.failure(row, RETRY_REASON.platformUnknown, 'chaos: the invocation failed before reaching the consumer');
    }
    const event = this.eventFor(row, Date.now());
    const timeoutMs = this.timeoutMsFor(row.queue_name);
    type Settled = { type: 'value'; value: unknown } | { type: 'error'; error: unknown } | { type: 'timeout' };
    const settled = await new Promise<Settled>((resolve) => {
      invocation.timer = setTimeout(() => resolve({ type: 'timeout' }), timeoutMs);
      invocation.timer.unref();
      let result: Promise<unknown>;
      try {
        result = Promise.resolve(this.options.invokeConsumer(row.queue_name, event, row.chain_id === null ? {} : { chainId: row.chain_id }));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => resolve({ type: 'value', value }),
        (error: unknown) => resolve({ type: 'error', error }),
      );
    });
    clearTimeout(invocation.timer);
    invocation.timer = undefined;
    if (settled.type === 'timeout') return this.failure(row, RETRY_REASON.timeOut, `the consumer ran past its ${timeoutMs} ms time-out`);
    if (settled.type === 'error') {
      const timedOut = settled.error instanceof Error && settled.error.name === 'FunctionTimeoutError';
      return this.failure(row, timedOut ? RETRY_REASON.timeOut : RETRY_REASON.platformUnknown, describe(settled.error));
    }
    if (invocation.reportTimeout) return this.failure(row, RETRY_REASON.timeOut, 'chaos: the invocation was reported as timed out after the consumer ran');
    const request = retryRequestOf(settled.value);
    return request ? this.retryRequested(row, request) : { kind: 'success' };
  }

  private failure(row: DeliveryRow, reason: string, message: string): Outcome {
    return { kind: 'retry', reason, delaySeconds: failureBackoffSeconds(row.retry_count, this.limits.maxRetryAfterSeconds), retryData: null, message };
  }

  private retryRequested(row: DeliveryRow, request: RetryRequest): Outcome {
    const { retryAfter, retryReason, retryData } = request;
    let retryDataJson: string | null = null;
    if (retryData !== undefined) {
      try {
        retryDataJson = JSON.stringify(retryData) ?? null;
      } catch (error) {
        return { kind: 'dead', reason: `InvocationError retryData is not JSON: ${describe(error)}`, message: 'InvocationError with unusable retryData' };
      }
      const bytes = retryDataJson === null ? 0 : Buffer.byteLength(retryDataJson);
      if (bytes > this.limits.maxRetryDataBytes) {
        return {
          kind: 'dead',
          reason: `InvocationError retryData is ${bytes} bytes, over the ${this.limits.maxRetryDataBytes}-byte limit: the retry was refused`,
          message: 'InvocationError with oversize retryData',
        };
      }
    }
    const delaySeconds =
      typeof retryAfter === 'number' && Number.isFinite(retryAfter)
        ? Math.min(Math.max(retryAfter, 1), this.limits.maxRetryAfterSeconds)
        : failureBackoffSeconds(row.retry_count, this.limits.maxRetryAfterSeconds);
    const reason = typeof retryReason === 'string' && retryReason.length > 0 ? retryReason : RETRY_REASON.retryRequest;
    return { kind: 'retry', reason, delaySeconds, retryData: retryDataJson, message: `InvocationError ${reason}, retryAfter ${delaySeconds} s` };
  }

  private release(invocation: LiveInvocation): void {
    if (invocation.released) return;
    invocation.released = true;
    clearTimeout(invocation.timer);
    this.live.delete(invocation.deliveryId);
    const key = invocation.concurrencyKey;
    if (key !== undefined) {
      const left = (this.concurrencyInUse.get(key) ?? 1) - 1;
      if (left <= 0) this.concurrencyInUse.delete(key);
      else this.concurrencyInUse.set(key, left);
    }
  }

  private settle(row: DeliveryRow, invocation: LiveInvocation, outcome: Outcome): void {
    if (invocation.abandoned) return; // stop() gave up on it: it stays in flight for the next start
    this.release(invocation);
    if (!this.db.open) return;
    try {
      const now = Date.now();
      const current = this.store.get(row.delivery_id);
      if (!current || current.state !== 'inflight') return;
      if (this.store.isJobCancelled(row.job_id)) {
        this.store.finish(row.delivery_id, outcome.kind === 'success' ? 'done' : 'cancelled', now);
      } else if (outcome.kind === 'success') {
        this.store.finish(row.delivery_id, 'done', now);
      } else if (outcome.kind === 'dead') {
        this.bury(row, outcome.reason, outcome.message, now);
      } else {
        const dueAt = now + Math.round(outcome.delaySeconds * 1000);
        const windowEnd = row.pushed_at + this.limits.retentionMs;
        if (dueAt > windowEnd) {
          const hours = Math.round(this.limits.retentionMs / 3_600_000);
          this.bury(row, `gave up: retry ${row.retry_count + 1} would run after the ${hours} h retry window from the push`, outcome.message, now);
        } else {
          this.store.scheduleRetry(row.delivery_id, dueAt, outcome.reason, outcome.retryData, outcome.message);
        }
      }
    } catch (error) {
      this.log(`queue host: could not record the outcome of delivery ${row.delivery_id}: ${describe(error)}`);
    }
    this.kick();
  }

  private bury(row: DeliveryRow, reason: string, lastError: string, now: number): void {
    this.store.bury(row.delivery_id, reason, lastError, now);
    this.log(`queue ${row.queue_name}: event ${row.event_id} is dead after ${row.attempts} attempt(s): ${reason} (last: ${lastError})`);
  }

  private eventFor(row: DeliveryRow, now: number): AsyncEventForConsumer {
    const event: AsyncEventForConsumer = {
      queueName: row.queue_name,
      jobId: row.job_id,
      eventId: row.event_id,
      body: JSON.parse(row.body) as Record<string, unknown>,
      contextAri: this.app.contextAri,
    };
    if (row.delay_seconds !== null) event.delayInSeconds = row.delay_seconds;
    if (row.concurrency_key !== null && row.concurrency_limit !== null) event.concurrency = { key: row.concurrency_key, limit: row.concurrency_limit };
    if (row.retry_count > 0) {
      event.retryContext = {
        retryCount: row.retry_count,
        retryReason: row.retry_reason ?? RETRY_REASON.platformUnknown,
        retryData: row.retry_data === null ? undefined : (JSON.parse(row.retry_data) as unknown),
        retentionWindow: {
          startTime: new Date(row.pushed_at).toISOString(),
          remainingTimeMs: Math.max(0, row.pushed_at + this.limits.retentionMs - now),
        },
      };
    }
    return event;
  }

  // ---------------------------------------------------------------- inspection

  private requireOpen(): void {
    if (!this.db.open) throw new Error('Queue host: the database is closed');
  }

  pending(queueKey?: string): QueuedDelivery[] {
    this.requireOpen();
    return this.store.open(queueKey).map((row) => ({
      deliveryId: row.delivery_id,
      eventId: row.event_id,
      jobId: row.job_id,
      queueName: row.queue_name,
      body: JSON.parse(row.body) as Record<string, unknown>,
      state: row.state as 'pending' | 'inflight',
      pushedAt: row.pushed_at,
      dueAt: row.due_at,
      retryCount: row.retry_count,
      retryReason: row.retry_reason ?? undefined,
      attempts: row.attempts,
      lastError: row.last_error ?? undefined,
      duplicate: row.duplicate_of !== null,
      concurrency: row.concurrency_key !== null && row.concurrency_limit !== null ? { key: row.concurrency_key, limit: row.concurrency_limit } : undefined,
    }));
  }

  deadLetters(): DeadLetter[] {
    this.requireOpen();
    return this.store.deadLetters().map((row) => ({
      deliveryId: row.delivery_id,
      eventId: row.event_id,
      jobId: row.job_id,
      queueName: row.queue_name,
      body: JSON.parse(row.body) as Record<string, unknown>,
      duplicate: row.duplicate === 1,
      retryCount: row.retry_count,
      attempts: row.attempts,
      reason: row.reason,
      lastError: row.last_error ?? undefined,
      pushedAt: row.pushed_at,
      diedAt: row.died_at,
    }));
  }

  nextDueAt(queueKey?: string): number | undefined {
    this.requireOpen();
    return this.store.nextDueAt(queueKey);
  }

  counts() {
    this.requireOpen();
    return this.store.stateCounts();
  }

  private isIdle(): boolean {
    return this.live.size === 0 && this.store.countDue(Date.now()) === 0;
  }

  async waitForIdle(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.requireOpen();
      if (this.isIdle()) return;
      if (performance.now() >= deadline) throw new Error(this.busyReport(timeoutMs));
      this.kick();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private busyReport(timeoutMs: number): string {
    const now = Date.now();
    const open = this.store.open();
    const due = open.filter((r) => r.state === 'pending' && r.due_at <= now);
    const sample = [...this.live.keys(), ...due.map((r) => r.delivery_id)]
      .slice(0, 5)
      .map((id) => {
        const row = open.find((r) => r.delivery_id === id);
        return row ? `${row.queue_name}/${row.event_id} (${row.state}, attempt ${row.attempts}, retry ${row.retry_count})` : `delivery ${id}`;
      });
    const stopped = this.running ? '' : ' The dispatcher is stopped: call start().';
    return `Queue host not idle after ${timeoutMs} ms: ${due.length} event(s) due, ${this.live.size} in flight.${stopped} E.g. ${sample.join(', ')}`;
  }

  async drain(options: { timeoutMs?: number; maxAdvanceMs?: number } = {}): Promise<void> {
    const clock = this.options.clock;
    if (!clock) throw new Error('Queue host: drain() needs the virtual clock (options.clock)');
    const timeoutMs = options.timeoutMs ?? 10_000;
    const maxAdvanceMs = options.maxAdvanceMs ?? this.limits.retentionMs + 60 * 60_000;
    const deadline = performance.now() + timeoutMs;
    let advanced = 0;
    for (;;) {
      await this.waitForIdle({ timeoutMs: Math.max(1, deadline - performance.now()) });
      const next = this.store.nextDueAt();
      if (next === undefined) return;
      const step = Math.max(0, next - Date.now());
      if (advanced + step > maxAdvanceMs) {
        throw new Error(`Queue host: drain() would advance the clock past ${maxAdvanceMs} ms; ${this.store.stateCounts().pending} event(s) still pending`);
      }
      await clock.advance(step);
      advanced += step;
    }
  }
}

/** Creates the async events platform on the host database (tables `queue_*`). */
export function createQueueService(db: HostDatabase, options: QueueServiceOptions): QueueService {
  return new QueueHost(db, options);
}
