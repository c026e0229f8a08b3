/** Texts of the API tokens page that are worth a test: the curl line and dates. */

/** A ready line to try the API with: the token goes in one place, the URL is the site's own. */
export function curlExample(baseUrl: string, token = '<API token>'): string {
  return `curl -H "Authorization: Bearer ${token}" ${baseUrl}/webhooks`;
}

export function formatWhen(ms: number | null): string {
  if (ms === null) return 'Never';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
