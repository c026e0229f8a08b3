import { cancelDelivery as cancelStep, createDelivery, redeliverDelivery } from '../domain/delivery-lifecycle';
import { healthOf, testDeliveryId } from '../domain/delivery-policy';
import { WAKE_IDS, type DeliveryRecord, type WebhookRecord, type WebhookStateRecord } from '../domain/records';
import { generateWebhookSecret } from '../domain/signing';
import { checkWebhookUrl } from '../domain/url-policy';
import { buildWebhookBody } from '../domain/webhook-body';
import { WEBHOOK_IN_FLIGHT, type WebhookPayloads, type DeliveryDetailDto, type DeliverySummaryDto, type UrlCheckDto, type WebhookDto } from '../shared/webhooks-contract';
import { AppError, invalidInput, notFound } from './app-error';
import { loadFieldCatalog } from './field-catalog';
import {
  ConcurrentWriteError,
  WebhookNameTakenError,
  type Clock,
  type DeliveryStore,
  type FieldCatalogStore,
  type IdGenerator,
  type JiraAsUser,
  type WakeUpQueue,
  type WebhookSecretStore,
  type WebhookStateStore,
  type WebhookStore,
} from './ports';
import { pokeDrains } from './webhook-lease';

export interface WebhookAdminDeps {
  readonly webhooks: WebhookStore;
  readonly secrets: WebhookSecretStore;
  readonly states: WebhookStateStore;
  readonly deliveries: DeliveryStore;
  readonly queue: WakeUpQueue;
  readonly catalog: FieldCatalogStore;
  /** Jira as the admin of this invocation: project filters must name projects they can see. */
  readonly jira: JiraAsUser;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly randomBytes: (size: number) => Uint8Array;
  readonly allowLoopback: boolean;
  readonly accountId: string;
}

/** The previous secret keeps signing this long after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;
/** How many failed deliveries one "resend failed" call puts back; the answer says when there are more. */
export const RESEND_LIMIT = 500;
/** The admin page shows "100+" beyond this; counting further costs reads on every visit. */
export const PENDING_COUNT_CAP = 100;

type Input<K extends keyof WebhookPayloads> = Exclude<WebhookPayloads[K], undefined>;

// ---------------------------------------------------------------- reading

export async function listWebhooks(deps: WebhookAdminDeps): Promise<{ webhooks: WebhookDto[] }> {
  const webhooks = await deps.webhooks.list();
  const states = await deps.states.loadMany(webhooks.map((w) => w.id));
  const pending = await Promise.all(webhooks.map((w) => deps.deliveries.countPending(w.id, PENDING_COUNT_CAP)));
  const now = deps.clock.now();
  return { webhooks: webhooks.map((w, i) => toWebhookDto(w, states.get(w.id), pending[i] ?? 0, now)) };
}

export async function getWebhook(deps: WebhookAdminDeps, id: string): Promise<WebhookDto> {
  const webhook = await requireWebhook(deps, id);
  const [state, pending] = await Promise.all([deps.states.load(id), deps.deliveries.countPending(id, PENDING_COUNT_CAP)]);
  return toWebhookDto(webhook, state, pending, deps.clock.now());
}

export function checkUrl(deps: Pick<WebhookAdminDeps, 'allowLoopback'>, url: string): UrlCheckDto {
  const checked = checkWebhookUrl(url, { allowLoopback: deps.allowLoopback });
  return checked.ok ? { ok: true, url: checked.value.url } : { ok: false, rule: checked.error.rule, message: checked.error.message };
}

// ---------------------------------------------------------------- managing

