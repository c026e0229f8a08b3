import { ErrorMessage, HelperMessage, Label, RequiredAsterisk, ValidMessage } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import { WEBHOOK_IN_FLIGHT, WEBHOOK_NAME_MAX_LENGTH, type WebhookDto } from '../../../src/shared/webhooks-contract';
import { call, type ResolverValue } from '../../common/api';
import { flag } from '../../common/flags';
import { menuAboveModal } from '../../common/portal';
import { FormModal } from '../common/FormModal';
import { useFormSave } from '../common/use-form-save';
import { useFilterOptions } from './use-filter-options';
import { useUrlCheck, type UrlCheck } from './use-url-check';
import {
  emptyWebhookForm,
  formFromWebhook,
  hasErrors,
  serverFieldErrors,
  toCreateInput,
  toUpdateInput,
  validateWebhookForm,
  WEBHOOK_FORM_FIELDS,
  type WebhookFormErrors,
  type WebhookFormState,
} from './webhook-form';

interface Choice<T> {
  readonly value: T;
  readonly label: string;
}

export interface WebhookFormModalProps {
  /** The webhook to edit; none to create one. */
  readonly webhook?: WebhookDto;
  readonly otherNames: readonly string[];
  readonly onClose: () => void;
  /** `secret` only on create: the one time it is shown. */
  readonly onSaved: (webhook: WebhookDto, secret: string | null) => void;
}

