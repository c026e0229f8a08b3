import { ErrorMessage, HelperMessage, Label, RequiredAsterisk } from '@atlaskit/form';
import Select from '@atlaskit/select';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import { DESCRIPTION_MAX_LENGTH, FIELD_NAME_MAX_LENGTH, MAX_DECIMALS } from '../../../src/shared/field-rules';
import type { FieldDefinitionDto, FieldTypeId } from '../../../src/shared/resolver-contract';
import { call } from '../../common/api';
import { FIELD_TYPE_HINTS, FIELD_TYPE_LABELS, FIELD_TYPES, hasOptions } from '../../common/field-types';
import { flag } from '../../common/flags';
import { menuAboveModal } from '../../common/portal';
import { FormModal } from '../common/FormModal';
import { useFormSave } from '../common/use-form-save';
import { emptyForm, formFromField, hasErrors, toCreateInput, toUpdateInput, validateForm, withType, type FieldFormErrors, type FieldFormState } from './field-form';
import { OptionsEditor } from './OptionsEditor';
import { FieldAccessEditor } from './FieldAccessEditor';

interface TypeOption {
  readonly value: FieldTypeId;
  readonly label: string;
}
interface DecimalsOption {
  readonly value: number;
  readonly label: string;
}

const TYPE_OPTIONS: readonly TypeOption[] = FIELD_TYPES.map((type) => ({ value: type, label: FIELD_TYPE_LABELS[type] }));
const DECIMALS_OPTIONS: readonly DecimalsOption[] = Array.from({ length: MAX_DECIMALS + 1 }, (_, n) => ({ value: n, label: n === 0 ? '0 (whole numbers)' : String(n) }));

export interface FieldFormModalProps {
  /** The field to edit; none to create one. */
  readonly field?: FieldDefinitionDto;
  /** Names of the other fields, which this one's name must differ from. */
  readonly otherNames: readonly string[];
  readonly onClose: () => void;
  readonly onSaved: (field: FieldDefinitionDto) => void;
}