export async function createWebhook(deps: WebhookAdminDeps, input: Input<'createWebhook'>): Promise<{ webhook: WebhookDto; secret: string }> {
  const url = requireUrl(deps, input.url);
  await requireUniqueName(deps, input.name);
  const projects = await resolveProjects(deps, input.projectKeys ?? null);
  const fieldIds = await resolveFieldIds(deps, input.fieldIds ?? null);
  const now = deps.clock.now();
  const id = deps.ids.newId();
  const secret = generateWebhookSecret(deps.randomBytes(32));
  const record: WebhookRecord = {
    schemaVersion: 1,
    id,
    name: input.name,
    url,
    active: input.active ?? true,
    projects,
    fieldIds,
    createdAt: now,
    createdBy: deps.accountId,
    updatedAt: now,
    version: 1,
    disabledReason: null,
    disabledAt: null,
    previousSecretUntil: null,
    maxInFlight: input.maxInFlight ?? WEBHOOK_IN_FLIGHT.default,
  };
  // The secret first: a webhook never exists without one to sign with.
  await deps.secrets.rotate(id, secret, 0);
  try {
    await deps.webhooks.create(record);
  } catch (error) {
    // Another admin took the name since it was checked: this webhook does not exist, nor its secret.
    if (error instanceof WebhookNameTakenError) {
      await deps.secrets.delete(id);
      throw nameTaken(error.takenName);
    }
    throw error;
  }
  return { webhook: toWebhookDto(record, undefined, 0, now), secret };
}

export async function updateWebhook(deps: WebhookAdminDeps, input: Input<'updateWebhook'>): Promise<WebhookDto> {
  const current = await requireWebhook(deps, input.id);
  const url = input.url === undefined ? current.url : requireUrl(deps, input.url);
  if (input.name !== undefined) await requireUniqueName(deps, input.name, current.id);
  const projects = input.projectKeys === undefined ? current.projects : await resolveProjects(deps, input.projectKeys);
  const fieldIds = input.fieldIds === undefined ? current.fieldIds : await resolveFieldIds(deps, input.fieldIds);
  const now = deps.clock.now();
  const reEnabled = input.active === true && !current.active;
  const next: WebhookRecord = {
    ...current,
    name: input.name ?? current.name,
    url,
    active: input.active ?? current.active,
    projects,
    fieldIds,
    maxInFlight: input.maxInFlight ?? current.maxInFlight,
    updatedAt: now,
    version: current.version + 1,
    // Enabling clears why the app had disabled it.
    ...(reEnabled ? { disabledReason: null, disabledAt: null } : {}),
  };
  // Deliveries that waited while it was disabled go out now, not at a retry time hours away. They
  // are rescheduled while the webhook is still disabled, so no drain has claimed one meanwhile.
  const waiting = reEnabled ? (await deps.deliveries.dueForWebhook(current.id, Number.MAX_SAFE_INTEGER, RESEND_LIMIT)).filter((d) => d.inFlight === 0 && d.dueAt > now) : [];
  await deps.deliveries.saveMany(waiting.map((d) => ({ ...d, dueAt: now })));
  // Projects waiting for a retry and the circuit breaker go now too.
  if (reEnabled) await deps.states.update(current.id, (state) => ({ ...state, breakerUntil: 0, blocked: state.blocked.map((b) => ({ ...b, dueAt: Math.min(b.dueAt, now) })) }));
  await saveWebhook(deps, next, current.name);
  if (reEnabled) await wakeDrain(deps, next.id, waiting.slice(0, WAKE_IDS).map((d) => d.deliveryId));
  return getWebhook(deps, next.id);
}

export async function deleteWebhook(deps: WebhookAdminDeps, id: string): Promise<{ id: string }> {
  await requireWebhook(deps, id);
  await deps.webhooks.delete(id);
  // Pending deliveries are cancelled now (the sweeper finishes what this call leaves).
  await deps.deliveries.cancelPendingOfWebhook(id, deps.clock.now());
  await Promise.all([deps.secrets.delete(id), deps.states.delete(id)]);
  return { id };
}

export async function rotateSecret(deps: WebhookAdminDeps, id: string): Promise<{ webhook: WebhookDto; secret: string }> {
  const current = await requireWebhook(deps, id);
  const secret = generateWebhookSecret(deps.randomBytes(32));
  const now = deps.clock.now();
  await deps.secrets.rotate(id, secret, SECRET_OVERLAP_MS);
  await saveWebhook(deps, { ...current, previousSecretUntil: now + SECRET_OVERLAP_MS, updatedAt: now, version: current.version + 1 });
  return { webhook: await getWebhook(deps, id), secret };
}

// ---------------------------------------------------------------- deliveries

