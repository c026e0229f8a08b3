import { z } from 'zod';
import { APP_VERSION } from '../app/session';
import { answerSchemas } from './api-schemas';
import { PARAM_PATTERNS, ROUTES, type ApiHeader, type Route } from './routes';

/**
 * The OpenAPI 3.1 description of the management API, built from the route table itself (paths,
 * methods, body, query and answer schemas as JSON Schema from the same zod schemas the API parses
 * and answers with, the statuses and headers each route can answer), so the document cannot list a
 * route the API does not answer, or miss one. test/api checks every answer of its suites against it.
 */

export const OPENAPI_PATH = '/openapi.json';

const ERRORS: Readonly<Record<string, string>> = {
  '400': 'Malformed request: not JSON, a key named twice, wrong types, unknown properties, a refused path, a body or query the route does not take',
  '401': 'Missing, malformed, unknown or revoked API token',
  '403': "The token's creator is not (or no longer) a Jira admin, or may not do this",
  '404': 'No such project, webhook, delivery or bulk save (or a path parameter that cannot name one)',
  '405': 'The path exists; the Allow header lists its methods',
  '409': 'Conflict: a name taken, a stale revision, a webhook disabled or changed meanwhile',
  '413': 'The body is larger than 1 MB',
  '415': 'The body is not application/json',
  '422': 'Valid JSON whose values the rules refuse (field values, URL policy, unknown fields); at most 20 field problems are listed, fieldErrorCount says how many there were',
  '429': 'Over the rate limit of the token (10 requests/s, bursts of 20) or of Forge storage; see Retry-After',
  '503': 'Jira or the platform did not answer; nothing happened, try again after Retry-After',
};

/** Every authenticated route can answer these: path checks, size, token, admin check, rates, Jira. */
const COMMON_ERRORS = ['400', '401', '403', '413', '429', '503'];

const HEADERS: Readonly<Record<ApiHeader | 'Allow' | 'WWW-Authenticate', { description: string; schema: Record<string, unknown> }>> = {
  ETag: { description: 'The revision of the project\'s fields, e.g. "3"; send it back as If-Match', schema: { type: 'string', pattern: '^"\\d+"$' } },
  Location: { description: 'Absolute URL of the resource under the API base', schema: { type: 'string', format: 'uri' } },
  'Retry-After': { description: 'Seconds to wait before asking again', schema: { type: 'string', pattern: '^\\d+$' } },
  Allow: { description: 'The methods of this path', schema: { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' } },
  'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string', const: 'Bearer' } },
};

const ERROR_HEADERS: Readonly<Record<string, readonly (keyof typeof HEADERS)[]>> = { '401': ['WWW-Authenticate'], '405': ['Allow'], '429': ['Retry-After'], '503': ['Retry-After'] };

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const headersOf = (names: readonly (keyof typeof HEADERS)[], required = true) => Object.fromEntries(names.map((name) => [name, { required, ...HEADERS[name] }]));

const PARAM_DOCS: Readonly<Record<string, { description: string; maxLength: number }>> = {
  key: { description: 'Jira project key, e.g. DEMO', maxLength: 255 },
  id: { description: 'Webhook, delivery or bulk save id', maxLength: 80 },
};

const operationIdOf = (method: string, path: string) =>
  `${method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/\W/g, '')}`;

function operation(route: Route, method: 'GET' | 'HEAD' | Route['method']) {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => {
    const name = m[1] ?? '';
    return {
      name,
      in: 'path',
      required: true,
      description: PARAM_DOCS[name]?.description,
      schema: { type: 'string', pattern: PARAM_PATTERNS[name]?.source, minLength: 1, maxLength: PARAM_DOCS[name]?.maxLength },
    };
  });
  const query = route.query ? (jsonSchema(route.query, 'input') as { properties?: Record<string, unknown> }) : undefined;
  const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
  const ifMatch = route.ifMatch
    ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string', pattern: '^(\\*|(W/)?"?\\d{1,15}"?)$' }, description: 'The revision the change is based on: the ETag of GET (e.g. "3"); * for any' }]
    : [];
  const head = method === 'HEAD';
  const answers = route.answers ?? [{ status: 200, schema: z.object({}).loose() }];
  const successes = Object.fromEntries(
    answers.map((answer) => [
      String(answer.status),
      {
        description: answer.description ?? 'Success',
        ...(answer.headers?.length || answer.optionalHeaders?.length ? { headers: { ...headersOf(answer.headers ?? []), ...headersOf(answer.optionalHeaders ?? [], false) } } : {}),
        ...(head ? {} : { content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } } }),
        ...(answer.links && !head
          ? {
              links: Object.fromEntries(
                ROUTES.filter((r) => r.path === answer.links?.path).map((r) => [
                  operationIdOf(r.method, r.path),
                  { operationId: operationIdOf(r.method, r.path), parameters: { id: `$response.body#${answer.links?.idPointer ?? ''}` } },
                ]),
              ),
            }
          : {}),
      },
    ]),
  );
  const errors = [...COMMON_ERRORS, ...(params.length > 0 ? ['404'] : []), ...(route.body && !head ? ['415'] : []), ...(route.errors ?? []).map(String)];
  return {
    summary: head ? `${route.summary} (headers only)` : route.summary,
    operationId: operationIdOf(method, route.path),
    parameters: [...params, ...queryParams, ...ifMatch],
    ...(route.body && !head ? { requestBody: { required: route.path !== '/webhooks/{id}/test', content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses: {
      ...successes,
      ...Object.fromEntries([...new Set(errors)].sort().map((status) => [status, { $ref: `#/components/responses/${head ? 'H' : 'E'}${status}` }])),
    },
  };
}

/** `serverUrl`: the API's base (this installation's web trigger URL), so every tool calls the right URL. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const documentAnswer = (head: boolean) => ({
    summary: head ? 'This description of the API (headers only)' : 'This description of the API (OpenAPI 3.1); no token needed',
    operationId: head ? 'headOpenApi' : 'getOpenApi',
    security: [],
    responses: {
      '200': { description: 'The document', ...(head ? {} : { content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } } } }) },
      '400': { $ref: `#/components/responses/${head ? 'H' : 'E'}400` },
      '413': { $ref: `#/components/responses/${head ? 'H' : 'E'}413` },
    },
  });
  const paths: Record<string, Record<string, unknown>> = { [OPENAPI_PATH]: { get: documentAnswer(false), head: documentAnswer(true) } };
  for (const route of ROUTES) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route, route.method);
    if (route.method === 'GET') item.head = operation(route, 'HEAD');
  }
  const errorResponse = (status: string, head: boolean) => ({
    description: ERRORS[status] ?? '',
    ...(ERROR_HEADERS[status] ? { headers: headersOf(ERROR_HEADERS[status] ?? []) } : {}),
    ...(head ? {} : { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }),
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Projectrak Webhooks management API',
      version: APP_VERSION,
      description:
        'Automate project fields and outgoing webhooks. Authenticate with "Authorization: Bearer <API token>" (Projectrak Administration -> API tokens); a request acts as the Jira admin who created the token. Errors are { "error": { "code", "message" } }. Every GET also answers HEAD (the same status and headers, no body); any other method on a path answers 405 with Allow.',
    },
    servers: [{ url: serverUrl, description: "This site's web trigger URL of the API (also shown on the API tokens page)" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(answerSchemas.error, 'output') },
      responses: Object.fromEntries(Object.keys(ERRORS).flatMap((status) => [[`E${status}`, errorResponse(status, false)], [`H${status}`, errorResponse(status, true)]])),
    },
  };
}
