import { API_TOKEN_NAME_MAX_LENGTH } from '../../../src/shared/api-tokens-contract';
import { dateTimeFormat } from '../../common/formats';

/** Texts of the API tokens page that are worth a test: the curl line, dates and the name check. */

/** A ready line to try the API with: the token goes in one place, the URL is the site's own. */
export function curlExample(baseUrl: string, token = '<API token>'): string {
  return `curl -H "Authorization: Bearer ${token}" ${baseUrl}/webhooks`;
}

export function formatWhen(ms: number | null): string {
  if (ms === null) return 'Never';
  return dateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** The form's own check of a token name, before anything is sent; null when it is fine. */
export function apiTokenNameError(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the token a name that says which script uses it.';
  if (trimmed.length > API_TOKEN_NAME_MAX_LENGTH) return `Names have at most ${API_TOKEN_NAME_MAX_LENGTH} characters (this one has ${trimmed.length}).`;
  return null;
}
