import { z } from 'zod';
import { createField, loadFieldCatalog } from '../app/field-catalog';
import { readBulkSave, saveManyProjects } from '../app/bulk-save';
import { BULK_MAX_PROJECTS, patchProjectFields, readProjectFields } from '../app/management-api';
import { cancelDelivery, createWebhook, deleteWebhook, getDelivery, getWebhook, listDeliveries, listWebhooks, redeliver, rotateSecret, sendTestDelivery, updateWebhook } from '../app/webhooks';
import type { ManagementApiDeps } from '../forge/api-composition';
import { plainRecord } from '../shared/plain-record';
import { OPTION_FIELD_TYPES } from '../shared/field-rules';
import { resolverPayloadSchemas } from '../shared/resolver-schemas';
import { DELIVERY_PAGE_MAX, DELIVERY_STATUS_FILTERS, webhookPayloadSchemas, type WebhookDto } from '../shared/webhooks-contract';
import { apiUrl } from './api-url';
import { answerSchemas as A } from './api-schemas';
import { ApiError, header, json, type WebTriggerAnswer, type WebTriggerEvent } from './http';

/**
 * The routes of the management API (DESIGN.md section 8), matched on `userPath`. Each names its
 * body and query schemas (strict: unknown properties are refused), and runs one use case as the
 * API token's creator.
 */

export interface RouteContext<B, Q> {
  readonly deps: ManagementApiDeps;
  readonly params: Readonly<Record<string, string>>;
  readonly body: B;
  readonly query: Q;
  readonly request: WebTriggerEvent;
}

/** Headers a success answer sends (the OpenAPI document names them; errors have their own). */
export type ApiHeader = 'ETag' | 'Location' | 'Retry-After';

/** One success answer of a route: status, body schema, headers; `links`: the routes its id leads to. */
export interface RouteAnswer {
  readonly status: number;
  readonly schema: z.ZodType;
  readonly description?: string;
  readonly headers?: readonly ApiHeader[];
  /** Headers it sends only sometimes (e.g. Retry-After while a bulk save runs). */
  readonly optionalHeaders?: readonly ApiHeader[];
  readonly links?: { readonly path: string; readonly idPointer: string };
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Segments; `{key}` is a project key, `{id}` a webhook or delivery id. */
  readonly path: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** What it answers on success (default: 200 with an object). */
  readonly answers?: readonly RouteAnswer[];
  /**
   * The error statuses its use case can answer besides those of every route (400, 401, 403, 413,
   * 429, 503; 404 with path parameters, 415 with a body). Default: 409 and 422.
   */
  readonly errors?: readonly number[];
  /** Takes If-Match (a revision as ETag). */
  readonly ifMatch?: boolean;
  run(context: RouteContext<unknown, unknown>): Promise<WebTriggerAnswer>;
}

function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(spec: {
  method: Route['method'];
  path: string;
  summary: string;
  body?: B;
  query?: Q;
  answers?: readonly RouteAnswer[];
  errors?: readonly number[];
  ifMatch?: boolean;
  run: (context: RouteContext<B extends z.ZodType ? z.output<B> : undefined, Q extends z.ZodType ? z.output<Q> : undefined>) => Promise<WebTriggerAnswer>;
}): Route {
  return spec as unknown as Route;
}

export const PARAM_PATTERNS: Readonly<Record<string, RegExp>> = {
  key: /^[A-Za-z][A-Za-z0-9_]{0,254}$/,
  id: /^[A-Za-z0-9_-]{1,80}$/,
};

const PARAM_NAMES: Readonly<Record<string, string>> = { key: 'project key', id: 'id' };

// ---------------------------------------------------------------- schemas

const projectKey = resolverPayloadSchemas.getProjectFields.shape.projectKey;
/** Values by field id or name; parsed without a prototype, so a name such as `__proto__` is kept (and refused by name). */
const fieldValues = plainRecord(z.string().min(1).max(255), z.unknown(), { min: { count: 1, message: 'name at least one field' } });
const createShape = webhookPayloadSchemas.createWebhook.shape;
/** The URL policy (https, public hosts) runs in the use case; the document says the part a schema can. */
const webhookUrl = createShape.url.meta({ format: 'uri', pattern: '^\\s*[Hh][Tt][Tt][Pp][Ss]://', description: 'https URL of a public host (the URL policy is checked on save: 422 names the rule)' });

/** The per-type rules of a field definition the catalog enforces (422 otherwise), for the document. */
const FIELD_TYPE_RULES = [
  { if: { properties: { type: { enum: [...OPTION_FIELD_TYPES] } } }, then: {}, else: { not: { required: ['options'] } } },
  ...(['decimals', 'prefix', 'suffix'] as const).map((property) => ({ if: { properties: { type: { enum: ['number', 'formula'] } } }, then: {}, else: { not: { required: [property] } } })),
  { if: { properties: { type: { const: 'formula' } } }, then: { required: ['expression'] }, else: { not: { required: ['expression'] } } },
];

