import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition, type ModalDialogProps } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import type { ReactNode } from 'react';
import { Stack } from '../../common/layout';
import type { FormSave } from './use-form-save';

export interface FormModalProps {
  readonly title: string;
  readonly width: ModalDialogProps['width'];
  /** Also the prefix of the error's (`-error`) and the submit button's (`-submit`) test ids. */
  readonly testId: string;
  /** The form's Save, from `useFormSave`. */
  readonly form: FormSave;
  /** Title of the refusal shown above the fields. */
  readonly failedTitle: string;
  readonly submitLabel: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
}

/** A create/edit form in a modal: the server's refusal above the fields, Cancel and submit below; no closing while it saves. */
export function FormModal({ title, width, testId, form, failedTitle, submitLabel, onClose, children }: FormModalProps) {
  const { saving, serverError, submit } = form;
  return (
    <ModalTransition>
      <Modal onClose={saving ? () => undefined : onClose} width={width} testId={testId} label={title} shouldScrollInViewport>
        <form onSubmit={(event) => void submit(event)} noValidate aria-label={title}>
          <ModalHeader>
            <ModalTitle>{title}</ModalTitle>
          </ModalHeader>
          <ModalBody>
            <Stack gap="space.200">
              {serverError ? (
                <SectionMessage appearance="error" title={failedTitle} testId={`${testId}-error`}>
                  <p>{serverError.message}</p>
                </SectionMessage>
              ) : null}
              {children}
            </Stack>
          </ModalBody>
          <ModalFooter>
            <Button appearance="subtle" onClick={onClose} isDisabled={saving}>
              Cancel
            </Button>
            <Button appearance="primary" type="submit" isLoading={saving} testId={`${testId}-submit`}>
              {submitLabel}
            </Button>
          </ModalFooter>
        </form>
      </Modal>
    </ModalTransition>
  );
}
