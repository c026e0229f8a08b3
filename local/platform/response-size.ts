/**
 * The byte size of a platform response's body, remembered where the response is built, so the
 * usage meter (local/platform/metering.ts) counts read units without cloning and reading it.
 */
const sizes = new WeakMap<Response, number>();

/** A response whose body is `text` (or none), with its size remembered. */
export function sizedResponse(text: string | null, init: ResponseInit): Response {
  const response = new Response(text, init);
  sizes.set(response, text === null ? 0 : Buffer.byteLength(text, 'utf8'));
  return response;
}

/** The bytes of the response's body: remembered, or read from a clone (the response stays unread). */
export function responseBodyBytes(response: Response): number | Promise<number> {
  const known = sizes.get(response);
  if (known !== undefined) return known;
  return response
    .clone()
    .arrayBuffer()
    .then((body) => body.byteLength);
}
