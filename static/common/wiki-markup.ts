/**
 * The rich text of textarea fields: a small subset of Jira wiki markup, stored as typed (the
 * payload sends "the text with its markup") and rendered here for reading. Parsed into a tree the
 * page renders as React elements — never as HTML — so nothing typed can inject markup.
 *
 *   *bold*   _italic_   -strike-   {{monospace}}   [label|https://example.com]   https://example.com
 *   "* item" / "# item" at the start of a line: bulleted / numbered lists
 */

export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'strong' | 'em' | 'strike' | 'code'; readonly children: readonly Inline[] }
  | { readonly kind: 'link'; readonly href: string; readonly children: readonly Inline[] };

export type Block =
  | { readonly kind: 'paragraph'; readonly lines: readonly (readonly Inline[])[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly Inline[])[] };

const WRAPPERS: readonly { readonly open: string; readonly close: string; readonly kind: 'strong' | 'em' | 'strike' | 'code' }[] = [
  { open: '{{', close: '}}', kind: 'code' },
  { open: '*', close: '*', kind: 'strong' },
  { open: '_', close: '_', kind: 'em' },
  { open: '-', close: '-', kind: 'strike' },
];

/** Only web links become links; anything else (javascript:, data:) stays text. */
export function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const link = /^\[([^\]|]+)\|([^\]\s]+)\]/.exec(rest);
    if (link) {
      const href = safeHref(link[2] ?? '');
      if (href) {
        flush();
        out.push({ kind: 'link', href, children: parseInline(link[1] ?? '') });
        i += link[0].length;
        continue;
      }
    }
    const bare = /^https?:\/\/[^\s<>"'\]]+/.exec(rest);
    if (bare && !isWordChar(text[i - 1])) {
      const href = safeHref(bare[0]);
      if (href) {
        flush();
        out.push({ kind: 'link', href, children: [{ kind: 'text', text: bare[0] }] });
        i += bare[0].length;
        continue;
      }
    }
    const wrapper = WRAPPERS.find((w) => rest.startsWith(w.open));
    // A wrapper opens only at a word start and closes before a non-word character, so "2*3*4",
    // "snake_case_name" and "well-known-fact" stay plain text.
    if (wrapper && !isWordChar(text[i - 1]) && rest.length > wrapper.open.length && !/\s/.test(rest[wrapper.open.length] ?? ' ')) {
      let end = rest.indexOf(wrapper.close, wrapper.open.length);
      while (end !== -1 && (/\s/.test(rest[end - 1] ?? ' ') || isWordChar(rest[end + wrapper.close.length]))) end = rest.indexOf(wrapper.close, end + 1);
      if (end > wrapper.open.length && !rest.slice(wrapper.open.length, end).includes('\n')) {
        flush();
        const inner = rest.slice(wrapper.open.length, end);
        out.push({ kind: wrapper.kind, children: wrapper.kind === 'code' ? [{ kind: 'text', text: inner }] : parseInline(inner) });
        i += end + wrapper.close.length;
        continue;
      }
    }
    plain += text[i];
    i += 1;
  }
  flush();
  return out;
}

export function parseWikiMarkup(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: Inline[][] = [];
  let list: { ordered: boolean; items: Inline[][] } | undefined;
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', lines: paragraph });
    paragraph = [];
  };
  const endList = () => {
    if (list) blocks.push({ kind: 'list', ordered: list.ordered, items: list.items });
    list = undefined;
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const item = /^\s*([*#])\s+(.*)$/.exec(line);
    if (item) {
      const ordered = item[1] === '#';
      endParagraph();
      if (list && list.ordered !== ordered) endList();
      list ??= { ordered, items: [] };
      list.items.push(parseInline(item[2] ?? ''));
    } else if (line.trim() === '') {
      endParagraph();
      endList();
    } else {
      endList();
      paragraph.push(parseInline(line));
    }
  }
  endParagraph();
  endList();
  return blocks;
}

/** What the toolbar does to the selection [start, end) of `text`: wrap it, or prefix its lines. */
export function applyFormat(text: string, start: number, end: number, format: 'bold' | 'italic' | 'bullets' | 'numbers' | 'link'): { text: string; start: number; end: number } {
  const selected = text.slice(start, end);
  const wrap = (open: string, close: string, placeholder: string) => {
    const inner = selected || placeholder;
    return { text: text.slice(0, start) + open + inner + close + text.slice(end), start: start + open.length, end: start + open.length + inner.length };
  };
  switch (format) {
    case 'bold':
      return wrap('*', '*', 'bold text');
    case 'italic':
      return wrap('_', '_', 'italic text');
    case 'link':
      return wrapLink(text, start, end, selected);
    case 'bullets':
    case 'numbers': {
      // Whole lines: from the start of the first selected line to the end of the last.
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      const nextBreak = text.indexOf('\n', Math.max(end, start) - (end > start && text[end - 1] === '\n' ? 1 : 0));
      const lineEnd = nextBreak === -1 ? text.length : nextBreak;
      const marker = format === 'bullets' ? '* ' : '# ';
      const prefixed = (text.slice(lineStart, lineEnd) || 'item')
        .split('\n')
        .map((l) => (l.startsWith(marker) ? l : marker + l))
        .join('\n');
      return { text: text.slice(0, lineStart) + prefixed + text.slice(lineEnd), start: lineStart, end: lineStart + prefixed.length };
    }
  }
}

function wrapLink(text: string, start: number, end: number, selected: string): { text: string; start: number; end: number } {
  const label = selected || 'link text';
  const inserted = `[${label}|https://]`;
  const urlAt = start + 1 + label.length + 1;
  return { text: text.slice(0, start) + inserted + text.slice(end), start: urlAt, end: urlAt + 'https://'.length };
}
