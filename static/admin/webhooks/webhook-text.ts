import type { WebhookDto } from '../../../src/shared/webhooks-contract';

/** What a webhook sends: its project and field filters in a line ("DEMO, OPS · Budget"). */
export function sendsText(webhook: Pick<WebhookDto, 'projectKeys' | 'fieldIds'>, fieldNames: ReadonlyMap<number, string>): string {
  const projects = webhook.projectKeys === null ? 'Every project' : webhook.projectKeys.join(', ');
  const fields = webhook.fieldIds === null ? 'every field' : webhook.fieldIds.map((id) => fieldNames.get(id) ?? `field ${id}`).join(', ');
  return `${projects} · ${fields}`;
}

/**
 * A URL split where a line may break without tearing a part apart: after `//`, each `/`, and
 * before `?` and `&`. The host and port stay together ("127.0.0.1:4343/" never wraps mid-port).
 */
export function urlBreakParts(url: string): string[] {
  return url.split(/(?<=\/\/)|(?<=[^/]\/)(?!\/)|(?=[?&])/).filter((part) => part !== '');
}