export async function sendTestDelivery(deps: WebhookAdminDeps, input: Input<'sendTestDelivery'>): Promise<DeliverySummaryDto> {
  const webhook = await requireWebhook(deps, input.id);
  if (!webhook.active) throw new AppError('CONFLICT', `${webhook.name} is disabled. Enable it to send a test.`);
  const project = await testProject(deps, webhook, input.projectKey);
  const now = deps.clock.now();
  const body = buildWebhookBody({ event: 'test', user: deps.accountId, timestamp: now, project, fields: [] });
  const record = createDelivery({
    deliveryId: testDeliveryId(deps.randomBytes(16)),
    webhookId: webhook.id,
    changeId: null,
    event: 'test',
    project,
    fieldNames: [],
    order: now,
    body: { inline: JSON.stringify(body) },
    nowMs: now,
  });
  await deps.deliveries.createMany([record]);
  await wakeDrain(deps, webhook.id, [record.deliveryId]);
  return toDeliverySummary(record);
}

export async function listDeliveries(deps: WebhookAdminDeps, input: Input<'listDeliveries'>): Promise<{ deliveries: DeliverySummaryDto[]; nextCursor: string | null }> {
  await requireWebhook(deps, input.webhookId);
  const page = await deps.deliveries.listForWebhook(input.webhookId, {
    limit: input.limit ?? 20,
    ...(input.status ? { status: input.status } : {}),
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });
  return { deliveries: page.records.map(toDeliverySummary), nextCursor: page.nextCursor ?? null };
}

export async function getDelivery(deps: WebhookAdminDeps, deliveryId: string): Promise<DeliveryDetailDto> {
  const delivery = await requireDelivery(deps, deliveryId);
  const attempts = await deps.deliveries.loadAttempts(deliveryId, delivery.attempts);
  return {
    ...toDeliverySummary(delivery),
    body: delivery.body ?? (delivery.bodyRef ? ((await deps.deliveries.loadBodies([delivery.bodyRef])).get(delivery.bodyRef) ?? '') : ''),
    attemptLog: attempts
      .sort((a, b) => b.attempt - a.attempt)
      .map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        requestHeaders: a.requestHeaders,
        responseStatus: a.responseStatus,
        responseHeaders: a.responseHeaders,
        responseBodyExcerpt: a.responseBodyExcerpt,
        error: a.error,
        outcome: a.outcome,
        nextAttemptAt: a.nextAttemptAt,
      })),
  };
}

/**
 * Sends one delivery again at once, with the same `webhook-id` and body, outside its project's
 * order (an admin asked for it); the retry schedule starts anew.
 */
export async function redeliver(deps: WebhookAdminDeps, deliveryId: string): Promise<DeliverySummaryDto> {
  const delivery = await requireDelivery(deps, deliveryId);
  const webhook = await requireWebhook(deps, delivery.webhookId);
  if (!webhook.active) throw new AppError('CONFLICT', `${webhook.name} is disabled. Enable it to redeliver.`);
  const step = redeliverDelivery(delivery, deps.clock.now());
  if (!step.ok) throw new AppError('CONFLICT', step.reason);
  await keepBodies(deps, [delivery]);
  if (!(await deps.deliveries.replaceIf(delivery, step.delivery))) throw new AppError('CONFLICT', 'This delivery changed meanwhile. Reload it and try again.');
  await wakeDrain(deps, webhook.id, [deliveryId]);
  return toDeliverySummary(step.delivery);
}

/**
 * An admin gives a pending delivery up (a receiver that keeps refusing one change): its project's
 * later changes go on without it, and the log shows who cancelled it and when.
 */
export async function cancelDelivery(deps: WebhookAdminDeps, deliveryId: string): Promise<DeliverySummaryDto> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const delivery = await requireDelivery(deps, deliveryId);
    const step = cancelStep(delivery, deps.accountId, deps.clock.now());
    if (!step.ok) throw new AppError('CONFLICT', step.reason);
    if (await deps.deliveries.replaceIf(delivery, step.delivery, step.interrupted)) {
      // The drain reads it by key and lets the project's next delivery go.
      await wakeDrain(deps, delivery.webhookId, [deliveryId]);
      return toDeliverySummary(step.delivery);
    }
  }
  throw new AppError('CONFLICT', 'This delivery kept changing while it was being cancelled. Reload it and try again.');
}

