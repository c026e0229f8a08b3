import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import PageHeader from '@atlaskit/page-header';
import { token } from '@atlaskit/tokens';
import { Suspense, useState } from 'react';
import type { FieldDefinitionDto } from '../../../src/shared/resolver-contract';
import { describeAudience } from '../../../src/shared/field-audience-words';
import { FIELD_TYPE_LABELS, hasOptions, isComputed } from '../../common/field-types';
import { Inline, Loading, PageError, Subtle } from '../../common/layout';
import { OptionLozenge } from '../../common/OptionLozenge';
import { ChunkBoundary, chunk, lazyFrom } from '../../common/lazy-chunk';
import { useResolverQuery } from '../../common/use-resolver-query';
import { FieldCleanups } from './FieldCleanups';
import { useFieldCleanups } from './use-field-cleanups';
import { DataTable } from '../common/DataTable';

// The dialogs (the field form with its selects and options editor) are a chunk of their own,
// loaded once the pointer or the focus comes into the page.
const dialogsChunk = chunk(() => Promise.all([import('./FieldFormModal'), import('./DeleteFieldModal')]));
const FieldFormModal = lazyFrom(dialogsChunk, ([m]) => m.FieldFormModal);
const DeleteFieldModal = lazyFrom(dialogsChunk, ([, m]) => m.DeleteFieldModal);

type Dialog = { readonly kind: 'create' } | { readonly kind: 'edit'; readonly field: FieldDefinitionDto } | { readonly kind: 'delete'; readonly field: FieldDefinitionDto } | null;

const HEAD = {
  cells: [
    { key: 'name', content: 'Name', width: 28 },
    { key: 'type', content: 'Type', width: 16 },
    { key: 'options', content: 'Options', width: 34 },
    { key: 'decimals', content: 'Decimals', width: 8 },
    { key: 'actions', content: <span className="visually-hidden">Actions</span>, width: 14 },
  ],
};

/** The field catalog: every project gets these fields on its Projectrak page. */
export function FieldsPage() {
  const query = useResolverQuery('listFieldDefinitions', undefined);
  const { state: list, reload: load } = query;
  const [dialog, setDialog] = useState<Dialog>(null);
  const { cleanups, noteDeleted } = useFieldCleanups();

  const fields: readonly FieldDefinitionDto[] = query.value?.fields ?? [];
  const closeAndReload = () => {
    setDialog(null);
    void load(true);
  };

  const header = (
    <PageHeader
      breadcrumbs={<Subtle>Projectrak Administration</Subtle>}
      actions={
        list.status === 'ready' ? (
          <Button appearance="primary" onClick={() => setDialog({ kind: 'create' })} testId="create-field">
            Create field
          </Button>
        ) : undefined
      }
    >
      Project fields
    </PageHeader>
  );

  return (
    <section aria-label="Project fields" data-testid="fields-page" onPointerMove={dialogsChunk.warm} onFocus={dialogsChunk.warm}>
      {header}
      <p style={{ margin: `0 0 ${token('space.200')}`, color: token('color.text.subtle'), maxWidth: 720 }}>
        Every project shows these fields on its Projectrak page. Project admins fill them in; each save is sent to your outgoing webhooks as one change.
      </p>
      <FieldCleanups cleanups={cleanups} />
      {list.status === 'loading' ? <Loading label="Loading fields…" /> : null}
      {list.status === 'failed' ? <PageError title="The fields could not be loaded" message={list.error.message} actions={<Button onClick={() => void load()}>Try again</Button>} /> : null}
      {list.status === 'ready' && fields.length === 0 ? (
        // No table without rows: column headers over nothing say nothing.
        <EmptyState
          header="No project fields yet"
          description="Create the fields your projects should track, such as Status, Budget or Owner."
          headingLevel={2}
          primaryAction={
            <Button appearance="primary" onClick={() => setDialog({ kind: 'create' })}>
              Create field
            </Button>
          }
        />
      ) : null}
      {list.status === 'ready' && fields.length > 0 ? (
        <DataTable
          testId="fields-table"
          caption={<span className="visually-hidden">Project fields</span>}
          head={HEAD}
          rows={fields.map((field) => ({
            key: String(field.id),
            testId: `field-row-${field.id}`,
            cells: [
              {
                key: 'name',
                content: (
                  <div style={{ padding: `${token('space.075')} 0` }}>
                    <div style={{ font: token('font.body'), fontWeight: token('font.weight.semibold') }} data-testid="field-name">
                      {field.name}
                    </div>
                    {field.description ? <Subtle style={{ font: token('font.body.small') }}>{field.description}</Subtle> : null}
                    {field.access ? (
                      <Subtle style={{ font: token('font.body.small') }}>
                        <span data-testid="field-access-summary">
                          Seen by: {describeAudience(field.access.view)}
                          {isComputed(field.type) ? '' : ` · Edited by: ${describeAudience(field.access.edit)}`}
                        </span>
                      </Subtle>
                    ) : null}
                  </div>
                ),
              },
              { key: 'type', content: FIELD_TYPE_LABELS[field.type] },
              {
                key: 'options',
                content: hasOptions(field.type) ? (
                  <Inline gap="space.050">
                    {(field.options ?? []).map((option) => (
                      <OptionLozenge key={option.id} name={option.name} colour={option.colour} disabled={!option.enabled} />
                    ))}
                  </Inline>
                ) : field.type === 'formula' ? (
                  <code data-testid="field-expression">{field.expression}</code>
                ) : (
                  <Subtle>—</Subtle>
                ),
              },
              { key: 'decimals', content: field.type === 'number' || field.type === 'formula' ? String(field.decimals ?? 0) : <Subtle>—</Subtle> },
              {
                key: 'actions',
                content: (
                  <Inline gap="space.050" wrap={false} style={{ justifyContent: 'flex-end' }}>
                    <Button appearance="subtle" spacing="compact" onClick={() => setDialog({ kind: 'edit', field })} aria-label={`Edit ${field.name}`} testId={`edit-field-${field.id}`}>
                      Edit
                    </Button>
                    <Button appearance="subtle" spacing="compact" onClick={() => setDialog({ kind: 'delete', field })} aria-label={`Delete ${field.name}`} testId={`delete-field-${field.id}`}>
                      Delete
                    </Button>
                  </Inline>
                ),
              },
            ],
          }))}
        />
      ) : null}
      <ChunkBoundary>
        <Suspense fallback={null}>
          {dialog?.kind === 'create' ? <FieldFormModal otherNames={fields.map((f) => f.name)} onClose={() => setDialog(null)} onSaved={closeAndReload} /> : null}
          {dialog?.kind === 'edit' ? (
            <FieldFormModal field={dialog.field} otherNames={fields.filter((f) => f.id !== dialog.field.id).map((f) => f.name)} onClose={() => setDialog(null)} onSaved={closeAndReload} />
          ) : null}
          {dialog?.kind === 'delete' ? (
            <DeleteFieldModal
              field={dialog.field}
              onClose={() => setDialog(null)}
              onDeleted={(projectsWithValues) => {
                noteDeleted(dialog.field, projectsWithValues);
                closeAndReload();
              }}
            />
          ) : null}
        </Suspense>
      </ChunkBoundary>
    </section>
  );
}
