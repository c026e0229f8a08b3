import { DatePicker } from '@atlaskit/datetime-picker';
import Select, { type FormatOptionLabelMeta } from '@atlaskit/select';
import { token } from '@atlaskit/tokens';
import { useLayoutEffect, useState } from 'react';
import type { FieldDefinitionDto } from '../../src/shared/resolver-contract';
import { ColourSwatch, OptionLozenge } from '../common/OptionLozenge';
import { SHORT, type FieldEditorProps } from './FieldEditor';
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

/** How the person met the field before this editor arrived (FieldEditor.tsx's stand-in). */
export interface PickerStart {
  /** The stand-in had the focus: this editor takes it. */
  readonly focus: boolean;
  /** What they typed into the stand-in meanwhile: typed again here, so the menu filters by it. */
  readonly typed: string;
  /** They clicked the stand-in: the menu or calendar opens, as a click on this editor would. */
  readonly openMenu: boolean;
}

export interface PickerEditorProps extends FieldEditorProps {
  readonly start: PickerStart;
}

/**
 * The editors of dates, options, people and projects (Atlaskit's date picker and selects): a
 * chunk of their own, loaded when someone first reaches one of those fields (or the browser is
 * idle). It takes over from the stand-in without losing the focus or what was typed.
 */
export function PickerEditor(props: PickerEditorProps) {
  const { field, inputId, describedBy, draft, invalid, disabled, onDraft, onBlur } = props;
  // As the stand-in left it, once: later renders must not move the focus again.
  const [start] = useState(props.start);
  useLayoutEffect(() => {
    if (!start.focus) return;
    const input = document.getElementById(inputId);
    if (!(input instanceof HTMLInputElement)) return;
    input.focus();
    // The date picker opens its calendar on a click, not on focus (the selects take defaultMenuIsOpen).
    if (start.openMenu && field.type === 'date') input.click();
    if (start.typed === '') return;
    // As if typed here: React's change handler sees an input event with the new value.
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, start.typed);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, [start, inputId, field.type]);
  const text = draft.kind === 'text' ? draft.text : '';
  const setText = (value: string) => onDraft({ kind: 'text', text: value });
  /** What both option selects share: the stand-in's input id and menu state, validity, the field's description. */
  const selectProps = {
    inputId,
    isClearable: true,
    isInvalid: invalid,
    isDisabled: disabled,
    'aria-describedby': describedBy,
    placeholder: 'Choose…',
    defaultMenuIsOpen: start.openMenu,
  } as const;

  switch (field.type) {
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
            {...selectProps}
            // Disabled options are never offered, but a value holding one still shows it.
            options={choicesOf(field).filter((c) => c.enabled)}
            value={id === null ? null : choiceFor(field, id)}
            onChange={(option) => {
              onDraft({ kind: 'option', id: option ? option.value : null });
              onBlur();
            }}
            formatOptionLabel={formatChoice}
          />
        </div>
      );
    }
    case 'multilist': {
      const ids = draft.kind === 'options' ? draft.ids : [];
      return (
        <Select<ChoiceOption, true>
          {...selectProps}
          isMulti
          options={choicesOf(field).filter((c) => c.enabled)}
          value={ids.map((id) => choiceFor(field, id))}
          onChange={(options) => {
            onDraft({ kind: 'options', ids: options.map((o) => o.value) });
            onBlur();
          }}
          formatOptionLabel={formatMultiChoice}
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
    default:
      // Text, numbers and durations have light editors of their own (FieldEditor.tsx); formulas
      // and automatic fields none.
      return null;
  }
}
