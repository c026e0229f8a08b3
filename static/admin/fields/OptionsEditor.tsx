import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage } from '@atlaskit/form';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { token } from '@atlaskit/tokens';
import { COLOUR_LABELS, NAMED_COLOURS, isNamedColour } from '../../common/colours';
import { ColourSwatch } from '../../common/OptionLozenge';
import { menuAboveModal } from '../../common/portal';
import { addOption, moveOption, removeOption, updateOption, type FieldFormErrors, type FieldFormState } from './field-form';

interface ColourOption {
  readonly value: string;
  readonly label: string;
}

const NAMED_OPTIONS: readonly ColourOption[] = NAMED_COLOURS.map((c) => ({ value: c, label: COLOUR_LABELS[c] }));

function colourOptions(current: string): readonly ColourOption[] {
  return isNamedColour(current) ? NAMED_OPTIONS : [...NAMED_OPTIONS, { value: current, label: `Custom ${current}` }];
}

const formatColour = (option: ColourOption) => (
  <span style={{ display: 'inline-flex', alignItems: 'center', gap: token('space.100') }}>
    <ColourSwatch colour={option.value} />
    {option.label}
  </span>
);

/**
 * The options of a list, multi-list, status or priority field: name, colour, enabled. Saved options
 * are never removed here, only disabled: projects that hold them keep them, but nobody can choose
 * them any more. New options can be removed until the field is saved.
 */
export function OptionsEditor({ state, errors, disabled, onChange }: { readonly state: FieldFormState; readonly errors: FieldFormErrors; readonly disabled: boolean; readonly onChange: (next: FieldFormState) => void }) {
  return (
    <fieldset style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }} data-testid="options-editor">
      <legend style={{ font: token('font.body.small'), fontWeight: token('font.weight.semibold'), color: token('color.text.subtle'), padding: 0, marginBottom: token('space.050') }}>Options</legend>
      <HelperMessage>Disable an option to stop people choosing it; projects that already have it keep it. A value id (optional) is another name clients of the REST API may use; webhooks send the option's name.</HelperMessage>
      <ol style={{ listStyle: 'none', padding: 0, margin: `${token('space.150')} 0 0`, display: 'flex', flexDirection: 'column', gap: token('space.100') }}>
        {state.options.map((option, index) => {
          const nameError = errors.optionNames?.[option.key];
          const valueIdError = errors.optionValueIds?.[option.key];
          const label = option.name.trim() || `option ${index + 1}`;
          const nameId = `option-name-${option.key}`;
          return (
            <li key={option.key} data-testid="option-row">
              <div style={{ display: 'grid', gridTemplateColumns: '150px minmax(0, 1fr) minmax(0, 120px) auto auto', gap: token('space.100'), alignItems: 'center' }}>
                <Select<ColourOption, false>
                  aria-label={`Colour of ${label}`}
                  options={colourOptions(option.colour)}
                  value={colourOptions(option.colour).find((c) => c.value === option.colour) ?? null}
                  onChange={(next) => next && onChange(updateOption(state, option.key, { colour: next.value }))}
                  formatOptionLabel={formatColour}
                  isDisabled={disabled}
                  spacing="compact"
                  {...menuAboveModal}
                />
                <Textfield
                  id={nameId}
                  aria-label={`Name of option ${index + 1}`}
                  value={option.name}
                  onChange={(e) => onChange(updateOption(state, option.key, { name: e.currentTarget.value }))}
                  isInvalid={nameError !== undefined}
                  isCompact
                  isDisabled={disabled}
                  placeholder="Option name"
                  autoComplete="off"
                  testId="option-name-input"
                />
                <Textfield
                  aria-label={`Value id of ${label}`}
                  value={option.valueId}
                  onChange={(e) => onChange(updateOption(state, option.key, { valueId: e.currentTarget.value }))}
                  isInvalid={valueIdError !== undefined}
                  isCompact
                  isDisabled={disabled}
                  placeholder="Value id"
                  autoComplete="off"
                  testId="option-value-id-input"
                />
                <div style={{ display: 'flex', alignItems: 'center', gap: token('space.050') }}>
                  <Toggle id={`option-enabled-${option.key}`} label={`${label} enabled`} isChecked={option.enabled} onChange={() => onChange(updateOption(state, option.key, { enabled: !option.enabled }))} isDisabled={disabled} />
                  <label htmlFor={`option-enabled-${option.key}`} style={{ color: token('color.text.subtle'), font: token('font.body.small'), minWidth: 52 }}>
                    {option.enabled ? 'Enabled' : 'Disabled'}
                  </label>
                </div>
                <div style={{ display: 'flex', gap: token('space.025') }}>
                  <Button appearance="subtle" spacing="compact" onClick={() => onChange(moveOption(state, option.key, -1))} isDisabled={disabled || index === 0} aria-label={`Move ${label} up`}>
                    ↑
                  </Button>
                  <Button appearance="subtle" spacing="compact" onClick={() => onChange(moveOption(state, option.key, 1))} isDisabled={disabled || index === state.options.length - 1} aria-label={`Move ${label} down`}>
                    ↓
                  </Button>
                  {option.id === undefined ? (
                    <Button appearance="subtle" spacing="compact" onClick={() => onChange(removeOption(state, option.key))} isDisabled={disabled} aria-label={`Remove ${label}`}>
                      Remove
                    </Button>
                  ) : null}
                </div>
              </div>
              {nameError ? <ErrorMessage>{nameError}</ErrorMessage> : null}
              {valueIdError ? <ErrorMessage>{valueIdError}</ErrorMessage> : null}
            </li>
          );
        })}
      </ol>
      {errors.options ? <ErrorMessage>{errors.options}</ErrorMessage> : null}
      <div style={{ marginTop: token('space.150') }}>
        <Button onClick={() => onChange(addOption(state))} isDisabled={disabled} testId="add-option">
          Add option
        </Button>
      </div>
    </fieldset>
  );
}
