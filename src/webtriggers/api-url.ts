import { managementApiUrl } from '../forge/api-composition';

/**
 * Absolute URLs under the API's base (the web trigger URL Forge gives this installation): a
 * `Location` such as `/webhooks/1` would resolve against the host's root, not the API. Asked per
 * use (a created webhook, a handed-over bulk save, the OpenAPI document), never cached, so it is
 * always this installation's.
 */
export async function apiUrl(path: string): Promise<string> {
  const base = (await managementApiUrl()).replace(/\/+$/, '');
  return `${base}${path}`;
}
