import { AppError } from '../app/app-error';
import { authenticateApiToken, noteApiTokenUse } from '../app/api-tokens';
import { systemClock } from '../app/clock';
import { isStorageRateLimited } from '../app/storage-errors';
import { requireJiraAdmin } from '../app/session';
import { hashApiToken, parseBearerToken } from '../domain/api-token';
import { apiTokenDeps, managementApiDeps } from '../forge/api-composition';
import { describeIssues } from '../shared/describe-issues';
import { ApiError, errorAnswer, fromAppError, header, json, webTriggerRequestSchema, type WebTriggerAnswer, type WebTriggerEvent } from './http';
import { apiUrl } from './api-url';
import { findDuplicateKey } from './json-body';
import { openApiDocument, OPENAPI_PATH } from './openapi';
import { createRateLimiter } from './rate-limit';
import { matchRoute, parseUserPath, type Route } from './routes';

/** Bodies larger than this are refused before anything else reads them. */
export const MAX_BODY_BYTES = 1024 * 1024;

const limiter = createRateLimiter(systemClock);

/**
 * The management REST API (DESIGN.md section 8) on the `management-api` web trigger. In order:
 * size, path, token (rate limit, then who), the Jira admin check of the token's creator (per
 * request: a demoted admin's token stops at once), route, content type, JSON, schema, use case.
 * Expected refusals become `{ "error": { "code", "message" } }` answers; anything else is rethrown
 * so Forge records the failure and answers 500 (the caller learns nothing of the internals).
 */
export async function managementApi(event: unknown): Promise<WebTriggerAnswer> {
  const request = webTriggerRequestSchema.parse(event);
  const answer = await answerTo(request);
  // A HEAD answer is the GET answer's status and headers, without the body.
  return request.method.toUpperCase() === 'HEAD' ? { ...answer, body: '' } : answer;
}

async function answerTo(request: WebTriggerEvent): Promise<WebTriggerAnswer> {
  try {
    return await serve(request);
  } catch (error) {
    if (error instanceof ApiError) return errorAnswer(error);
    if (error instanceof AppError) return errorAnswer(fromAppError(error));
    // Forge's storage rate limit: the caller may send the request again shortly.
    if (isStorageRateLimited(error)) {
      return errorAnswer(new ApiError(429, 'RATE_LIMITED', "Forge's storage rate limit was reached; nothing more was done. Send the request again in a few seconds.", { 'Retry-After': ['5'] }));
    }
    throw error;
  }
}

async function serve(request: WebTriggerEvent): Promise<WebTriggerAnswer> {
  const body = request.body ?? '';
  if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes (1 MB). Send fewer projects or shorter values per request.`);
  const method = request.method.toUpperCase();
  // HEAD is answered as GET; managementApi leaves the body out.
  const routeMethod = method === 'HEAD' ? 'GET' : method;
  // Forge's `path` is its own (/x1/<trigger id>...); the caller's route is `userPath`.
  const segments = parseUserPath(request.userPath ?? '');
  if (`/${segments.join('/')}` === OPENAPI_PATH) {
    if (routeMethod !== 'GET') throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${OPENAPI_PATH} does not accept ${method}; it accepts GET, HEAD.`, { Allow: ['GET, HEAD'] });
    return json(200, openApiDocument(await apiUrl('')));
  }

  const accountId = await authenticate(request);
  const deps = managementApiDeps(accountId);
  // The token acts as its creator, and only while they are a Jira admin.
  try {
    await requireJiraAdmin(deps.jira);
  } catch (error) {
    if (error instanceof AppError && error.code === 'FORBIDDEN') {
      throw new ApiError(403, 'FORBIDDEN', 'The creator of this API token is no longer a Jira admin, so the token cannot be used. A Jira admin can create a new one in Projectrak Administration -> API tokens.');
    }
    throw error;
  }

  const match = matchRoute(routeMethod, segments);
  if (match.kind === 'none') throw new ApiError(404, 'NOT_FOUND', `There is no route ${method} /${segments.join('/')}. GET ${OPENAPI_PATH} lists the routes.`);
  if (match.kind === 'method') throw new ApiError(405, 'METHOD_NOT_ALLOWED', `/${segments.join('/')} does not accept ${method}; it accepts ${match.allow.join(', ')}.`, { Allow: [match.allow.join(', ')] });
  const { route, params } = match;
  return route.run({ deps, params, request, body: parseBody(route, request, body), query: parseQuery(route, request) });
}

