import Button from '@atlaskit/button/new';
import TextArea from '@atlaskit/textarea';
import { token } from '@atlaskit/tokens';
import { useRef, useState, type ReactNode } from 'react';
import { RichText } from '../common/RichText';
import { Subtle } from '../common/layout';
import { applyFormat } from '../common/wiki-markup';

type Format = Parameters<typeof applyFormat>[3];

const TOOLS: readonly { readonly format: Format; readonly label: string; readonly text: ReactNode }[] = [
  { format: 'bold', label: 'Bold', text: <strong>B</strong> },
  { format: 'italic', label: 'Italic', text: <em>I</em> },
  { format: 'bullets', label: 'Bulleted list', text: '• List' },
  { format: 'numbers', label: 'Numbered list', text: '1. List' },
  { format: 'link', label: 'Link', text: 'Link' },
];

/** What every text-based editor of a field gets from the field editor. */
export interface TextEditorProps {
  readonly inputId: string;
  readonly describedBy: string | undefined;
  readonly text: string;
  readonly invalid: boolean;
  readonly disabled: boolean;
  setText(value: string): void;
  onBlur(): void;
}

/**
 * The editor of textarea fields: the text with its wiki markup (what payloads send), a toolbar
 * that writes the markup, and a preview of how it reads.
 */
export function RichTextEditor(props: TextEditorProps) {
  const { inputId, describedBy, text, invalid, disabled, setText, onBlur } = props;
  const area = useRef<HTMLTextAreaElement | null>(null);
  const [preview, setPreview] = useState(false);

  const format = (which: Format) => {
    const element = area.current;
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    const next = applyFormat(text, start, end, which);
    setText(next.text);
    // Keep working on what was formatted: select it again once React has rendered the text.
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(next.start, next.end);
    });
  };

  return (
    <div data-testid={`rich-text-editor-${inputId}`}>
      <div role="toolbar" aria-label="Formatting" aria-controls={inputId} style={{ display: 'flex', flexWrap: 'wrap', gap: token('space.050'), marginBottom: token('space.050') }}>
        {TOOLS.map((tool) => (
          <Button key={tool.format} appearance="subtle" spacing="compact" aria-label={tool.label} isDisabled={disabled || preview} onClick={() => format(tool.format)}>
            {tool.text}
          </Button>
        ))}
        <span style={{ flex: 1 }} />
        <Button appearance="subtle" spacing="compact" isSelected={preview} onClick={() => setPreview((p) => !p)}>
          {preview ? 'Edit' : 'Preview'}
        </Button>
      </div>
      {preview ? (
        <div style={{ minHeight: '5.5rem', padding: token('space.100'), border: `${token('border.width')} solid ${token('color.border')}`, borderRadius: token('radius.medium') }}>
          {text.trim() ? <RichText text={text} /> : <Subtle>Nothing to preview</Subtle>}
        </div>
      ) : (
        <TextArea
          ref={area}
          id={inputId}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onBlur={onBlur}
          isInvalid={invalid}
          isDisabled={disabled}
          aria-describedby={describedBy}
          minimumRows={4}
          resize="vertical"
          spellCheck
        />
      )}
      <Subtle style={{ display: 'block', marginTop: token('space.050'), font: token('font.body.small') }}>Markup: *bold*, _italic_, * list, # numbered, [label|https://link]</Subtle>
    </div>
  );
}