/** Create (the seed's steps: a name, an https URL, Save) or edit a webhook, with optional filters. */
export function WebhookFormModal({ webhook, otherNames, onClose, onSaved }: WebhookFormModalProps) {
  const editing = webhook !== undefined;
  const [state, setState] = useState<WebhookFormState>(() => (webhook ? formFromWebhook(webhook) : emptyWebhookForm()));
  const urlCheck = useUrlCheck(state.url);
  const options = useFilterOptions();
  const failedTitle = editing ? 'The webhook was not saved' : 'The webhook was not created';
  const form = useFormSave<ResolverValue<'updateWebhook'> | ResolverValue<'createWebhook'>>({
    isValid: () => !hasErrors(validateWebhookForm(state, otherNames)),
    save: () => (webhook ? call('updateWebhook', toUpdateInput(webhook, state)) : call('createWebhook', toCreateInput(state))),
    failedTitle,
    onSaved: (saved) => {
      if ('secret' in saved) {
        flag('success', `Created ${saved.webhook.name}`, 'Every saved change of project fields is now sent to it.');
        onSaved(saved.webhook, saved.secret);
      } else {
        flag('success', `Saved ${saved.name}`);
        onSaved(saved, null);
      }
    },
  });
  const { saving } = form;

  const local = form.showErrors ? validateWebhookForm(state, otherNames) : {};
  const errors: WebhookFormErrors = { ...serverFieldErrors(form.serverError?.fieldErrors), ...local };
  const change = (next: WebhookFormState) => {
    setState(next);
    form.clearServerError();
  };

  const projectChoices: Choice<string>[] = options.projects.map((p) => ({ value: p.key, label: `${p.name} (${p.key})` }));
  const fieldChoices: Choice<number>[] = options.fields.map((f) => ({ value: f.id, label: f.name }));
  // Values the lists do not (or not yet) hold still show, by key or id.
  const chosenProjects = state.projectKeys.map((key) => projectChoices.find((c) => c.value === key) ?? { value: key, label: key });
  const chosenFields = state.fieldIds.map((id) => fieldChoices.find((c) => c.value === id) ?? { value: id, label: `Field ${id}` });
  const title = editing ? `Edit ${webhook.name}` : 'Create webhook';

  return (
    <FormModal title={title} width="medium" testId="webhook-form" form={form} failedTitle={failedTitle} submitLabel="Save" onClose={onClose} fieldsWithErrors={WEBHOOK_FORM_FIELDS}>
      <div>
        <Label htmlFor="webhook-name">
          Name
          <RequiredAsterisk />
        </Label>
        <Textfield
          id="webhook-name"
          value={state.name}
          onChange={(e) => change({ ...state, name: e.currentTarget.value })}
          isInvalid={errors.name !== undefined}
          aria-describedby="webhook-name-message"
          autoComplete="off"
          isDisabled={saving}
          testId="webhook-name-input"
        />
        <div id="webhook-name-message">{errors.name ? <ErrorMessage>{errors.name}</ErrorMessage> : <HelperMessage>To recognise the webhook in the list. At most {WEBHOOK_NAME_MAX_LENGTH} characters.</HelperMessage>}</div>
      </div>
      <div>
        <Label htmlFor="webhook-url">
          URL
          <RequiredAsterisk />
        </Label>
        <Textfield
          id="webhook-url"
          value={state.url}
          onChange={(e) => change({ ...state, url: e.currentTarget.value })}
          isInvalid={errors.url !== undefined || urlCheck.status === 'rejected'}
          aria-describedby="webhook-url-message"
          placeholder="https://hooks.example.com/projectrak"
          autoComplete="off"
          isDisabled={saving}
          testId="webhook-url-input"
        />
        <div id="webhook-url-message" data-testid="webhook-url-message" aria-live="polite">
          <UrlMessage check={urlCheck} error={errors.url} />
        </div>
      </div>
      <div>
        <Label htmlFor="webhook-projects">Projects</Label>
        <Select<Choice<string>, true>
          inputId="webhook-projects"
          isMulti
          options={projectChoices}
          value={chosenProjects}
          onChange={(chosen) => change({ ...state, projectKeys: chosen.map((c) => c.value) })}
          isLoading={options.loading}
          isDisabled={saving}
          isInvalid={errors.projectKeys !== undefined}
          placeholder="Every project"
          aria-describedby="webhook-projects-message"
          testId="webhook-projects-select"
          {...menuAboveModal}
        />
        <div id="webhook-projects-message">
          {errors.projectKeys ? <ErrorMessage>{errors.projectKeys}</ErrorMessage> : <HelperMessage>Optional. Leave empty to send changes of every project.</HelperMessage>}
        </div>
      </div>
      <div>
        <Label htmlFor="webhook-fields">Fields</Label>
        <Select<Choice<number>, true>
          inputId="webhook-fields"
          isMulti
          options={fieldChoices}
          value={chosenFields}
          onChange={(chosen) => change({ ...state, fieldIds: chosen.map((c) => c.value) })}
          isLoading={options.loading}
          isDisabled={saving}
          isInvalid={errors.fieldIds !== undefined}
          placeholder="Every field"
          aria-describedby="webhook-fields-message"
          testId="webhook-fields-select"
          {...menuAboveModal}
        />
        <div id="webhook-fields-message">
          {errors.fieldIds ? (
            <ErrorMessage>{errors.fieldIds}</ErrorMessage>
          ) : (
            <HelperMessage>Optional. Requests then list only these fields, and a save that changes none of them sends nothing.</HelperMessage>
          )}
        </div>
      </div>
      <div>
        <Label htmlFor="webhook-in-flight">Requests in flight</Label>
        <Textfield
          id="webhook-in-flight"
          type="number"
          min={WEBHOOK_IN_FLIGHT.min}
          max={WEBHOOK_IN_FLIGHT.max}
          width="small"
          value={state.maxInFlight}
          onChange={(e) => change({ ...state, maxInFlight: e.currentTarget.value })}
          isInvalid={errors.maxInFlight !== undefined}
          aria-describedby="webhook-in-flight-message"
          isDisabled={saving}
          testId="webhook-in-flight-input"
        />
        <div id="webhook-in-flight-message">
          {errors.maxInFlight ? (
            <ErrorMessage>{errors.maxInFlight}</ErrorMessage>
          ) : (
            <HelperMessage>
              How many requests may be open at once, each for a different project ({WEBHOOK_IN_FLIGHT.min} to {WEBHOOK_IN_FLIGHT.max}). A project&apos;s changes always go one after another, in the order they were saved.
            </HelperMessage>
          )}
        </div>
      </div>
      {options.problem ? <SectionMessage appearance="warning">The project and field lists could not load ({options.problem}). The filters keep what they hold.</SectionMessage> : null}
    </FormModal>
  );
}

/** A form error wins; otherwise the live verdict of the URL policy. */
function UrlMessage({ check, error }: { readonly check: UrlCheck; readonly error: string | undefined }) {
  if (error) return <ErrorMessage>{error}</ErrorMessage>;
  switch (check.status) {
    case 'idle':
      return <HelperMessage>Only secure requests are supported: the URL must start with https://.</HelperMessage>;
    case 'checking':
      return (
        <span style={{ display: 'inline-flex', gap: token('space.075'), alignItems: 'center', color: token('color.text.subtle'), font: token('font.body.small'), marginTop: token('space.050') }}>
          <Spinner size="small" label="Checking the URL" /> Checking the URL…
        </span>
      );
    case 'ok':
      return <ValidMessage>The URL can receive webhooks.</ValidMessage>;
    case 'rejected':
      return <ErrorMessage>{check.message}</ErrorMessage>;
    case 'unknown':
      return <HelperMessage>The URL could not be checked now ({check.message}); it is checked again on Save.</HelperMessage>;
  }
}
