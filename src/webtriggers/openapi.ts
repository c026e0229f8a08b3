import { z } from 'zod';
import { APP_VERSION } from '../app/session';
import { ROUTES, type Route } from './routes';

/**
 * The OpenAPI 3.1 description of the management API, built from the route table itself (paths,
 * methods, body and query schemas as JSON Schema from the same zod schemas the API parses with),
 * so the document cannot list a route the API does not answer, or miss one.
 */

export const OPENAPI_PATH = '/openapi.json';

/** The status a route answers on success. */
const SUCCESS: Readonly<Record<string, number>> = {
  'POST /fields': 201,
  'POST /webhooks': 201,
  'POST /webhooks/{id}/test': 202,
  'POST /deliveries/{id}/redeliver': 202,
};

const ERRORS: Readonly<Record<string, string>> = {
  '400': 'Malformed request: not JSON, wrong types, unknown properties, a refused path',
  '401': 'Missing, malformed, unknown or revoked API token',
  '403': "The token's creator is not (or no longer) a Jira admin, or may not do this",
  '404': 'No such route, project, webhook or delivery',
  '405': 'The path exists; the Allow header lists its methods',
  '409': 'Conflict: a name taken, a stale revision, a webhook changed meanwhile',
  '413': 'The body is larger than 1 MB',
  '415': 'The body is not application/json',
  '422': 'Valid JSON whose values the rules refuse (field values, URL policy, unknown fields)',
  '429': 'Over the rate limit of the token (10 requests/s, bursts of 20); see Retry-After',
  '503': 'Jira or the platform did not answer; nothing happened, try again',
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function operation(route: Route) {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: m[1] === 'key' ? '^[A-Za-z][A-Za-z0-9_]*$' : '^[A-Za-z0-9_-]+$' },
    description: m[1] === 'key' ? 'Jira project key, e.g. DEMO' : 'Webhook or delivery id',
  }));
  const query = route.query ? (jsonSchema(route.query) as { properties?: Record<string, unknown> }) : undefined;
  const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
  const ifMatch = route.method === 'PATCH' && route.path === '/projects/{key}/fields' ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The revision the change is based on, as the ETag of GET' }] : [];
  const success = SUCCESS[`${route.method} ${route.path}`] ?? 200;
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    parameters: [...params, ...queryParams, ...ifMatch],
    ...(route.body ? { requestBody: { required: route.path !== '/webhooks/{id}/test', content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
    responses: {
      [String(success)]: { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
      ...Object.fromEntries(Object.entries(ERRORS).map(([status, description]) => [status, { $ref: `#/components/responses/E${status}`, description }])),
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    [OPENAPI_PATH]: { get: { summary: 'This description of the API (OpenAPI 3.1); no token needed', operationId: 'getOpenApi', security: [], responses: { '200': { description: 'The document' } } } },
  };
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  const errorSchema = {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, fieldErrors: { type: 'object', additionalProperties: { type: 'string' } } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Projectrak Webhooks management API',
      version: APP_VERSION,
      description:
        'Automate project fields and outgoing webhooks. Authenticate with "Authorization: Bearer <API token>" (Projectrak Administration -> API tokens); a request acts as the Jira admin who created the token. Errors are { "error": { "code", "message" } }.',
    },
    servers: [{ url: '/', description: 'The web trigger URL shown on the API tokens page' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorSchema },
      responses: Object.fromEntries(Object.entries(ERRORS).map(([status, description]) => [`E${status}`, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }])),
    },
  };
}
