import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { jsonResponse, LOCAL_APP, type PlatformService } from './forge-seam';

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

/**
 * Forge refuses requests beyond its invocation payload limit before the function runs; the app
 * keeps its own, smaller limit (the management API answers 413 above 1 MB itself).
 */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The request as Forge hands it to a web trigger function (its runtime reference), `userPath` included. */
export interface ForgeWebTriggerRequest {
  readonly method: string;
  /** Forge's own path: `/x1/<trigger id>` and what the caller added. Apps route on `userPath`. */
  readonly path: string;
  /** The segments the caller added after the trigger id, as sent (not decoded); '' when none. */
  readonly userPath: string;
  /** Header names in the caller's case, every value kept. */
  readonly headers: Record<string, string[]>;
  readonly queryParameters: Record<string, string[]>;
  readonly body: string;
}

/** A stable id per module, in the shape of Forge's trigger ids (hex, not the module key). */
export function webTriggerId(moduleKey: string): string {
  return createHash('sha256').update(`${LOCAL_APP.appId}:${moduleKey}`).digest('hex').slice(0, 32);
}

/** The HTTP request as Forge hands it to a web trigger function. `rawSubPath`: what followed `/x/<key>`, undecoded. */
export async function toWebTriggerRequest(req: IncomingMessage, moduleKey: string, rawSubPath: string): Promise<ForgeWebTriggerRequest> {
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
    // Forge keeps the caller's spelling of header names ("Content-Type", "authorization").
    const name = req.rawHeaders[i] ?? '';
    (headers[name] ??= []).push(req.rawHeaders[i + 1] ?? '');
  }
  const queryParameters: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (queryParameters[k] ??= []).push(v);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: `/x1/${webTriggerId(moduleKey)}${rawSubPath}`,
    userPath: rawSubPath,
    headers,
    queryParameters,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

export class RequestTooLargeError extends Error {
  constructor() {
    super(`Request body larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
  }
}

/** What Forge accepts back from a web trigger function; anything else is its 500. */
const webTriggerResponseSchema = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.array(z.string())).optional(),
  body: z.string().optional(),
  statusText: z.string().optional(),
});

export type HostWebTriggerResponse = { readonly status: number; readonly headers: Record<string, string[]>; readonly body: string };

/** Thrown for a function result Forge would not accept (the host answers 500, as Forge does). */
export class InvalidWebTriggerResponseError extends Error {
  constructor(detail: string) {
    super(`The web trigger function's answer is not {statusCode, headers: {Name: [values]}, body}: ${detail}`);
    this.name = 'InvalidWebTriggerResponseError';
  }
}

/** Checks the function's result against Forge's response shape; flattens it for Node's http. */
export function fromWebTriggerResponse(result: unknown): HostWebTriggerResponse {
  const parsed = webTriggerResponseSchema.safeParse(result);
  if (!parsed.success) throw new InvalidWebTriggerResponseError(parsed.error.issues.map((i) => `${i.path.join('.') || 'result'}: ${i.message}`).join('; '));
  return { status: parsed.data.statusCode, headers: parsed.data.headers ?? {}, body: parsed.data.body ?? '' };
}
