import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition, type ModalDialogProps } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import { useEffect, useRef, type ReactNode } from 'react';
import { Stack } from '../../common/layout';
import { allShownAtFields, withoutNothingSaved } from './form-errors';
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
  /** The fields that show the server's field errors themselves (their keys in `fieldErrors`). */
  readonly fieldsWithErrors?: readonly string[];
  readonly children: ReactNode;
}

/**
 * A create/edit form in a modal: Cancel and submit below, no closing while it saves. After a Save
 * that did not save, the focus moves to the first field marked wrong, or to the refusal above
 * the fields when no field shows it (the refusal is not repeated above when the fields say it).
 */
export function FormModal({ title, width, testId, form, failedTitle, submitLabel, onClose, fieldsWithErrors = [], children }: FormModalProps) {
  const { saving, serverError, submit, failures } = form;
  const formRef = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const atFields = serverError !== null && allShownAtFields(serverError.fieldErrors, fieldsWithErrors);

  useEffect(() => {
    if (failures === 0) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else errorRef.current?.focus();
  }, [failures]);

  return (
    <ModalTransition>
      <Modal onClose={saving ? () => undefined : onClose} width={width} testId={testId} label={title} shouldScrollInViewport>
        <form ref={formRef} onSubmit={(event) => void submit(event)} noValidate aria-label={title}>
          <ModalHeader>
            <ModalTitle>{title}</ModalTitle>
          </ModalHeader>
          <ModalBody>
            <Stack gap="space.200">
              {serverError && !atFields ? (
                <div ref={errorRef} tabIndex={-1} style={{ outline: 'none' }}>
                  <SectionMessage appearance="error" title={failedTitle} testId={`${testId}-error`}>
                    <p>{withoutNothingSaved(serverError.message)}</p>
                  </SectionMessage>
                </div>
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
