import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useRef, useState, type ComponentType, type MouseEvent } from 'react';
import { flushSync } from 'react-dom';
import type { FieldDefinitionDto, UserDto } from '../../src/shared/resolver-contract';
import { chunk } from '../common/chunk';
import { formatDuration, numberToInput, parseDuration, parseNumber } from '../common/values';
import { parseDraft, type Draft } from './drafts';
import { FieldValue } from './FieldValue';
import type { PickerEditorProps, PickerStart } from './PickerEditor';
import { RichTextEditor, type TextEditorProps } from './RichTextEditor';
import { userLabel } from './user-label';

/** Editors of one value share a width; lists of values and paragraphs take the full line. */
export const SHORT = { maxWidth: 360 } as const;

/**
 * The editors of dates, options, people and projects (Atlaskit's date picker and selects, with
 * date-fns and their popups: about 100 KB gzip) are a chunk of their own. The page is usable
 * without them: those fields show a light stand-in (StandIn below), and the chunk loads when
 * someone first reaches one of them, or earlier when the browser has nothing else to do.
 */
const pickers = chunk(() => import('./editing'));

/** Starts loading the pickers' chunk, e.g. once the page has shown itself and the browser is idle. */
export const warmPickers = pickers.warm;

/** Whether a field's editor is one of the pickers (the others are light text editors). */
export const hasPicker = (field: FieldDefinitionDto): boolean =>
  field.type === 'date' || field.type === 'list' || field.type === 'status' || field.type === 'priority' || field.type === 'multilist' || field.type === 'user' || field.type === 'multiuser' || field.type === 'project' || field.type === 'multiproject';

export interface FieldEditorProps {
  readonly field: FieldDefinitionDto;
  readonly inputId: string;
  readonly describedBy: string;
  readonly draft: Draft;
  readonly invalid: boolean;
  readonly disabled: boolean;
  readonly names: ReadonlyMap<string, string>;
  readonly onDraft: (draft: Draft) => void;
  /** The editor lost focus: the page checks the value then, not on every key. */
  readonly onBlur: () => void;
  readonly onUsersFound: (users: readonly UserDto[]) => void;
}

/** The editor of one field, chosen by its type. */
export function FieldEditor(props: FieldEditorProps) {
  const { field, inputId, describedBy, draft, invalid, disabled, onDraft, onBlur } = props;
  const text = draft.kind === 'text' ? draft.text : '';
  const setText = (value: string) => onDraft({ kind: 'text', text: value });
  const entry: TextEditorProps = { inputId, describedBy, text, invalid, disabled, setText, onBlur };

  switch (field.type) {
    case 'text':
      return <TextEntry {...entry} />;
    case 'textarea':
      return <RichTextEditor {...entry} />;
    case 'number': {
      const decimals = field.decimals ?? 0;
      return (
        <div style={SHORT}>
          <TextEntry
            {...entry}
            {...(field.prefix ? { prefix: field.prefix } : {})}
            {...(field.suffix ? { suffix: field.suffix } : {})}
            inputMode={decimals > 0 ? 'decimal' : 'numeric'}
            // Show the value with the field's decimals once typed ("23" becomes "23.000").
            reformat={(typed) => {
              const parsed = parseNumber(typed, decimals);
              return parsed.ok && parsed.value !== null ? numberToInput(parsed.value, decimals) : undefined;
            }}
          />
        </div>
      );
    }
    case 'duration':
      return (
        <div style={SHORT}>
          <TextEntry
            {...entry}
            placeholder="e.g. 2h 30m"
            // "150" reads back as "2h 30m", so people see what they entered was understood.
            reformat={(typed) => {
              const parsed = parseDuration(typed);
              return parsed.ok && parsed.value !== null ? formatDuration(parsed.value) : undefined;
            }}
          />
        </div>
      );
    case 'date':
    case 'list':
    case 'status':
    case 'priority':
    case 'multilist':
    case 'user':
    case 'multiuser':
    case 'project':
    case 'multiproject':
      return <PickerField {...props} />;
    // Worked out by the app: the page shows their values read-only, never an editor.
    case 'formula':
    case 'updated':
    case 'created':
    case 'creator':
      return null;
  }
}

interface TextEntryProps extends TextEditorProps {
  readonly inputMode?: 'decimal' | 'numeric';
  readonly placeholder?: string;
  /** A number field's prefix and suffix, shown around the input (never part of the value). */
  readonly prefix?: string;
  readonly suffix?: string;
  /** On blur, the text to show instead of what was typed (when it was understood). */
  reformat?(typed: string): string | undefined;
}

