import { ErrorMessage, HelperMessage, Label, RequiredAsterisk } from '@atlaskit/form';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import { API_TOKEN_NAME_MAX_LENGTH } from '../../../src/shared/api-tokens-contract';
import { call } from '../../common/api';
import { FormModal } from '../common/FormModal';
import { useFormSave } from '../common/use-form-save';
import { apiTokenNameError } from './api-token-text';

/** Create a token: a name that says which script uses it; the same form modal as every other create. */
export function CreateTokenModal({ onClose, onCreated }: { readonly onClose: () => void; readonly onCreated: (name: string, token: string) => void }) {
  const [name, setName] = useState('');
  const form = useFormSave({
    isValid: () => apiTokenNameError(name) === null,
    save: () => call('createApiToken', { name: name.trim() }),
    failedTitle: 'The API token was not created',
    onSaved: (value) => onCreated(value.apiToken.name, value.token),
  });
  const error = (form.showErrors ? apiTokenNameError(name) : null) ?? form.serverError?.fieldErrors?.name ?? null;
  return (
    <FormModal title="Create API token" width="small" testId="create-api-token-modal" form={form} failedTitle="The API token was not created" submitLabel="Create" onClose={onClose} fieldsWithErrors={['name']}>
      <div>
        <Label htmlFor="api-token-name">
          Name
          <RequiredAsterisk />
        </Label>
        <Textfield
          id="api-token-name"
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            form.clearServerError();
          }}
          isInvalid={error !== null}
          aria-describedby="api-token-name-message"
          autoComplete="off"
          isDisabled={form.saving}
          testId="api-token-name"
        />
        <div id="api-token-name-message">
          {error ? <ErrorMessage>{error}</ErrorMessage> : <HelperMessage>Which script uses it, such as &quot;Nightly sync&quot;. At most {API_TOKEN_NAME_MAX_LENGTH} characters.</HelperMessage>}
        </div>
      </div>
    </FormModal>
  );
}
