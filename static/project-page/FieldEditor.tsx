import { DatePicker } from '@atlaskit/datetime-picker';
import Select, { type FormatOptionLabelMeta } from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import type { FieldDefinitionDto, UserDto } from '../../src/shared/resolver-contract';
import { ColourSwatch, OptionLozenge } from '../common/OptionLozenge';
import { formatDuration, numberToInput, parseDuration, parseNumber } from '../common/values';
import type { Draft } from './drafts';
import { RichTextEditor, type TextEditorProps } from './RichTextEditor';
import { ProjectPicker } from './ProjectPicker';
import { UserPicker } from './UserPicker';

export interface ChoiceOption {
  readonly value: number;
  readonly label: string;
  readonly colour: string;
  readonly enabled: boolean;
}

/** All options of a field as choices; an id the field no longer has still shows, plainly. */
export function choicesOf(field: FieldDefinitionDto): readonly ChoiceOption[] {
  return (field.options ?? []).map((o) => ({ value: o.id, label: o.name, colour: o.colour, enabled: o.enabled }));
}

function choiceFor(field: FieldDefinitionDto, id: number): ChoiceOption {
  return choicesOf(field).find((c) => c.value === id) ?? { value: id, label: 'Removed option', colour: 'grey', enabled: false };
}

/** In the menu and in a single select: the option's lozenge. */
function formatChoice(option: ChoiceOption) {
  return <OptionLozenge name={option.label} colour={option.colour} disabled={!option.enabled} />;
}

/** Chips of a multi-select already have a background: a swatch reads better there than a lozenge. */
function formatMultiChoice(option: ChoiceOption, meta: FormatOptionLabelMeta<ChoiceOption>) {
  if (meta.context === 'menu') return formatChoice(option);
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: token('space.075'), font: token('font.body.small') }}>
      <ColourSwatch colour={option.colour} />
      {option.enabled ? option.label : `${option.label} (disabled)`}
    </span>
  );
}

/** Editors of one value share a width; lists of values and paragraphs take the full line. */
const SHORT = { maxWidth: 360 } as const;

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
      return (
        <div style={SHORT}>
          <DatePicker
            id={inputId}
            value={text}
            onChange={(value) => {
              setText(value);
              onBlur();
            }}
            dateFormat="YYYY-MM-DD"
            placeholder="yyyy-mm-dd"
            isInvalid={invalid}
            isDisabled={disabled}
            aria-describedby={describedBy}
            clearControlLabel={`Clear ${field.name}`}
            shouldShowCalendarButton
            openCalendarLabel={`Choose ${field.name}`}
          />
        </div>
      );
    case 'list':
    case 'status':
    case 'priority': {
      const id = draft.kind === 'option' ? draft.id : null;
      return (
        <div style={SHORT}>
          <Select<ChoiceOption, false>
            inputId={inputId}
            // Disabled options are never offered, but a value holding one still shows it.
            options={choicesOf(field).filter((c) => c.enabled)}
            value={id === null ? null : choiceFor(field, id)}
            onChange={(option) => {
              onDraft({ kind: 'option', id: option ? option.value : null });
              onBlur();
            }}
            formatOptionLabel={formatChoice}
            isClearable
            isInvalid={invalid}
            isDisabled={disabled}
            aria-describedby={describedBy}
            placeholder="Choose…"
          />
        </div>
      );
    }
    case 'multilist': {
      const ids = draft.kind === 'options' ? draft.ids : [];
      return (
        <Select<ChoiceOption, true>
          inputId={inputId}
          isMulti
          options={choicesOf(field).filter((c) => c.enabled)}
          value={ids.map((id) => choiceFor(field, id))}
          onChange={(options) => {
            onDraft({ kind: 'options', ids: options.map((o) => o.value) });
            onBlur();
          }}
          formatOptionLabel={formatMultiChoice}
          isClearable
          isInvalid={invalid}
          isDisabled={disabled}
          aria-describedby={describedBy}
          placeholder="Choose…"
        />
      );
    }
    case 'user':
    case 'multiuser': {
      const accountIds = draft.kind === 'user' ? (draft.accountId ? [draft.accountId] : []) : draft.kind === 'users' ? draft.accountIds : [];
      const isMulti = field.type === 'multiuser';
      return (
        <div style={isMulti ? undefined : SHORT}>
          <UserPicker
            inputId={inputId}
            isMulti={isMulti}
            accountIds={accountIds}
            names={props.names}
            onChange={(chosen) => {
              onDraft(isMulti ? { kind: 'users', accountIds: chosen } : { kind: 'user', accountId: chosen[0] ?? null });
              onBlur();
            }}
            onUsersFound={props.onUsersFound}
            isInvalid={invalid}
            isDisabled={disabled}
            describedBy={describedBy}
          />
        </div>
      );
    }
    case 'project':
    case 'multiproject': {
      const isMulti = field.type === 'multiproject';
      return (
        <div style={isMulti ? undefined : SHORT}>
          <ProjectPicker
            inputId={inputId}
            isMulti={isMulti}
            keys={draft.kind === 'projects' ? draft.keys : []}
            onChange={(keys) => {
              onDraft({ kind: 'projects', keys: isMulti ? keys : keys.slice(0, 1) });
              onBlur();
            }}
            isInvalid={invalid}
            isDisabled={disabled}
            describedBy={describedBy}
          />
        </div>
      );
    }
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
