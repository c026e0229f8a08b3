import type { IncomingMessage } from 'node:http';
import type { WebTriggerRequest, WebTriggerResponse } from '@forge/api';
import { jsonResponse, type PlatformService } from './forge-seam';

/** Web trigger URLs of the host: `<base>/x/<module-key>`. */
export function webTriggerUrl(baseUrl: string, moduleKey: string): string {
  return `${baseUrl}/x/${encodeURIComponent(moduleKey)}`;
}

/**
 * Answers `webTrigger.getUrl(key)` (a stargate GraphQL mutation) with the host's URL for the
 * module, for declared web triggers only.
 */
export function createWebTriggerUrlService(options: { baseUrl: () => string; moduleKeys: readonly string[] }): PlatformService {
  return async (request) => {
    if (request.options.type !== 'fpp' || request.options.remote !== 'stargate' || request.path !== '/graphql') return undefined;
    const body = JSON.parse(request.body ?? '{}') as { query?: string; variables?: { input?: { triggerKey?: string } } };
    if (!body.query?.includes('createWebTriggerUrl')) return undefined;
    const key = body.variables?.input?.triggerKey ?? '';
    if (!options.moduleKeys.includes(key)) {
      return jsonResponse(200, { data: { createWebTriggerUrl: null }, errors: [{ message: `No web trigger module ${key} in manifest.yml` }] });
    }
    return jsonResponse(200, { data: { createWebTriggerUrl: { url: webTriggerUrl(options.baseUrl(), key) } } });
  };
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The HTTP request as Forge hands it to a web trigger function. */
export async function toWebTriggerRequest(req: IncomingMessage, subPath: string): Promise<WebTriggerRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestTooLargeError();
    chunks.push(chunk as Buffer);
  }
  const url = new URL(req.url ?? '/', 'http://host');
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    (headers[name] ??= []).push(req.rawHeaders[i + 1] ?? '');
  }
  const queryParameters: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (queryParameters[k] ??= []).push(v);
  return {
    method: (req.method ?? 'GET').toUpperCase() as WebTriggerRequest['method'],
    path: subPath,
    headers,
    queryParameters,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

export class RequestTooLargeError extends Error {
  constructor() {
    super('Request body larger than 1 MiB');
  }
}

/** Flattens a web trigger response into status, headers and body for Node's http. */
export function fromWebTriggerResponse(response: WebTriggerResponse): { status: number; headers: Record<string, string[]>; body: string } {
  return { status: response.statusCode, headers: response.headers ?? {}, body: response.body ?? '' };
}
