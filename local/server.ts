import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ForgeHost } from './host';
import { InvocationRateLimitedError } from './platform/invocation-rate';
import { foreignRequest } from './platform/local-safety';
import { fromWebTriggerResponse, RequestTooLargeError, toWebTriggerRequest } from './platform/web-triggers';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body, null, 2));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('expected a JSON object');
  return value as Record<string, unknown>;
}

/**
 * `/x/<module-key>/<path>`: web triggers, invoked as Forge invokes them. The path is taken as
 * sent (not normalised), so what a caller wrote after the trigger (`..`, `%2F`) reaches the app
 * in `userPath` for it to judge, as on Forge.
 */
function webTriggerRoutes(host: ForgeHost): RouteHandler {
  return async (req, res) => {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const match = /^\/x\/([^/]+)(\/.*)?$/.exec(rawPath);
    if (!match) return false;
    const moduleKey = decodeURIComponent(match[1] ?? '');
    if (!host.manifest.webTriggers.some((w) => w.key === moduleKey)) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No web trigger ${moduleKey}` } });
      return true;
    }
    try {
      const request = await toWebTriggerRequest(req, moduleKey, match[2] ?? '');
      const response = fromWebTriggerResponse(await host.runtime.invokeWebTrigger(moduleKey, request));
      for (const [name, values] of Object.entries(response.headers)) res.setHeader(name, values);
      res.statusCode = response.status;
      res.end(response.body);
    } catch (error) {
      if (error instanceof RequestTooLargeError) {
        sendJson(res, 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: error.message } });
        return true;
      }
      // Over Forge's user-led invocation rate: the function did not run.
      if (error instanceof InvocationRateLimitedError) {
        res.setHeader('retry-after', String(error.retryAfterSeconds));
        sendJson(res, 429, { error: { code: 'RATE_LIMITED', message: error.message } });
        return true;
      }
      // As on Forge: a failing function, or an answer not in Forge's response shape, is a 500 without details.
      console.error(`web trigger ${moduleKey} failed:`, error);
      sendJson(res, 500, { error: { code: 'FUNCTION_FAILED', message: 'The web trigger function failed' } });
    }
    return true;
  };
}

/**
 * `/_host/...`: the control surface for tests and demos — the platform's knobs, never the app's.
 */
function controlRoutes(host: ForgeHost): RouteHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (!url.pathname.startsWith('/_host/')) return false;
    const path = url.pathname.slice('/_host'.length);
    const method = req.method ?? 'GET';
    // The platform's knobs answer only the developer's own tools, never another web page.
    const foreign = foreignRequest(req);
    if (foreign) return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: `Refused: ${foreign}.` } }), true;
    try {
      if (method === 'GET' && path === '/health') return sendJson(res, 200, { ok: true }), true;
      if (method === 'GET' && path === '/clock') return sendJson(res, 200, { now: host.clock.now(), iso: new Date(host.clock.now()).toISOString(), offsetMs: host.clock.offsetMs() }), true;
      if (method === 'POST' && path === '/clock/advance') {
        const body = await readJson(req);
        const ms = Number(body.ms ?? 0) + Number(body.seconds ?? 0) * 1000 + Number(body.minutes ?? 0) * 60_000 + Number(body.hours ?? 0) * 3_600_000;
        if (!Number.isFinite(ms) || ms <= 0) return sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: 'Give ms, seconds, minutes or hours > 0' } }), true;
        await host.advanceClock(ms);
        return sendJson(res, 200, { now: host.clock.now(), iso: new Date(host.clock.now()).toISOString() }), true;
      }
      const scheduled = /^\/scheduled\/([^/]+)\/run$/.exec(path);
      if (method === 'POST' && scheduled) {
        await host.scheduler.runNow(decodeURIComponent(scheduled[1] ?? ''));
        await host.settle();
        return sendJson(res, 200, { ran: scheduled[1] }), true;
      }
      const productEvent = /^\/events\/([^/]+)$/.exec(path);
      if (method === 'POST' && productEvent) {
        const eventType = decodeURIComponent(productEvent[1] ?? '');
        const { triggersRun, heldBack } = await host.emitProductEvent(eventType, await readJson(req));
        await host.settle();
        return sendJson(res, 200, { eventType, triggersRun, ...(heldBack > 0 ? { heldBack } : {}) }), true;
      }
      if (method === 'GET' && path === '/usage') return sendJson(res, 200, { fidelity: host.fidelity.mode, ...host.usage() }), true;
      if (method === 'POST' && path === '/usage/reset') {
        host.resetUsage();
        return sendJson(res, 200, host.usage()), true;
      }
      if (method === 'GET' && path === '/queues') return sendJson(res, 200, { pending: host.queues.pending(), deadLetters: host.queues.deadLetters() }), true;
      if (method === 'POST' && path === '/queues/settle') {
        await host.settle(Number(url.searchParams.get('timeoutMs') ?? 30_000));
        return sendJson(res, 200, { settled: true }), true;
      }
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No host control ${method} ${path}` } });
    } catch (error) {
      sendJson(res, 500, { error: { code: 'HOST_ERROR', message: error instanceof Error ? error.message : String(error) } });
    }
    return true;
  };
}

export interface HostServer {
  readonly server: Server;
  readonly port: number;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** The host's HTTP server on loopback: web triggers, the control surface, and the UI routes. */
export async function startHostServer(host: ForgeHost, options: { port: number; extraRoutes?: RouteHandler[] }): Promise<HostServer> {
  const routes: RouteHandler[] = [webTriggerRoutes(host), controlRoutes(host), ...(options.extraRoutes ?? [])];
  const server = createServer((req, res) => {
    void (async () => {
      for (const route of routes) if (await route(req, res)) return;
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${req.url}` } });
    })().catch((error: unknown) => {
      console.error('host server error:', error);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'HOST_ERROR', message: 'Internal error in the offline host' } });
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
