import { nameProblem } from '../../../src/shared/field-rules';
import { WEBHOOK_FILTER_MAX_ITEMS, WEBHOOK_IN_FLIGHT, WEBHOOK_NAME_MAX_LENGTH, type WebhookDto, type WebhookPayloads } from '../../../src/shared/webhooks-contract';

/**
 * The create/edit form of a webhook as plain data: what the admin typed, the checks made before
 * sending, and the resolver input. Kept apart from the modal so the rules are tested without a
 * browser. The URL policy itself is the server's (`checkWebhookUrl`); only the obvious is
 * checked here.
 */
export interface WebhookFormState {
  readonly name: string;
  readonly url: string;
  /** Empty: every project / every field (the contract's null). */
  readonly projectKeys: readonly string[];
  readonly fieldIds: readonly number[];
  /** Requests open at once (different projects), as typed. */
  readonly maxInFlight: string;
}

export const WEBHOOK_FORM_FIELDS = ['name', 'url', 'projectKeys', 'fieldIds', 'maxInFlight'] as const;
export type WebhookFormField = (typeof WEBHOOK_FORM_FIELDS)[number];
export type WebhookFormErrors = Partial<Record<WebhookFormField, string>>;

export function emptyWebhookForm(): WebhookFormState {
  return { name: '', url: '', projectKeys: [], fieldIds: [], maxInFlight: String(WEBHOOK_IN_FLIGHT.default) };
}

export function formFromWebhook(webhook: WebhookDto): WebhookFormState {
  return { name: webhook.name, url: webhook.url, projectKeys: webhook.projectKeys ?? [], fieldIds: webhook.fieldIds ?? [], maxInFlight: String(webhook.maxInFlight) };
}

export function validateWebhookForm(state: WebhookFormState, otherNames: readonly string[]): WebhookFormErrors {
  const errors: WebhookFormErrors = {};
  const name = state.name.trim();
  if (name === '') errors.name = 'Give the webhook a name, such as "Finance system".';
  else if (name.length > WEBHOOK_NAME_MAX_LENGTH) errors.name = `Names have at most ${WEBHOOK_NAME_MAX_LENGTH} characters (this one has ${name.length}).`;
  else if (nameProblem(name)) errors.name = `Names ${(nameProblem(name) ?? '').replace(/^name /, '')}.`;
  else {
    // Named as it exists, not as typed: "finance" clashes with "Finance".
    const taken = otherNames.find((other) => other.trim().toLowerCase() === name.toLowerCase());
    if (taken !== undefined) errors.name = `A webhook named "${taken.trim()}" exists already. Choose another name.`;
  }
  const url = state.url.trim();
  if (url === '') errors.url = 'Enter the https:// URL that should receive the requests.';
  else if (!/^https:\/\//i.test(url)) errors.url = 'Only secure URLs are supported: the URL must start with https://.';
  if (state.projectKeys.length > WEBHOOK_FILTER_MAX_ITEMS) errors.projectKeys = `Choose at most ${WEBHOOK_FILTER_MAX_ITEMS} projects.`;
  if (state.fieldIds.length > WEBHOOK_FILTER_MAX_ITEMS) errors.fieldIds = `Choose at most ${WEBHOOK_FILTER_MAX_ITEMS} fields.`;
  if (inFlightOf(state) === undefined) errors.maxInFlight = `Enter a whole number from ${WEBHOOK_IN_FLIGHT.min} to ${WEBHOOK_IN_FLIGHT.max}.`;
  return errors;
}

export function hasErrors(errors: WebhookFormErrors): boolean {
  return Object.values(errors).some((e) => e !== undefined);
}

/** The typed number of requests in flight, or undefined when it is not a whole number in the allowed range. */
export function inFlightOf(state: Pick<WebhookFormState, 'maxInFlight'>): number | undefined {
  const text = state.maxInFlight.trim();
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= WEBHOOK_IN_FLIGHT.min && n <= WEBHOOK_IN_FLIGHT.max ? n : undefined;
}

export function toCreateInput(state: WebhookFormState): WebhookPayloads['createWebhook'] {
  const maxInFlight = inFlightOf(state);
  return { name: state.name.trim(), url: state.url.trim(), projectKeys: filter(state.projectKeys), fieldIds: filter(state.fieldIds), ...(maxInFlight !== undefined ? { maxInFlight } : {}) };
}

/** Only what changed is sent, so an edit never overwrites a toggle made meanwhile. */
export function toUpdateInput(webhook: WebhookDto, state: WebhookFormState): WebhookPayloads['updateWebhook'] {
  const next = toCreateInput(state);
  return {
    id: webhook.id,
    ...(next.name !== webhook.name ? { name: next.name } : {}),
    ...(next.url !== webhook.url ? { url: next.url } : {}),
    ...(!sameItems(next.projectKeys ?? null, webhook.projectKeys) ? { projectKeys: next.projectKeys } : {}),
    ...(!sameItems(next.fieldIds ?? null, webhook.fieldIds) ? { fieldIds: next.fieldIds } : {}),
    ...(next.maxInFlight !== undefined && next.maxInFlight !== webhook.maxInFlight ? { maxInFlight: next.maxInFlight } : {}),
  };
}

/** The server's field errors, on the form's fields; anything else stays in the message. */
export function serverFieldErrors(fieldErrors: Readonly<Record<string, string>> | undefined): WebhookFormErrors {
  const errors: WebhookFormErrors = {};
  for (const key of WEBHOOK_FORM_FIELDS) {
    const message = fieldErrors?.[key];
    if (message) errors[key] = message;
  }
  return errors;
}

function filter<T>(items: readonly T[]): T[] | null {
  return items.length === 0 ? null : [...items];
}

function sameItems<T>(a: readonly T[] | null, b: readonly T[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((item) => b.includes(item));
}