export const schemas = {
  createField: resolverPayloadSchemas.createField.meta({ allOf: FIELD_TYPE_RULES }),
  patchProjectFields: z.strictObject({
    fields: fieldValues,
    /** The revision the change is based on; If-Match says the same. */
    revision: z.number().int().nonnegative().optional(),
  }),
  patchManyProjects: z.strictObject({
    projects: plainRecord(projectKey, fieldValues, {
      min: { count: 1, message: 'name at least one project' },
      max: { count: BULK_MAX_PROJECTS, message: `at most ${BULK_MAX_PROJECTS} projects per request` },
    }),
  }),
  createWebhook: z.strictObject({
    name: createShape.name,
    url: webhookUrl,
    active: createShape.active,
    projects: createShape.projectKeys,
    fields: createShape.fieldIds,
    maxInFlight: createShape.maxInFlight,
  }),
  updateWebhook: z.strictObject({
    name: createShape.name.optional(),
    url: webhookUrl.optional(),
    active: createShape.active,
    projects: createShape.projectKeys,
    fields: createShape.fieldIds,
    maxInFlight: createShape.maxInFlight,
  }),
  testDelivery: z.strictObject({ project: projectKey.optional() }),
  deliveriesQuery: z.strictObject({
    status: z.enum(DELIVERY_STATUS_FILTERS).optional(),
    cursor: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(DELIVERY_PAGE_MAX).optional(),
  }),
} as const;

// ---------------------------------------------------------------- answers

/** A webhook as the API shows it: what the admin page shows, in the API's names; never a secret. */
export function toApiWebhook(w: WebhookDto) {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    active: w.active,
    projects: w.projectKeys,
    fields: w.fieldIds,
    maxInFlight: w.maxInFlight,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    previousSecretUntil: w.previousSecretUntil,
    status: { ...w.status, disabledReason: w.disabledReason, disabledAt: w.disabledAt },
    health: w.health,
  };
}

