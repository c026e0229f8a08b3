import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import type { FieldDefinitionDto } from '../../../src/shared/resolver-contract';
import { call, type CallError } from '../../common/api';
import { flag } from '../../common/flags';
import { Loading } from '../../common/layout';
import { useResolverQuery } from '../../common/use-resolver-query';

const projects = (n: number) => (n === 1 ? '1 project' : `${n} projects`);

/** What deleting does to stored values, said before it happens. */
export function usageSentence(fieldName: string, projectsWithValues: number): string {
  if (projectsWithValues === 0) return `No project has a value for ${fieldName} yet, so no values are lost.`;
  const have = projectsWithValues === 1 ? 'has' : 'have';
  return `${projects(projectsWithValues)} ${have} a value for ${fieldName}. Deleting the field removes those values for good; webhooks are not notified of the removal.`;
}

export function DeleteFieldModal({ field, onClose, onDeleted }: { readonly field: FieldDefinitionDto; readonly onClose: () => void; readonly onDeleted: (projectsWithValues: number) => void }) {
  const { state: usage } = useResolverQuery('countFieldUsage', { id: field.id });
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<CallError | null>(null);

  const remove = async () => {
    setDeleting(true);
    setDeleteError(null);
    const result = await call('deleteField', { id: field.id });
    setDeleting(false);
    if (!result.ok) {
      setDeleteError(result.error);
      if (result.error.code === 'CALL_FAILED') flag('error', `${field.name} was not deleted`, result.error.message);
      return;
    }
    const removed = result.value.projectsWithValues;
    // The values go in the background (the fields page shows the progress); reads ignore them already.
    flag('success', `Deleted ${field.name}`, removed > 0 ? `Its values are being removed from ${projects(removed)}.` : undefined);
    onDeleted(removed);
  };

  return (
    <ModalTransition>
      <Modal onClose={deleting ? () => undefined : onClose} width="small" testId="delete-field" label={`Delete ${field.name}`}>
        <ModalHeader>
          <ModalTitle appearance="danger">Delete {field.name}?</ModalTitle>
        </ModalHeader>
        <ModalBody>
          {usage.status === 'loading' ? <Loading label="Checking which projects use it…" /> : null}
          {usage.status === 'ready' ? (
            <p data-testid="delete-field-usage" style={{ marginTop: 0 }}>
              {usageSentence(field.name, usage.value.projectsWithValues)}
            </p>
          ) : null}
          {usage.status === 'failed' ? (
            <p style={{ marginTop: 0 }}>
              Projectrak could not count the projects that have a value for {field.name} ({usage.error.message}). Deleting the field removes every value it holds, for good; webhooks are not notified of the removal.
            </p>
          ) : null}
          <p style={{ color: token('color.text.subtle') }}>The field disappears from every project&apos;s Projectrak page. Its id is never reused.</p>
          {deleteError ? (
            <div style={{ marginTop: token('space.200') }}>
              <SectionMessage appearance="error" title="The field was not deleted" testId="delete-field-error">
                <p>{deleteError.message}</p>
              </SectionMessage>
            </div>
          ) : null}
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose} isDisabled={deleting}>
            Cancel
          </Button>
          <Button appearance="danger" onClick={() => void remove()} isLoading={deleting} isDisabled={usage.status === 'loading'} testId="delete-field-confirm">
            Delete field
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
