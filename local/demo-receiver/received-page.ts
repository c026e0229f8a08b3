import type { ReceivedRequest } from './receiver';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** The receiver's page: what arrived, newest first, with the signature verdict. No external assets. */
export function renderReceivedPage(received: readonly ReceivedRequest[], hooksWithSecrets: readonly string[] = []): string {
  const items = received
    .map((r) => {
      const verdict = r.verdict.valid ? '<span class="ok">signature valid</span>' : `<span class="bad">signature invalid: ${escapeHtml(r.verdict.reason)}</span>`;
      const headers = Object.entries(r.headers)
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
        .join('');
      return `<article><h2>#${r.id} POST /hooks/${escapeHtml(r.hook)} <small>${escapeHtml(r.receivedAt)} · answered ${r.answeredStatus}</small></h2><p>${verdict}</p>${r.clockNote ? `<p class="bad">${escapeHtml(r.clockNote)}</p>` : ''}
<details><summary>Headers</summary><table>${headers}</table></details><pre>${escapeHtml(prettyBody(r.body))}</pre></article>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo webhook receiver</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#172b4d;background:#f7f8f9}h1{font-size:20px}article{background:#fff;border:1px solid #dcdfe4;border-radius:6px;padding:12px 16px;margin:0 0 12px}h2{font-size:15px;margin:0 0 6px}small{color:#626f86;font-weight:normal}.ok{color:#216e4e;font-weight:600}.bad{color:#ae2e24;font-weight:600}pre{background:#f1f2f4;padding:8px;border-radius:4px;overflow:auto}th{text-align:left;padding-right:12px;color:#44546f;font-weight:600}td{word-break:break-all}</style></head>
<body><h1>Demo webhook receiver</h1><p>POST signed webhooks to <code>/hooks/&lt;name&gt;</code>; register the secret with <code>PUT /api/secrets/&lt;name&gt;</code> or here. ${received.length} request(s) received, newest first. Reload to update.</p>
<form method="post" action="/secrets"><label>Hook <input name="hook" required pattern="[A-Za-z0-9._-]{1,64}" placeholder="demo"></label> <label>Secret <input name="secret" required size="52" placeholder="whsec_..."></label> <button type="submit">Register secret</button></form>
<p>Secrets registered for: ${hooksWithSecrets.length > 0 ? hooksWithSecrets.map((h) => `<code>${escapeHtml(h)}</code>`).join(', ') : 'none yet'}.</p>
${items || '<p>Nothing received yet.</p>'}</body></html>`;
}
