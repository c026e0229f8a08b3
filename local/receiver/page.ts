import type { ReceivedRequest } from './receiver';

/**
 * The receiver's HTML page: what arrived, newest first, with the signature verdict, the headers
 * and the pretty-printed body. Everything is escaped; no script, no external asset.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function prettyBody(body: string, contentType: string | undefined): string {
  if (body === '') return '';
  if (contentType === undefined || /json/i.test(contentType) || /^\s*[[{]/.test(body)) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // not JSON after all: shown as received
    }
  }
  return body;
}

export interface PageInput {
  readonly received: readonly ReceivedRequest[];
  readonly baseUrl: string;
  /** Hook names with a registered secret (never the secrets). */
  readonly hooksWithSecret: readonly string[];
  /** Only this hook's requests are shown. */
  readonly hook?: string;
  /** Seconds between automatic reloads (meta refresh), if asked for. */
  readonly refreshSeconds?: number;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f7f8f9;--card:#fff;--text:#172b4d;--muted:#626f86;--line:#dcdfe4;--code:#f1f2f4;--ok:#216e4e;--okbg:#dcfff1;--bad:#ae2e24;--badbg:#ffeceb;--link:#0c66e4}
@media (prefers-color-scheme:dark){:root{--bg:#1d2125;--card:#22272b;--text:#dee4ea;--muted:#9fadbc;--line:#38414a;--code:#161a1d;--ok:#7ee2b8;--okbg:#1c3329;--bad:#fd9891;--badbg:#42221f;--link:#579dff}}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:var(--bg);color:var(--text)}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--card)}h1{font-size:20px;margin:0 0 4px}
main{padding:16px 24px;max-width:1100px}a{color:var(--link)}code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
.muted{color:var(--muted)}.tools{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-end;margin:12px 0}
form{display:flex;gap:8px;align-items:flex-end;flex-wrap:wrap;margin:0}label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--text)}
button{font:inherit;padding:4px 12px;border:1px solid var(--line);border-radius:4px;background:var(--code);color:var(--text);cursor:pointer}
article{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:0 0 12px}
article h2{font-size:15px;margin:0 0 6px;display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
.badge{display:inline-block;padding:0 8px;border-radius:4px;font-weight:600;font-size:12.5px}.ok{color:var(--ok);background:var(--okbg)}.bad{color:var(--bad);background:var(--badbg)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}dt{color:var(--muted)}dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;margin-top:6px}th,td{text-align:left;vertical-align:top;padding:2px 8px;border-top:1px solid var(--line)}th{white-space:nowrap;color:var(--muted);font-weight:600;width:1%}td{word-break:break-all}
pre{background:var(--code);padding:8px 12px;border-radius:6px;overflow:auto;max-height:480px;margin:8px 0 0}
summary{cursor:pointer;color:var(--muted)}
`;

function verdictBadge(r: ReceivedRequest): string {
  return r.verdict.valid
    ? `<span class="badge ok">✓ signature valid${r.verdict.matchedSecret > 0 ? ` (secret #${r.verdict.matchedSecret + 1})` : ''}</span>`
    : `<span class="badge bad">✗ invalid: ${escapeHtml(r.verdict.reason)}</span>`;
}

function renderRequest(r: ReceivedRequest, index: number): string {
  const headers = Object.entries(r.headers)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td><code>${escapeHtml(value)}</code></td></tr>`)
    .join('');
  const answered = `${r.response.status}${r.response.delayMs > 0 ? ` after ${r.response.delayMs} ms` : ''}${r.clientClosedEarly ? ' (the sender had hung up)' : ''}`;
  const body = prettyBody(r.body, r.headers['content-type']);
  return `<article id="r${r.id}">
<h2><span>#${r.id}</span> <code>${escapeHtml(r.method)} ${escapeHtml(r.path)}</code> ${verdictBadge(r)}</h2>
<dl>
<dt>Received</dt><dd><time datetime="${escapeHtml(r.receivedAt)}">${escapeHtml(r.receivedAt)}</time></dd>
<dt>Answered</dt><dd>${escapeHtml(answered)}</dd>
${r.headers['webhook-id'] ? `<dt>webhook-id</dt><dd><code>${escapeHtml(r.headers['webhook-id'])}</code></dd>` : ''}
${r.headers['webhook-attempt'] ? `<dt>Attempt</dt><dd>${escapeHtml(r.headers['webhook-attempt'])}</dd>` : ''}
<dt>Body</dt><dd>${r.bodyBytes} bytes${r.bodyTruncated ? ' (truncated: over the size limit)' : ''}</dd>
</dl>
<details${index === 0 ? ' open' : ''}><summary>Headers (${Object.keys(r.headers).length})</summary><table>${headers}</table></details>
${body ? `<pre>${escapeHtml(body)}</pre>` : '<p class="muted">Empty body.</p>'}
</article>`;
}

export function renderReceivedPage(input: PageInput): string {
  const { received, baseUrl, hooksWithSecret, hook } = input;
  const refresh = input.refreshSeconds ? `<meta http-equiv="refresh" content="${Math.round(input.refreshSeconds)}">` : '';
  const self = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
    const text = search.toString();
    return escapeHtml(text ? `/?${text}` : '/');
  };
  const secrets = hooksWithSecret.length
    ? `Secrets registered for: ${hooksWithSecret.map((h) => `<a href="${self({ hook: h })}"><code>${escapeHtml(h)}</code></a>`).join(', ')}.`
    : 'No secret registered yet: every request is listed as invalid until its hook has one.';
  const filter = hook ? ` for <code>/hooks/${escapeHtml(hook)}</code> (<a href="/">show all</a>)` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${received.length ? `(${received.length}) ` : ''}Demo webhook receiver</title><style>${STYLE}</style></head>
<body>
<header><h1>Demo webhook receiver</h1>
<div class="muted">Point a webhook at <code>${escapeHtml(baseUrl)}/hooks/&lt;name&gt;</code>. Each request is checked against the Standard Webhooks signature with the secret registered for its name. JSON: <a href="/api/received"><code>/api/received</code></a>.</div></header>
<main>
<div class="tools">
<form method="post" action="/secrets"><label>Hook name<input name="hook" required pattern="[A-Za-z0-9._~-]{1,100}" value="${escapeHtml(hook ?? '')}"></label><label>Secret<input name="secret" required placeholder="whsec_..." size="52" autocomplete="off"></label><button type="submit">Register secret</button></form>
<form method="post" action="/clear"><button type="submit">Clear the list</button></form>
<a href="${self({ hook, refresh: input.refreshSeconds ? undefined : '5' })}">${input.refreshSeconds ? 'Stop reloading' : 'Reload every 5 s'}</a>
</div>
<p class="muted">${secrets}</p>
<p>${received.length} request${received.length === 1 ? '' : 's'} received${filter}, newest first.</p>
${received.map((r, i) => renderRequest(r, i)).join('\n') || '<p class="muted">Nothing received yet.</p>'}
</main></body></html>`;
}