/** `If-Match: "3"` (or W/"3", or 3) -> 3; `*` -> undefined; anything else is refused. */
export function ifMatchRevision(request: WebTriggerEvent): number | undefined {
  const value = header(request, 'if-match')?.trim();
  if (value === undefined || value === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  if (!match) throw new ApiError(400, 'INVALID_REQUEST', `If-Match must be the revision as an ETag, e.g. If-Match: "3", got ${JSON.stringify(value.slice(0, 40))}.`);
  return Number(match[1]);
}

const etag = (revision: number) => ({ ETag: [`"${revision}"`] });

/** How long a caller of a handed-over bulk save waits before asking again. */
const BULK_POLL_SECONDS = 10;

// ---------------------------------------------------------------- routes

export const ROUTES: readonly Route[] = [
  route({
    method: 'GET',
    path: '/fields',
    answers: [{ status: 200, schema: A.fieldList }],
    errors: [],
    summary: 'The field catalog',
    run: async ({ deps }) => json(200, { fields: (await loadFieldCatalog(deps.catalog)).fields }),
  }),
  route({
    method: 'POST',
    path: '/fields',
    answers: [{ status: 201, schema: A.field, description: 'The field definition as stored, with its id' }],
    errors: [409, 422],
    summary: 'Create a field definition',
    body: schemas.createField,
    run: async ({ deps, body }) => json(201, await createField(deps, body)),
  }),
  route({
    method: 'GET',
    path: '/projects/{key}/fields',
    answers: [{ status: 200, schema: A.projectFields, headers: ['ETag'] }],
    errors: [],
    summary: "A project's field values, in the payload formats webhooks use",
    run: async ({ deps, params }) => {
      const view = await readProjectFields(deps, params.key ?? '');
      return json(200, view, etag(view.revision));
    },
  }),
  route({
    method: 'PATCH',
    path: '/projects/{key}/fields',
    answers: [{ status: 200, schema: A.saveOutcome, headers: ['ETag'], description: 'The changes applied (none: nothing changed, nothing sent)' }],
    errors: [409, 422],
    ifMatch: true,
    summary: "Change a project's fields (one save, one change event); answers the changes applied",
    body: schemas.patchProjectFields,
    run: async ({ deps, params, body, request }) => {
      const fromHeader = ifMatchRevision(request);
      if (fromHeader !== undefined && body.revision !== undefined && fromHeader !== body.revision) {
        throw new ApiError(400, 'INVALID_REQUEST', `If-Match names revision ${fromHeader} and the body revision ${body.revision}; send one of them.`);
      }
      const outcome = await patchProjectFields(deps, { projectKey: params.key ?? '', values: body.fields, baseRevision: fromHeader ?? body.revision });
      return json(200, outcome, etag(outcome.revision));
    },
  }),
  route({
    method: 'PATCH',
    path: '/projects/fields',
    answers: [
      { status: 200, schema: A.bulkDone, description: 'Every project done within the request: each saved or refused' },
      {
        status: 202,
        schema: A.bulkHandedOver,
        headers: ['Location', 'Retry-After'],
        description: 'Over the time budget: the projects done so far, the rest saved right after; GET Location for their outcome',
        links: { path: '/bulk-saves/{id}', idPointer: '/id' },
      },
    ],
    errors: [],
    summary:
      'Change the fields of up to 100 projects: each its own save and event, one queue wake-up for the request. Every project is checked first; what does not fit the time budget of the request is saved right after it (202, with where to see the outcome)',
    body: schemas.patchManyProjects,
    run: async ({ deps, body }) => {
      const answer = await saveManyProjects(deps, body.projects);
      if (answer.kind === 'done') return json(200, { results: answer.results, changed: answer.changed, failed: answer.failed });
      const location = await apiUrl(`/bulk-saves/${answer.id}`);
      const { kind: _kind, ...rest } = answer;
      return json(202, { ...rest, status: 'running', location }, { Location: [location], 'Retry-After': [String(BULK_POLL_SECONDS)] });
    },
  }),
  route({
    method: 'GET',
    path: '/bulk-saves/{id}',
    answers: [{ status: 200, schema: A.bulkSave, optionalHeaders: ['Retry-After'], description: 'Where the bulk save stands; Retry-After while it runs' }],
    errors: [],
    summary: 'Where a PATCH /projects/fields answered with 202 stands: each project done so far, the ones still pending (kept 7 days)',
    run: async ({ deps, params }) => {
      const view = await readBulkSave(deps, params.id ?? '');
      return json(200, view, view.status === 'running' ? { 'Retry-After': [String(BULK_POLL_SECONDS)] } : {});
    },
  }),
  route({
    method: 'GET',
    path: '/webhooks',
    answers: [{ status: 200, schema: A.webhookList }],
    errors: [],
    summary: 'Every webhook with its status',
    run: async ({ deps }) => json(200, { webhooks: (await listWebhooks(deps)).webhooks.map(toApiWebhook) }),
  }),
  route({
    method: 'POST',
    path: '/webhooks',
    answers: [{ status: 201, schema: A.webhookWithSecret, headers: ['Location'], links: { path: '/webhooks/{id}', idPointer: '/webhook/id' } }],
    errors: [409, 422],
    summary: 'Create a webhook; the answer holds its signing secret, the only time it is shown',
    body: schemas.createWebhook,
    run: async ({ deps, body }) => {
      const created = await createWebhook(deps, { name: body.name, url: body.url, active: body.active, projectKeys: body.projects, fieldIds: body.fields, maxInFlight: body.maxInFlight });
      return json(201, { webhook: toApiWebhook(created.webhook), secret: created.secret }, { Location: [await apiUrl(`/webhooks/${created.webhook.id}`)] });
    },
  }),
  route({
    method: 'GET',
    path: '/webhooks/{id}',
    answers: [{ status: 200, schema: A.webhook }],
    errors: [],
    summary: 'One webhook with its status',
    run: async ({ deps, params }) => json(200, toApiWebhook(await getWebhook(deps, params.id ?? ''))),
  }),
  route({
    method: 'PATCH',
    path: '/webhooks/{id}',
    answers: [{ status: 200, schema: A.webhook }],
    errors: [409, 422],
    summary: 'Change a webhook',
    body: schemas.updateWebhook,
    run: async ({ deps, params, body }) =>
      json(
        200,
        toApiWebhook(
          await updateWebhook(deps, {
            id: params.id ?? '',
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.url !== undefined ? { url: body.url } : {}),
            ...(body.active !== undefined ? { active: body.active } : {}),
            ...(body.projects !== undefined ? { projectKeys: body.projects } : {}),
            ...(body.fields !== undefined ? { fieldIds: body.fields } : {}),
            ...(body.maxInFlight !== undefined ? { maxInFlight: body.maxInFlight } : {}),
          }),
        ),
      ),
  }),
  route({
    method: 'DELETE',
    path: '/webhooks/{id}',
    answers: [{ status: 200, schema: A.deleted }],
    errors: [409],
    summary: 'Delete a webhook and cancel its pending deliveries',
    run: async ({ deps, params }) => json(200, await deleteWebhook(deps, params.id ?? '')),
  }),
  route({
    method: 'POST',
    path: '/webhooks/{id}/test',
    answers: [{ status: 202, schema: A.delivery, description: 'The test delivery, on its way' }],
    errors: [409, 422],
    summary: 'Send a test delivery now (event "test", a real project, no fields)',
    body: schemas.testDelivery,
    run: async ({ deps, params, body }) => json(202, await sendTestDelivery(deps, { id: params.id ?? '', ...(body?.project ? { projectKey: body.project } : {}) })),
  }),
  route({
    method: 'POST',
    path: '/webhooks/{id}/rotate-secret',
    answers: [{ status: 200, schema: A.webhookWithSecret }],
    errors: [409],
    summary: 'A new signing secret; the previous one keeps signing for 24 hours',
    run: async ({ deps, params }) => {
      const rotated = await rotateSecret(deps, params.id ?? '');
      return json(200, { webhook: toApiWebhook(rotated.webhook), secret: rotated.secret });
    },
  }),
  route({
    method: 'GET',
    path: '/webhooks/{id}/deliveries',
    answers: [{ status: 200, schema: A.deliveryPage }],
    errors: [422],
    summary: "The webhook's delivery log, newest first, paged (status, cursor, limit)",
    query: schemas.deliveriesQuery,
    run: async ({ deps, params, query }) => json(200, await listDeliveries(deps, { webhookId: params.id ?? '', ...query })),
  }),
  route({
    method: 'GET',
    path: '/deliveries/{id}',
    answers: [{ status: 200, schema: A.deliveryDetail }],
    errors: [],
    summary: 'One delivery with its body and every attempt (request and response headers, status, excerpt)',
    run: async ({ deps, params }) => json(200, await getDelivery(deps, params.id ?? '')),
  }),
  route({
    method: 'POST',
    path: '/deliveries/{id}/redeliver',
    answers: [{ status: 202, schema: A.delivery, description: 'The delivery, due again now' }],
    errors: [409],
    summary: 'Send one delivery again at once, outside its project\'s order (same webhook-id and body)',
    run: async ({ deps, params }) => json(202, await redeliver(deps, params.id ?? '')),
  }),
  route({
    method: 'POST',
    path: '/deliveries/{id}/cancel',
    answers: [{ status: 200, schema: A.delivery, description: 'The delivery, cancelled' }],
    errors: [409],
    summary: "Give a pending delivery up: its project's later changes go on without it",
    run: async ({ deps, params }) => json(200, await cancelDelivery(deps, params.id ?? '')),
  }),
];