/** The token's creator; 401 for a missing, malformed, unknown or revoked token, 429 over its rate. */
async function authenticate(request: WebTriggerEvent): Promise<string> {
  const bearer = parseBearerToken(header(request, 'authorization'));
  if (!bearer.ok) throw new ApiError(401, 'UNAUTHORIZED', bearer.reason, { 'WWW-Authenticate': ['Bearer'] });
  // Counted by the token's hash before any storage read, so a flood costs nothing but this.
  const decision = limiter.take(hashApiToken(bearer.token));
  if (!decision.allowed) {
    throw new ApiError(429, 'RATE_LIMITED', `Too many requests with this token (at most 10 per second, bursts of 20). Try again in ${decision.retryAfterSeconds} s.`, {
      'Retry-After': [String(decision.retryAfterSeconds)],
    });
  }
  const tokens = apiTokenDeps();
  const record = await authenticateApiToken(tokens, bearer.token);
  if (!record) throw new ApiError(401, 'UNAUTHORIZED', 'The API token is not valid or was revoked. Create a new one in Projectrak Administration -> API tokens.', { 'WWW-Authenticate': ['Bearer'] });
  try {
    await noteApiTokenUse(tokens, record);
  } catch (error) {
    // "Last used" is a convenience; a failed write must not fail the request. Never log the token.
    console.warn(`management API: could not record the use of API token ${record.id}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return record.createdBy;
}

function parseBody(route: Route, request: WebTriggerEvent, body: string): unknown {
  if (!route.body) {
    if (body.trim() !== '') throw new ApiError(400, 'INVALID_REQUEST', `${route.method} ${route.path} takes no body; send none.`);
    return undefined;
  }
  const optional = route.body.safeParse({}).success;
  if (body.trim() === '') {
    if (optional) return route.body.parse({});
    throw new ApiError(400, 'INVALID_REQUEST', `${route.method} ${route.path} needs a JSON body.`);
  }
  const contentType = header(request, 'content-type') ?? '';
  if (!/^application\/json\s*(;.*)?$/i.test(contentType.trim())) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body as JSON with "Content-Type: application/json"${contentType ? `, not ${JSON.stringify(contentType.slice(0, 80))}` : ''}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new ApiError(400, 'INVALID_JSON', `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const duplicate = findDuplicateKey(body);
  if (duplicate) {
    throw new ApiError(400, 'INVALID_JSON', `The body names ${JSON.stringify(duplicate.key.slice(0, 80))} twice${duplicate.path ? ` in ${duplicate.path.slice(0, 200)}` : ''}; JSON readers disagree on which one counts, so send each key once.`);
  }
  const parsed = route.body.safeParse(value);
  if (!parsed.success) throw new ApiError(400, 'INVALID_REQUEST', `Invalid body for ${route.method} ${route.path}: ${describeIssues(parsed.error, { root: 'body' })}.`);
  return parsed.data;
}

function parseQuery(route: Route, request: WebTriggerEvent): unknown {
  const entries = Object.entries(request.queryParameters ?? {});
  if (!route.query) {
    if (entries.length > 0) throw new ApiError(400, 'INVALID_REQUEST', `${route.method} ${route.path} takes no query parameters (got ${entries.map(([k]) => k).join(', ')}).`);
    return undefined;
  }
  const single: Record<string, string> = {};
  for (const [name, values] of entries) {
    if (values.length !== 1) throw new ApiError(400, 'INVALID_REQUEST', `Query parameter ${name} may be given once.`);
    single[name] = values[0] ?? '';
  }
  const parsed = route.query.safeParse(single);
  if (!parsed.success) throw new ApiError(400, 'INVALID_REQUEST', `Invalid query for ${route.method} ${route.path}: ${describeIssues(parsed.error, { root: 'query' })}.`);
  return parsed.data;
}
