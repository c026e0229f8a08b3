import { describe, expect, it } from '@jest/globals';
import { applyFormat, parseInline, parseWikiMarkup, safeHref } from './wiki-markup';

const text = (t: string) => ({ kind: 'text', text: t });

describe('wiki markup: inline', () => {
  it.each([
    ['plain', [text('plain')]],
    ['*bold*', [{ kind: 'strong', children: [text('bold')] }]],
    ['a _quiet_ word', [text('a '), { kind: 'em', children: [text('quiet')] }, text(' word')]],
    ['-gone-', [{ kind: 'strike', children: [text('gone')] }]],
    ['{{npm *ci*}}', [{ kind: 'code', children: [text('npm *ci*')] }]],
    ['*bold _and italic_*', [{ kind: 'strong', children: [text('bold '), { kind: 'em', children: [text('and italic')] }] }]],
    ['[docs|https://example.com/a]', [{ kind: 'link', href: 'https://example.com/a', children: [text('docs')] }]],
    ['see https://example.com/x.', [text('see '), { kind: 'link', href: 'https://example.com/x.', children: [text('https://example.com/x.')] }]],
  ])('%s', (input, expected) => {
    expect(parseInline(input)).toEqual(expected);
  });

  it.each(['2*3*4', 'snake_case_name', 'well-known-fact', '* not closed', 'a * b * c', '*spaced *'])('leaves %s as text', (input) => {
    expect(parseInline(input)).toEqual([text(input)]);
  });

  it.each(['[x|javascript:alert(1)]', '[x|data:text/html,hi]'])('never links %s', (input) => {
    expect(parseInline(input).some((n) => n.kind === 'link')).toBe(false);
  });

  it.each([
    ['https://a.example/', 'https://a.example/'],
    ['mailto:team@example.com', 'mailto:team@example.com'],
    ['javascript:alert(1)', undefined],
    ['not a url', undefined],
  ])('safeHref(%s) is %s', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});

describe('wiki markup: blocks', () => {
  it('paragraphs, bulleted and numbered lists', () => {
    expect(parseWikiMarkup('Goals:\n* one\n* *two*\n\n# first\n# second\nDone.')).toEqual([
      { kind: 'paragraph', lines: [[text('Goals:')]] },
      { kind: 'list', ordered: false, items: [[text('one')], [{ kind: 'strong', children: [text('two')] }]] },
      { kind: 'list', ordered: true, items: [[text('first')], [text('second')]] },
      { kind: 'paragraph', lines: [[text('Done.')]] },
    ]);
  });

  it('keeps line breaks inside a paragraph', () => {
    expect(parseWikiMarkup('a\nb')).toEqual([{ kind: 'paragraph', lines: [[text('a')], [text('b')]] }]);
  });
});

describe('the toolbar', () => {
  it.each([
    ['bold', 'make it loud', 8, 12, 'make it *loud*', 9, 13],
    ['italic', 'x', 1, 1, 'x_italic text_', 2, 13],
    ['bullets', 'a\nb', 0, 3, '* a\n* b', 0, 7],
    ['numbers', 'step', 2, 2, '# step', 0, 6],
    ['link', 'docs', 0, 4, '[docs|https://]', 6, 14],
  ] as const)('%s', (format, input, start, end, expected, newStart, newEnd) => {
    expect(applyFormat(input, start, end, format)).toEqual({ text: expected, start: newStart, end: newEnd });
  });
});