/** Failed deliveries created since `since` are sent again at once, outside their projects' order (after a receiver outage, or on re-enabling). */
export async function resendFailed(deps: WebhookAdminDeps, input: Input<'resendFailed'>): Promise<{ queued: number; more: boolean }> {
  const webhook = await requireWebhook(deps, input.webhookId);
  if (!webhook.active) throw new AppError('CONFLICT', `${webhook.name} is disabled. Enable it to resend its failed deliveries.`);
  const failed = await deps.deliveries.listByStatusSince(webhook.id, 'failed', input.since, RESEND_LIMIT + 1);
  const now = deps.clock.now();
  const batch = failed.slice(0, RESEND_LIMIT).flatMap((d) => {
    const step = redeliverDelivery(d, now);
    return step.ok ? [step.delivery] : [];
  });
  await keepBodies(deps, batch);
  await deps.deliveries.saveMany(batch);
  if (batch.length > 0) await wakeDrain(deps, webhook.id, batch.slice(0, WAKE_IDS).map((d) => d.deliveryId));
  return { queued: batch.length, more: failed.length > RESEND_LIMIT };
}

export async function listProjects(deps: Pick<WebhookAdminDeps, 'jira'>, query: string | undefined): Promise<{ projects: { id: number; key: string; name: string }[] }> {
  return { projects: await deps.jira.searchProjects(query?.trim() ?? '') };
}

// ---------------------------------------------------------------- helpers

async function requireWebhook(deps: Pick<WebhookAdminDeps, 'webhooks'>, id: string): Promise<WebhookRecord> {
  const webhook = await deps.webhooks.load(id);
  if (!webhook) throw notFound(`There is no webhook with id ${id}. It may have been deleted; reload the page.`);
  return webhook;
}

async function requireDelivery(deps: Pick<WebhookAdminDeps, 'deliveries'>, id: string): Promise<DeliveryRecord> {
  const delivery = await deps.deliveries.load(id);
  if (!delivery) throw notFound(`There is no delivery with id ${id}. Deliveries are kept for 30 days.`);
  return delivery;
}

function requireUrl(deps: Pick<WebhookAdminDeps, 'allowLoopback'>, url: string): string {
  const checked = checkWebhookUrl(url, { allowLoopback: deps.allowLoopback });
  if (!checked.ok) throw invalidInput(`The URL cannot be used: ${checked.error.message}`, { url: checked.error.message });
  return checked.value.url;
}

/** Names compare trimmed and ignoring case (the store's name claims); the store refuses a name taken meanwhile too. */
async function requireUniqueName(deps: Pick<WebhookAdminDeps, 'webhooks'>, name: string, exceptId?: string): Promise<void> {
  const taken = await deps.webhooks.findByName(name);
  if (taken && taken.id !== exceptId) throw nameTaken(taken.name);
}

/** Named as it exists, not as typed: "finance" clashes with "Finance". */
function nameTaken(takenName: string): AppError {
  const message = `A webhook named "${takenName}" exists already. Choose another name.`;
  return new AppError('CONFLICT', message, { name: message });
}

async function resolveProjects(deps: Pick<WebhookAdminDeps, 'jira'>, keys: readonly string[] | null): Promise<WebhookRecord['projects']> {
  if (keys === null) return null;
  if (keys.length === 0) throw invalidInput('Choose at least one project, or none to send changes of every project.', { projectKeys: 'Choose at least one project.' });
  const unique = [...new Set(keys.map((k) => k.toUpperCase()))];
  const found = await Promise.all(unique.map((key) => deps.jira.projectAccess(key)));
  const missing = unique.filter((_, i) => !found[i]?.canBrowse);
  if (missing.length > 0) {
    throw invalidInput(`Unknown project${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. Nothing was saved.`, { projectKeys: `Unknown: ${missing.join(', ')}` });
  }
  return found.map((access) => ({ id: access?.project.id ?? 0, key: access?.project.key ?? '' }));
}

async function resolveFieldIds(deps: Pick<WebhookAdminDeps, 'catalog'>, ids: readonly number[] | null): Promise<number[] | null> {
  if (ids === null) return null;
  if (ids.length === 0) throw invalidInput('Choose at least one field, or none to send changes of every field.', { fieldIds: 'Choose at least one field.' });
  const { fields } = await loadFieldCatalog(deps.catalog);
  const known = new Set(fields.map((f) => f.id));
  const unique = [...new Set(ids)];
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length > 0) throw invalidInput(`Unknown field id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. Nothing was saved.`, { fieldIds: `Unknown: ${missing.join(', ')}` });
  return unique;
}

