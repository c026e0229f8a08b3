import type { Fidelity } from './fidelity';
import type { PlatformRequest, PlatformService } from './forge-seam';
import { errorResponse } from './kvs/errors';
import { createKvsRateLimiter } from './kvs/rate-limit';
import { KVS_READ_PATHS } from './kvs/service';
import { responseBodyBytes } from './response-size';
import { kvsUnits, type UsageMeter } from './usage';

const PUSH_PATH = /^\/webhook\/queue\/publish\//;

function pushedEvents(body: string | undefined): number {
  try {
    const payload = (JSON.parse(body ?? '') as { payload?: unknown }).payload;
    return Array.isArray(payload) ? payload.length : 0;
  } catch {
    return 0;
  }
}

/**
 * Wraps the platform's services with what Forge does around every call: KVS rates per
 * installation (strict fidelity) and the usage counters (always), so a path's cost is measured.
 */
export function meterPlatform(services: PlatformService, usage: UsageMeter, fidelity: Fidelity): PlatformService {
  const limiter = createKvsRateLimiter({
    requestsPerSecond: fidelity.kvsRequestsPerSecond,
    readUnitsPerMinute: fidelity.kvsReadUnitsPerMinute,
    writeUnitsPerMinute: fidelity.kvsWriteUnitsPerMinute,
    batchRequestsPerMinute: fidelity.kvsBatchRequestsPerMinute,
  });

  async function kvs(request: PlatformRequest): Promise<Response | undefined> {
    const path = request.path.split('?')[0] ?? request.path;
    const kind = KVS_READ_PATHS.has(path) ? 'read' : 'write';
    const batch = path.startsWith('/api/v1/batch/');
    const now = Date.now();
    const refused = limiter.check(kind, now, batch);
    if (refused) {
      usage.add(request.invocation, { kvsRequests: 1, kvsRateLimited: 1 });
      return errorResponse(refused, request.invocation?.invocationId ?? 'rate-limit');
    }
    const response = await services(request);
    // Reads cost what they return, writes what they send, in 10 KB units, at least one.
    const bytes = kind === 'read' ? (response ? await responseBodyBytes(response) : 0) : Buffer.byteLength(request.body ?? '');
    const units = kvsUnits(bytes);
    limiter.record(kind, units, now, batch);
    usage.add(request.invocation, { kvsRequests: 1, ...(batch ? { kvsBatchRequests: 1 } : {}), ...(kind === 'read' ? { kvsReadUnits: units } : { kvsWriteUnits: units }) });
    return response;
  }

  return async (request) => {
    if (request.options.type === 'kvs') return kvs(request);
    const response = await services(request);
    if (request.options.remote === 'jira') usage.add(request.invocation, { jiraRequests: 1 });
    if (request.options.remote === 'stargate' && PUSH_PATH.test(request.path)) {
      const events = pushedEvents(request.body);
      if (response?.status === 201) usage.add(request.invocation, { queuePushes: 1, queueEvents: events });
      else if (response?.status === 202) {
        const failed = ((await response.clone().json()) as { failedEvents?: unknown[] }).failedEvents?.length ?? 0;
        usage.add(request.invocation, { queuePushes: 1, queueEvents: events - failed, queuePushesRefused: 1 });
      } else usage.add(request.invocation, { queuePushes: 1, queuePushesRefused: 1 });
    }
    return response;
  };
}
