import { authenticateApiToken } from '../app/api-tokens';
import { parseBearerToken } from '../domain/api-token';
import { createKvsApiTokenStore } from '../forge/kvs-api-token-store';
import type { WebTriggerRequest, WebTriggerResponse } from '../forge/web-trigger-types';

function json(statusCode: number, body: unknown): WebTriggerResponse {
  return { statusCode, headers: { 'content-type': ['application/json'] }, body: JSON.stringify(body) };
}

const error = (statusCode: number, code: string, message: string) => json(statusCode, { error: { code, message } });

/**
 * The management REST API (DESIGN.md section 8). Requests are authenticated with
 * `Authorization: Bearer <API token>` first; the routes themselves are not served by this version
 * yet, and say so plainly instead of pretending.
 */
export async function managementApi(request: WebTriggerRequest): Promise<WebTriggerResponse> {
  const header = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1]?.[0];
  const bearer = parseBearerToken(header);
  if (!bearer.ok) return error(401, 'UNAUTHORIZED', bearer.reason);
  const token = await authenticateApiToken({ tokens: createKvsApiTokenStore() }, bearer.token);
  if (!token) return error(401, 'UNAUTHORIZED', 'The API token is not valid or was revoked. Create a new one in Projectrak Administration -> API tokens.');
  return error(501, 'NOT_IMPLEMENTED', `${request.method} ${(request as { userPath?: string }).userPath ?? ''} is not available in this version of the management API.`);
}
