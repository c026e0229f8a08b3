import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { ReactNode } from 'react';
import type { FieldDefinitionDto } from '../../src/shared/resolver-contract';
import { isComputed } from '../common/field-types';
import { Subtle } from '../common/layout';

/** One field on the page: its label, an "Unsaved" mark, its editor or value, and its message or help. */
export function FieldBlock({
  field,
  editing: pageEditing,
  viewOnly = false,
  changed,
  error,
  hint,
  children,
}: {
  readonly field: FieldDefinitionDto;
  readonly editing: boolean;
  /** On a page the person edits, a field that is theirs to read only (field values security). */
  readonly viewOnly?: boolean;
  readonly changed: boolean;
  readonly error: string | undefined;
  readonly hint: string | undefined;
  readonly children: ReactNode;
}) {
  // Formulas and automatic fields are read-only for everyone: a label for reading, their hint kept.
  const computed = isComputed(field.type);
  const editing = pageEditing && !computed;
  const id = `field-${field.id}`;
  const messageId = `${id}-message`;
  return (
    <div data-testid={`field-${field.id}`} data-field-name={field.name}>
      <div style={{ display: 'flex', alignItems: 'center', gap: token('space.100'), minHeight: 20 }}>
        {editing ? (
          <Label htmlFor={id} id={`${id}-label`}>
            {field.name}
          </Label>
        ) : (
          <span id={`${id}-label`} style={{ font: token('font.body.small'), fontWeight: token('font.weight.semibold'), color: token('color.text.subtle') }}>
            {field.name}
          </span>
        )}
        {changed ? <Lozenge appearance="inprogress">Unsaved</Lozenge> : null}
        {computed ? <Lozenge testId={`${id}-read-only`}>{field.type === 'formula' ? 'Calculated' : 'Automatic'}</Lozenge> : null}
        {viewOnly ? <Lozenge testId={`${id}-view-only`}>View only</Lozenge> : null}
      </div>
      <div style={{ marginTop: token('space.050') }}>{children}</div>
      <div id={messageId}>
        {error ? (
          <ErrorMessage testId={`${id}-error`}>{error}</ErrorMessage>
        ) : editing && (field.description || hint) ? (
          <HelperMessage>{[field.description, hint].filter(Boolean).join(' ')}</HelperMessage>
        ) : computed && (field.description || hint) ? (
          <div style={{ marginTop: token('space.050') }}>
            <Subtle style={{ font: token('font.body.small') }}>{[field.description, hint].filter(Boolean).join(' ')}</Subtle>
          </div>
        ) : !editing && field.description ? (
          <div style={{ marginTop: token('space.050') }}>
            <Subtle style={{ font: token('font.body.small') }}>{field.description}</Subtle>
          </div>
        ) : null}
      </div>
    </div>
  );
}
