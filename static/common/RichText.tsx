import { token } from '@atlaskit/tokens';
import { Fragment, type ReactNode } from 'react';
import { parseWikiMarkup, type Inline } from './wiki-markup';

function renderInline(nodes: readonly Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text':
        return <Fragment key={i}>{node.text}</Fragment>;
      case 'strong':
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(node.children)}</em>;
      case 'strike':
        return <s key={i}>{renderInline(node.children)}</s>;
      case 'code':
        return (
          <code key={i} style={{ font: token('font.code'), background: token('color.background.neutral'), padding: `0 ${token('space.050')}`, borderRadius: token('radius.small') }}>
            {renderInline(node.children)}
          </code>
        );
      case 'link':
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderInline(node.children)}
          </a>
        );
    }
  });
}

/** A textarea value for reading: its wiki markup rendered as elements (never as HTML). */
export function RichText({ text }: { readonly text: string }) {
  const blocks = parseWikiMarkup(text);
  return (
    <div data-testid="rich-text" style={{ overflowWrap: 'anywhere', font: token('font.body') }}>
      {blocks.map((block, i) => {
        if (block.kind === 'paragraph') {
          return (
            <p key={i} style={{ margin: i === 0 ? 0 : `${token('space.100')} 0 0` }}>
              {block.lines.map((line, j) => (
                <Fragment key={j}>
                  {j > 0 && <br />}
                  {renderInline(line)}
                </Fragment>
              ))}
            </p>
          );
        }
        const items = block.items.map((item, j) => <li key={j}>{renderInline(item)}</li>);
        const style = { margin: `${i === 0 ? 0 : token('space.100')} 0 0`, paddingLeft: token('space.300') };
        return block.ordered ? (
          <ol key={i} style={style}>
            {items}
          </ol>
        ) : (
          <ul key={i} style={style}>
            {items}
          </ul>
        );
      })}
    </div>
  );
}
