import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import { lazy, Suspense, useEffect } from 'react';
import { token } from '@atlaskit/tokens';
import type { ProjectFieldsView } from '../../src/shared/resolver-contract';
import { Loading, PageError, PageFrame, Stack, Subtle } from '../common/layout';
import { Notice } from '../common/Notice';
import { isComputed } from '../common/field-types';
import { initialDraft } from './drafts';
import { FieldBlock } from './FieldBlock';
import { FieldEditor, hasPicker, warmPickers } from './FieldEditor';
import { hintFor } from './field-hints';
import { FieldValue } from './FieldValue';
import './project-page.css';
import { useAskBeforeLeaving, useStickyHeader } from './page-behaviour';
import { useProjectFields, type ProjectFieldsState } from './use-project-fields';

// Messages about a save come with the pickers (they use Atlaskit's section message, as the
// pickers use its popups): one chunk, so nothing the two share lands in the page's first script.
const BannerMessage = lazy(() => import('./editing').then((m) => ({ default: m.BannerMessage })));

/**
 * A project's Projectrak page: every project field with an editor for its type, saved together
 * with one Save (one change event), based on the revision the user loaded so nobody's save is
 * overwritten silently. State and actions live in `useProjectFields`.
 */
export function ProjectPage() {
  const state = useProjectFields();
  const { page } = state;

  if (page.status === 'loading') {
    return (
      <PageFrame testId="project-page">
        <Loading label="Loading project fields…" />
      </PageFrame>
    );
  }
  if (page.status === 'no-project') {
    return (
      <PageFrame testId="project-page">
        <h1 className="pp-title" style={{ marginTop: token('space.300') }}>Projectrak</h1>
        <PageError title="No project here" message="Open Projectrak from a project: its fields belong to one project at a time." />
      </PageFrame>
    );
  }
  if (page.status === 'failed') {
    // Retrying cannot help when the project is gone or this user may not see it; anything else
    // (Jira or the app did not answer) may pass, so it offers "Try again".
    const final = page.error.code === 'NOT_FOUND' || page.error.code === 'FORBIDDEN';
    return (
      <PageFrame testId="project-page">
        <h1 className="pp-title" style={{ marginTop: token('space.300') }}>Projectrak</h1>
        {final ? (
          <PageError title={page.error.code === 'NOT_FOUND' ? 'Project not found' : 'No access'} message={page.error.message} />
        ) : (
          <PageError title="The project fields could not be loaded" message={page.error.message} actions={state.projectKey ? <Button onClick={state.retry}>Try again</Button> : undefined} />
        )}
      </PageFrame>
    );
  }
  return <ReadyPage state={state} data={page.view} />;
}

function SaveActions({ state }: { readonly state: ProjectFieldsState }) {
  const { changedFields, saving, discard, save } = state;
  const dirty = changedFields.length > 0;
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'flex-end', gap: token('space.100') }}>
      {dirty ? (
        <Subtle style={{ marginRight: token('space.100') }}>
          <span data-testid="unsaved-count" aria-live="polite">
            {saving ? 'Saving…' : changedFields.length === 1 ? '1 unsaved change' : `${changedFields.length} unsaved changes`}
          </span>
        </Subtle>
      ) : null}
      <Button appearance="subtle" onClick={discard} isDisabled={!dirty || saving} testId="discard-changes">
        Discard changes
      </Button>
      <Button appearance="primary" onClick={() => void save()} isDisabled={!dirty && !saving} isLoading={saving} testId="save-fields">
        Save
      </Button>
    </div>
  );
}

function ReadyPage({ state, data }: { readonly state: ProjectFieldsState; readonly data: ProjectFieldsView }) {
  const editing = data.canEdit;
  const header = useStickyHeader();
  useAskBeforeLeaving(state.changedFields.length > 0);
  return (
    <PageFrame testId="project-page">
      {/* The title and Save stay in view while the fields scroll (project-page.css). */}
      <header className="pp-header" ref={header} data-testid="project-header">
        <div className="pp-header-row">
          <h1 className="pp-title">Projectrak</h1>
          {editing ? (
            <div className="pp-actions">
              <SaveActions state={state} />
            </div>
          ) : null}
        </div>
        <p className="pp-subtitle">
          Project fields of {data.project.name} ({data.project.key})
        </p>
      </header>
      <Stack gap="space.300" style={{ marginTop: token('space.300') }}>
        {!editing ? (
          <Notice appearance="information" testId="read-only">
            <p style={{ margin: 0 }}>You can view these fields; project admins can edit them.</p>
          </Notice>
        ) : null}
        {state.banner ? (
          <Suspense fallback={null}>
            <BannerMessage banner={state.banner} reloading={state.reloading} onReload={() => void state.reloadLatest()} />
          </Suspense>
        ) : null}
        {data.fields.length === 0 ? (
          <EmptyState header="No project fields yet" description="A Jira admin defines project fields in Projectrak Administration; they show here as soon as they exist." headingLevel={2} />
        ) : (
          <FieldsForm state={state} data={data} />
        )}
      </Stack>
    </PageFrame>
  );
}

function FieldsForm({ state, data }: { readonly state: ProjectFieldsState; readonly data: ProjectFieldsView }) {
  const { drafts, errors, saving, reloading, userNames, changedFields } = state;
  const editing = data.canEdit;
  const pickers = editing && data.fields.some(hasPicker);
  // The page is usable with the pickers' stand-ins; their chunk loads once the browser is idle
  // (or when someone reaches one of them first), so the first click on one rarely waits.
  useEffect(() => {
    if (!pickers) return undefined;
    if (typeof window.requestIdleCallback !== 'function') {
      const timer = window.setTimeout(warmPickers, 1000);
      return () => window.clearTimeout(timer);
    }
    const idle = window.requestIdleCallback(warmPickers, { timeout: 3000 });
    return () => window.cancelIdleCallback(idle);
  }, [pickers]);
  return (
    <form
      aria-label={`Project fields of ${data.project.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void state.save();
      }}
      noValidate
      style={{ maxWidth: 720 }}
    >
      <Stack gap="space.300">
        {data.fields.map((field) => {
          // Field values security: on a page this person edits, some fields may be theirs to read only.
          const fieldEditing = editing && (data.editableFieldIds?.includes(field.id) ?? true);
          return (
          <FieldBlock
            key={field.id}
            field={field}
            editing={fieldEditing}
            viewOnly={editing && !fieldEditing && !isComputed(field.type)}
            changed={changedFields.includes(field)}
            error={errors[String(field.id)]}
            hint={fieldEditing || isComputed(field.type) ? hintFor(field, drafts[String(field.id)]) : undefined}
          >
            {fieldEditing && !isComputed(field.type) ? (
              <FieldEditor
                field={field}
                inputId={`field-${field.id}`}
                describedBy={`field-${field.id}-message`}
                draft={drafts[String(field.id)] ?? initialDraft(field, undefined)}
                invalid={errors[String(field.id)] !== undefined}
                disabled={saving || reloading}
                names={userNames}
                onDraft={(draft) => state.setDraft(field, draft)}
                onBlur={() => state.check(field)}
                onUsersFound={state.rememberUsers}
              />
            ) : (
              <FieldValue field={field} value={data.values[String(field.id)]} names={userNames} kind={data.formulaKinds?.[String(field.id)]} />
            )}
          </FieldBlock>
          );
        })}
      </Stack>
    </form>
  );
}