/** Create or edit a field definition. The type is chosen once, at creation. */
export function FieldFormModal({ field, otherNames, onClose, onSaved }: FieldFormModalProps) {
  const editing = field !== undefined;
  const [state, setState] = useState<FieldFormState>(() => (field ? formFromField(field) : emptyForm()));
  const failedTitle = editing ? 'The field was not saved' : 'The field was not created';
  const form = useFormSave({
    isValid: () => !hasErrors(validateForm(state, otherNames)),
    save: () => (field ? call('updateField', toUpdateInput(field, state)) : call('createField', toCreateInput(state))),
    failedTitle,
    onSaved: (saved) => {
      flag('success', editing ? `Saved ${saved.name}` : `Created ${saved.name}`, editing ? undefined : "It now shows on every project's Projectrak page.");
      onSaved(saved);
    },
  });
  const { saving } = form;

  const errors: FieldFormErrors = form.showErrors ? validateForm(state, otherNames) : {};
  const change = (next: FieldFormState) => {
    setState(next);
    form.clearServerError();
  };

  const type = state.type;
  const title = editing ? `Edit ${field.name}` : 'Create field';

  return (
    <FormModal title={title} width="large" testId="field-form" form={form} failedTitle={failedTitle} submitLabel={editing ? 'Save' : 'Create'} onClose={onClose}>
      <div>
        <Label htmlFor="field-name">
          Name
          <RequiredAsterisk />
        </Label>
        <Textfield
          id="field-name"
          name="name"
          value={state.name}
          onChange={(e) => change({ ...state, name: e.currentTarget.value })}
          isInvalid={errors.name !== undefined}
          aria-describedby="field-name-message"
          autoComplete="off"
          testId="field-name-input"
          isDisabled={saving}
        />
        <div id="field-name-message">{errors.name ? <ErrorMessage>{errors.name}</ErrorMessage> : <HelperMessage>Shown to project users and sent to webhooks. At most {FIELD_NAME_MAX_LENGTH} characters.</HelperMessage>}</div>
      </div>

      <div>
        <Label htmlFor="field-type">
          Type
          <RequiredAsterisk />
        </Label>
        <Select<TypeOption, false>
          inputId="field-type"
          options={TYPE_OPTIONS}
          value={TYPE_OPTIONS.find((o) => o.value === type) ?? null}
          onChange={(option) => option && change(withType(state, option.value))}
          isDisabled={editing || saving}
          isInvalid={errors.type !== undefined}
          placeholder="Choose a type"
          aria-describedby="field-type-message"
          testId="field-type-select"
          {...menuAboveModal}
        />
        <div id="field-type-message">
          {errors.type ? (
            <ErrorMessage>{errors.type}</ErrorMessage>
          ) : (
            <HelperMessage>{editing ? 'The type of a field cannot change once it is created.' : type ? FIELD_TYPE_HINTS[type] : 'What kind of value the field holds.'}</HelperMessage>
          )}
        </div>
      </div>

      <div>
        <Label htmlFor="field-description">Description</Label>
        <TextArea
          id="field-description"
          name="description"
          value={state.description}
          onChange={(e) => change({ ...state, description: e.currentTarget.value })}
          isInvalid={errors.description !== undefined}
          minimumRows={2}
          resize="vertical"
          aria-describedby="field-description-message"
          isDisabled={saving}
          testId="field-description-input"
        />
        <div id="field-description-message">
          {errors.description ? <ErrorMessage>{errors.description}</ErrorMessage> : <HelperMessage>Optional help shown under the field. At most {DESCRIPTION_MAX_LENGTH} characters.</HelperMessage>}
        </div>
      </div>

      {type === 'formula' ? (
        <div>
          <Label htmlFor="field-expression">
            Formula
            <RequiredAsterisk />
          </Label>
          <TextArea
            id="field-expression"
            name="expression"
            value={state.expression}
            onChange={(e) => change({ ...state, expression: e.currentTarget.value })}
            isInvalid={errors.expression !== undefined}
            minimumRows={2}
            resize="vertical"
            aria-describedby="field-expression-message"
            isDisabled={saving}
            testId="field-expression-input"
            placeholder="{End date} - {Start date}"
          />
          <div id="field-expression-message">
            {errors.expression ? (
              <ErrorMessage>{errors.expression}</ErrorMessage>
            ) : (
              <HelperMessage>
                Number, date, duration, Updated, Created date and other formula fields in braces, such as {'{Budget}'}; + - * / and parentheses; min(…) and max(…). A date minus a date gives the days between them. Shown read-only on projects and never sent to webhooks.
              </HelperMessage>
            )}
          </div>
        </div>
      ) : null}

      {type === 'number' || type === 'formula' ? (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
          {(['prefix', 'suffix'] as const).map((affix) => (
            <div key={affix} style={{ width: 160 }}>
              <Label htmlFor={`field-${affix}`}>{affix === 'prefix' ? 'Prefix' : 'Suffix'}</Label>
              <Textfield
                id={`field-${affix}`}
                name={affix}
                value={state[affix]}
                onChange={(e) => change({ ...state, [affix]: e.currentTarget.value })}
                isInvalid={errors[affix] !== undefined}
                autoComplete="off"
                testId={`field-${affix}-input`}
                isDisabled={saving}
                placeholder={affix === 'prefix' ? 'e.g. $' : 'e.g. kg'}
              />
              {errors[affix] ? <ErrorMessage>{errors[affix]}</ErrorMessage> : null}
            </div>
          ))}
          <div style={{ flexBasis: '100%' }}>
            <HelperMessage>Shown around the value on project pages; webhooks get the number alone.</HelperMessage>
          </div>
        </div>
      ) : null}

      {type === 'number' || type === 'formula' ? (
        <div style={{ maxWidth: 240 }}>
          <Label htmlFor="field-decimals">Decimals</Label>
          <Select<DecimalsOption, false>
            inputId="field-decimals"
            options={DECIMALS_OPTIONS}
            value={DECIMALS_OPTIONS.find((o) => o.value === state.decimals) ?? null}
            onChange={(option) => option && change({ ...state, decimals: option.value })}
            isDisabled={saving}
            isInvalid={errors.decimals !== undefined}
            testId="field-decimals-select"
            {...menuAboveModal}
          />
          {errors.decimals ? <ErrorMessage>{errors.decimals}</ErrorMessage> : <HelperMessage>{type === 'formula' ? 'Results are shown with exactly this many decimals (rounded half away from zero).' : 'Values are kept and sent with exactly this many decimals.'}</HelperMessage>}
        </div>
      ) : null}

      {type !== null && hasOptions(type) ? <OptionsEditor state={state} errors={errors} disabled={saving} onChange={change} /> : null}

      <FieldAccessEditor state={state} type={type} errors={errors} disabled={saving} onChange={change} />
    </FormModal>
  );
}