async function saveWebhook(deps: Pick<WebhookAdminDeps, 'webhooks'>, next: WebhookRecord, previousName?: string): Promise<void> {
  try {
    await deps.webhooks.save(next, previousName === undefined ? {} : { previousName });
  } catch (error) {
    if (error instanceof WebhookNameTakenError) throw nameTaken(error.takenName);
    if (error instanceof ConcurrentWriteError) throw new AppError('CONFLICT', `${next.name} was changed meanwhile (by another admin, or disabled by the app). Reload and try again.`);
    throw error;
  }
}

async function testProject(deps: WebhookAdminDeps, webhook: WebhookRecord, projectKey: string | undefined): Promise<{ id: number; key: string; name: string }> {
  const key = projectKey ?? webhook.projects?.[0]?.key;
  if (key) {
    const access = await deps.jira.projectAccess(key);
    if (!access?.canBrowse) throw invalidInput(`Unknown project: ${key}.`, { projectKey: `Unknown: ${key}` });
    return access.project;
  }
  const [first] = await deps.jira.searchProjects('');
  if (!first) throw new AppError('CONFLICT', 'A test delivery names a real project, and you cannot see any project in Jira.');
  return first;
}

/**
 * A delivery sent again keeps its body as long as itself: the shared body records are written
 * again, which renews their retention (a body already past it cannot be sent again: said here).
 */
async function keepBodies(deps: Pick<WebhookAdminDeps, 'deliveries'>, deliveries: readonly DeliveryRecord[]): Promise<void> {
  const refs = [...new Set(deliveries.flatMap((d) => (d.body === undefined && d.bodyRef ? [d.bodyRef] : [])))];
  if (refs.length === 0) return;
  const bodies = await deps.deliveries.loadBodies(refs);
  const gone = refs.filter((ref) => !bodies.has(ref));
  if (gone.length > 0 && deliveries.length === 1) throw new AppError('CONFLICT', 'The request body of this delivery is no longer stored (bodies are kept 30 days), so it cannot be sent again.');
  await deps.deliveries.saveBodies([...bodies].map(([ref, body]) => ({ ref, body })));
}

/** An admin's action: the drain is woken at once (the circuit breaker does not hold it back). */
async function wakeDrain(deps: Pick<WebhookAdminDeps, 'states' | 'queue' | 'clock'>, webhookId: string, deliveryIds: readonly string[]): Promise<void> {
  // Refused by the event rate: the wake-up noted is overdue by the next sweep, which wakes the drain.
  await pokeDrains(deps, [{ webhookId, deliveryIds }], { urgent: true });
}

export function toWebhookDto(webhook: WebhookRecord, state: WebhookStateRecord | undefined, pending: number, nowMs: number): WebhookDto {
  return {
    id: webhook.id,
    name: webhook.name,
    url: webhook.url,
    active: webhook.active,
    projectKeys: webhook.projects?.map((p) => p.key) ?? null,
    fieldIds: webhook.fieldIds,
    maxInFlight: webhook.maxInFlight,
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
    disabledReason: webhook.disabledReason,
    disabledAt: webhook.disabledAt,
    previousSecretUntil: webhook.previousSecretUntil !== null && webhook.previousSecretUntil > nowMs ? webhook.previousSecretUntil : null,
    status: {
      lastRunAt: state?.lastRunAt ?? null,
      lastResult: state?.lastResult ?? null,
      lastStatusCode: state?.lastStatusCode ?? null,
      lastError: state?.lastError ?? null,
      lastSuccessAt: state?.lastSuccessAt ?? null,
    },
    health: { ...healthOf(state?.hours ?? [], nowMs), pending },
  };
}

export function toDeliverySummary(d: DeliveryRecord): DeliverySummaryDto {
  return {
    id: d.deliveryId,
    webhookId: d.webhookId,
    event: d.event,
    changeId: d.changeId,
    project: d.project,
    fieldNames: d.fieldNames,
    status: d.status,
    createdAt: d.createdAt,
    nextAttemptAt: d.status === 'pending' ? d.dueAt : null,
    attempts: d.attempts,
    lastAttemptAt: d.lastAttemptAt,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    ordered: d.ordered,
    cancelledBy: d.cancelledBy,
    cancelledAt: d.cancelledAt,
  };
}