/** A one-line text editor; number and duration fields show what was understood once typed. */
function TextEntry({ inputId, describedBy, text, invalid, disabled, setText, onBlur, inputMode, placeholder, reformat, prefix, suffix }: TextEntryProps) {
  const affix = (content: string) => <span style={{ paddingInline: token('space.075'), color: token('color.text.subtle') }}>{content}</span>;
  return (
    <Textfield
      id={inputId}
      value={text}
      {...(prefix ? { elemBeforeInput: affix(prefix) } : {})}
      {...(suffix ? { elemAfterInput: affix(suffix) } : {})}
      {...(inputMode ? { inputMode } : {})}
      {...(placeholder ? { placeholder } : {})}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={() => {
        const shown = reformat?.(text);
        if (shown !== undefined) setText(shown);
        onBlur();
      }}
      isInvalid={invalid}
      isDisabled={disabled}
      aria-describedby={describedBy}
      autoComplete="off"
    />
  );
}

/**
 * A picker's field: its stand-in until the person first reaches it, then the picker itself
 * (PickerEditor.tsx), which takes the focus and what was typed meanwhile.
 */
function PickerField(props: FieldEditorProps) {
  const [Picker, setPicker] = useState<ComponentType<PickerEditorProps> | null>(null);
  const [failed, setFailed] = useState(false);
  const [typed, setTyped] = useState('');
  const focused = useRef(false);
  const clicked = useRef(false);
  const asked = useRef(false);

  const engage = () => {
    if (asked.current) return;
    asked.current = true;
    setFailed(false);
    pickers.preload().then(
      // At once, in the same task: no keystroke may land in a stand-in that is on its way out.
      (module) => flushSync(() => setPicker(() => module.PickerEditor)),
      () => {
        asked.current = false;
        setFailed(true);
      },
    );
  };

  if (Picker) {
    const start: PickerStart = { focus: focused.current, typed, openMenu: focused.current && clicked.current && typed === '' };
    return <Picker {...props} start={start} />;
  }
  return (
    <div style={props.field.type.startsWith('multi') ? undefined : SHORT}>
      <StandIn
        {...props}
        typed={typed}
        onTyped={setTyped}
        onFocus={() => {
          focused.current = true;
          engage();
        }}
        onBlur={() => {
          focused.current = false;
          clicked.current = false;
        }}
        onClick={() => {
          clicked.current = true;
        }}
      />
      {failed ? (
        <p role="alert" style={{ margin: `${token('space.050')} 0 0`, font: token('font.body.small'), color: token('color.text.danger') }}>
          This editor could not be loaded: check the connection, then click the field again or reload the page.
        </p>
      ) : null}
    </div>
  );
}

/**
 * What a picker's field shows before the picker arrives: its value, in a box like the picker's,
 * around a real input (the field's label points at it). Focusing it asks for the picker; what is
 * typed meanwhile is kept and handed over.
 */
function StandIn({
  field,
  inputId,
  describedBy,
  draft,
  invalid,
  disabled,
  names,
  typed,
  onTyped,
  onFocus,
  onBlur,
  onClick,
}: FieldEditorProps & {
  readonly typed: string;
  readonly onTyped: (text: string) => void;
  readonly onFocus: () => void;
  readonly onBlur: () => void;
  readonly onClick: () => void;
}) {
  const input = useRef<HTMLInputElement | null>(null);
  const parsed = parseDraft(field, draft);
  const value = parsed.ok ? parsed.value : null;
  const empty = value === null || (Array.isArray(value) && value.length === 0);
  const valueId = `${inputId}-value`;
  // A click anywhere in the box reaches the input, as it does in the picker.
  const reach = (event: MouseEvent) => {
    if (disabled) return;
    onClick();
    if (event.target !== input.current) {
      event.preventDefault();
      input.current?.focus();
    }
  };
  return (
    <div className="pp-stand-in" data-invalid={invalid || undefined} data-disabled={disabled || undefined} onMouseDown={reach} onPointerEnter={warmPickers} data-testid={`${inputId}-stand-in`}>
      {typed === '' && !empty ? (
        <div className="pp-stand-in-value" id={valueId}>
          {/* A date shows as the date picker shows it (as typed, yyyy-mm-dd), one person by name; the rest as read. */}
          {field.type === 'date' && draft.kind === 'text' ? (
            <span>{draft.text}</span>
          ) : field.type === 'user' && typeof value === 'string' ? (
            <span>{userLabel(value, names)}</span>
          ) : (
            <FieldValue field={field} value={value} names={names} />
          )}
        </div>
      ) : null}
      <input
        ref={input}
        id={inputId}
        className="pp-stand-in-input"
        role="combobox"
        aria-expanded={false}
        aria-autocomplete="list"
        aria-describedby={[typed === '' && !empty ? valueId : '', describedBy].filter(Boolean).join(' ')}
        aria-invalid={invalid || undefined}
        value={typed}
        placeholder={empty ? (field.type === 'date' ? 'yyyy-mm-dd' : 'Choose…') : undefined}
        onChange={(event) => onTyped(event.currentTarget.value)}
        onFocus={onFocus}
        onBlur={onBlur}
        disabled={disabled}
        autoComplete="off"
      />
      <span className="pp-stand-in-chevron" aria-hidden="true" />
    </div>
  );
}
