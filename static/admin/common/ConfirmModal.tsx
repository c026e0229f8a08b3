import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import { useState, type ReactNode } from 'react';
import type { CallError } from '../../common/api';

export interface ConfirmModalProps {
  readonly title: string;
  readonly confirmLabel: string;
  readonly appearance?: 'primary' | 'danger' | 'warning';
  readonly children: ReactNode;
  readonly testId: string;
  /** Runs the action; an error keeps the dialog open and shows it. */
  readonly onConfirm: () => Promise<CallError | null>;
  readonly onClose: () => void;
  /** A second, optional action (e.g. "Enable and resend"), run the same way. */
  readonly secondary?: { readonly label: string; readonly run: () => Promise<CallError | null> };
  /** False when a success opens the next dialog itself (which replaces this one). */
  readonly closeOnSuccess?: boolean;
}

/** A yes/no question before a change that cannot be undone, with progress and the error shown in place. */
export function ConfirmModal({ title, confirmLabel, appearance = 'primary', children, testId, onConfirm, onClose, secondary, closeOnSuccess = true }: ConfirmModalProps) {
  const [running, setRunning] = useState<'confirm' | 'secondary' | null>(null);
  const [error, setError] = useState<CallError | null>(null);

  const run = async (which: 'confirm' | 'secondary', action: () => Promise<CallError | null>) => {
    setRunning(which);
    setError(null);
    const failed = await action();
    setRunning(null);
    if (failed) setError(failed);
    else if (closeOnSuccess) onClose();
  };

  return (
    <ModalTransition>
      <Modal onClose={running ? () => undefined : onClose} width="small" testId={testId} label={title}>
        <ModalHeader>
          <ModalTitle appearance={appearance === 'primary' ? undefined : appearance}>{title}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          {children}
          {error ? (
            <div style={{ marginTop: token('space.200') }}>
              <SectionMessage appearance="error" title="That did not work" testId={`${testId}-error`}>
                <p>{error.message}</p>
              </SectionMessage>
            </div>
          ) : null}
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose} isDisabled={running !== null}>
            Cancel
          </Button>
          {secondary ? (
            <Button onClick={() => void run('secondary', secondary.run)} isLoading={running === 'secondary'} isDisabled={running === 'confirm'} testId={`${testId}-secondary`}>
              {secondary.label}
            </Button>
          ) : null}
          <Button appearance={appearance} onClick={() => void run('confirm', onConfirm)} isLoading={running === 'confirm'} isDisabled={running === 'secondary'} testId={`${testId}-confirm`}>
            {confirmLabel}
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
