import type { WebTriggerResponse } from '../forge/web-trigger-types';

/**
 * The management REST API (DESIGN.md section 8). Not served by this version yet: it answers a
 * clear JSON error instead of pretending, so automation fails loudly.
 */
export async function managementApi(): Promise<WebTriggerResponse> {
  return {
    statusCode: 501,
    headers: { 'content-type': ['application/json'] },
    body: JSON.stringify({ error: { code: 'NOT_IMPLEMENTED', message: 'The management REST API is not available in this version of Projectrak Webhooks.' } }),
  };
}
