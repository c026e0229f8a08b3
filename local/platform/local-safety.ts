import type { IncomingMessage } from 'node:http';

/**
 * The host listens on 127.0.0.1, but any web page the developer visits can still send requests
 * there (DNS rebinding, cross-site forms and fetches). The control surface, the shell and the
 * bridge therefore accept only requests addressed to the host by its own name (`Host`) and, when
 * a browser says where the request comes from (`Origin`), coming from the host's own pages.
 */
export function ownHosts(req: IncomingMessage): string[] {
  const port = req.socket.localPort;
  return ['127.0.0.1', 'localhost', '[::1]'].map((name) => `${name}:${port ?? ''}`);
}

/** Why the request is not the host's own (a refusal message), or undefined when it is. */
export function foreignRequest(req: IncomingMessage): string | undefined {
  const hosts = ownHosts(req);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.includes(host)) return `Host ${JSON.stringify(req.headers.host ?? '')} is not this host (${hosts[0] ?? ''})`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null' && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) return `Origin ${origin} is not this host`;
  if (origin === 'null') return 'Origin null (a sandboxed or file page) is not this host';
  return undefined;
}

/** A JSON request body (`application/json`, any parameters): what the bridge and controls take. */
export function isJsonContentType(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}
