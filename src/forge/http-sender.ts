import { fetch } from '@forge/api';
import type { HttpResult, HttpSender } from '../app/ports';
import type { Clock } from '../app/ports';
import type { AttemptResult, TransportErrorKind } from '../domain/classify-outcome';
import { RESPONSE_EXCERPT_BYTES } from '../domain/delivery-policy';

const MAX_HEADER_VALUE = 1000;
const MAX_HEADERS = 50;

/**
 * One POST with `fetch` from `@forge/api`: a hard time-out over the whole exchange (headers and
 * the body excerpt), redirects never followed, at most 4 KB of the body read (a 10 MB answer or a
 * trickle costs no more), and every network failure returned as a result with its kind.
 */
export function createHttpSender(clock: Clock): HttpSender {
  return {
    async post(url, headers, body, timeoutMs): Promise<HttpResult> {
      const startedAt = clock.now();
      const started = performance.now();
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const elapsed = () => performance.now() - started;
      try {
        const response = await Promise.race([
          fetch(url, { method: 'POST', headers: { ...headers }, body, redirect: 'manual', signal: controller.signal }),
          abortPromise(controller.signal),
        ]);
        const responseHeaders = headerRecord(response.headers);
        let excerpt = '';
        let bodyError: string | undefined;
        try {
          excerpt = await Promise.race([readExcerpt(response), abortPromise(controller.signal)]);
        } catch (error) {
          bodyError = timedOut ? `the response body did not finish within ${timeoutMs / 1000} s` : `reading the response body failed: ${messageOf(error)}`;
        }
        const result: AttemptResult = bodyError
          ? { kind: 'error', error: timedOut ? 'timeout' : 'connection', message: `HTTP ${response.status}; ${bodyError}` }
          : { kind: 'response', status: response.status, headers: responseHeaders, nowMs: clock.now() };
        return { startedAt, durationMs: elapsed(), result, responseHeaders, responseBodyExcerpt: excerpt };
      } catch (error) {
        const kind: TransportErrorKind = timedOut ? 'timeout' : classifyError(error);
        const message = timedOut ? `no answer within ${timeoutMs / 1000} s` : messageOf(error);
        return { startedAt, durationMs: elapsed(), result: { kind: 'error', error: kind, message }, responseHeaders: {}, responseBodyExcerpt: '' };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

type ForgeResponse = Awaited<ReturnType<typeof fetch>>;

/**
 * The first 4 KB of the body as text; the rest is never read (the stream is cancelled). The body
 * is a web stream with Node's fetch and a Node stream with Forge's: both are read the same way.
 */
async function readExcerpt(response: ForgeResponse): Promise<string> {
  const body = (response as { body?: unknown }).body;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body && typeof (body as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    try {
      while (size < RESPONSE_EXCERPT_BYTES) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.byteLength;
      }
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  } else if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      size += bytes.byteLength;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
    (body as { destroy?: () => void }).destroy?.();
  } else {
    chunks.push(Buffer.from(await response.text()));
  }
  const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c))).subarray(0, RESPONSE_EXCERPT_BYTES);
  // Cut at a character boundary: a split multi-byte character would show as garbage.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD$/, '');
}

function headerRecord(headers: ForgeResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  headers.forEach((value, name) => {
    if (count >= MAX_HEADERS) return;
    out[name] = value.length > MAX_HEADER_VALUE ? `${value.slice(0, MAX_HEADER_VALUE)}…` : value;
    count += 1;
  });
  return out;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_TLS/i;

/** The kind of a network failure, from the error and its causes (Node and undici codes). */
function classifyError(error: unknown): TransportErrorKind {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const code = String((current as { code?: unknown }).code ?? '');
    const name = String((current as { name?: unknown }).name ?? '');
    const message = current instanceof Error ? current.message : '';
    if (name === 'EgressBlockedError' || /blocked/i.test(message)) return 'blocked';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
    if (TLS_CODES.test(code)) return 'tls';
    if (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) return 'connection';
    if (name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  }
  return 'other';
}

function messageOf(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current && !seen.has(current) && parts.length < 3; current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    const text = current instanceof Error ? current.message : String(current);
    parts.push(code ? `${text} (${String(code)})` : text);
  }
  return parts.join(': ').slice(0, 500);
}