// ---------------------------------------------------------------- matching

/**
 * The caller's path, checked before any route sees it: only plain segments. Encoded slashes or
 * backslashes, dot segments (also encoded), empty segments and NUL are refused, so a key or an id
 * can never reach another resource.
 */
export function parseUserPath(userPath: string): string[] {
  // Forge does not document whether userPath starts with '/' (its type does not even declare
  // the field): both spellings name the same route.
  const raw = userPath.startsWith('/') ? userPath : `/${userPath}`;
  const refuse = (why: string) => new ApiError(400, 'INVALID_PATH', `The path ${JSON.stringify(raw.slice(0, 200))} is not accepted: ${why}.`);
  if (/%(2f|5c|00)|\\/i.test(raw)) throw refuse('encoded slashes, backslashes and NUL are not allowed');
  const trimmed = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (trimmed === '/') return [];
  const segments = trimmed.slice(1).split('/');
  return segments.map((segment) => {
    if (segment === '') throw refuse('empty segments (//) are not allowed');
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw refuse('it is not valid percent-encoding');
    }
    if (decoded === '.' || decoded === '..') throw refuse('. and .. segments are not allowed');
    return decoded;
  });
}

export type RouteMatch = { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> } | { readonly kind: 'method'; readonly allow: string[] } | { readonly kind: 'none' };

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] ?? '';
    const segment = segments[i] ?? '';
    const param = /^\{(\w+)\}$/.exec(part)?.[1];
    if (param) params[param] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/** Methods of a path as the Allow header names them: every GET also answers HEAD. */
export function allowedMethods(methods: readonly string[]): string[] {
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
  const all = new Set(methods);
  if (all.has('GET')) all.add('HEAD');
  return [...all].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** The route for method and segments (no two templates overlap); 405 names the methods the path has. */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  const candidates = ROUTES.flatMap((r) => {
    const params = matchTemplate(r.path, segments);
    return params ? [{ route: r, params }] : [];
  });
  if (candidates.length === 0) return { kind: 'none' };
  const found = candidates.find((c) => c.route.method === method);
  if (!found) return { kind: 'method', allow: allowedMethods(candidates.map((c) => c.route.method)) };
  for (const [name, value] of Object.entries(found.params)) {
    const pattern = PARAM_PATTERNS[name];
    if (pattern && !pattern.test(value)) throw new ApiError(404, 'NOT_FOUND', `${JSON.stringify(value.slice(0, 80))} is not a ${PARAM_NAMES[name] ?? name}; nothing is at this path.`);
  }
  return { kind: 'found', route: found.route, params: found.params };
}
