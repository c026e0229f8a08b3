import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import PageHeader from '@atlaskit/page-header';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import type { ProjectFieldsView } from '../../src/shared/resolver-contract';
import { Loading, PageError, PageFrame, Stack, Subtle } from '../common/layout';
import { BannerMessage } from './BannerMessage';
import { initialDraft } from './drafts';
import { FieldBlock } from './FieldBlock';
import { FieldEditor } from './FieldEditor';
import { hintFor } from './field-hints';
import { FieldValue } from './FieldValue';
import { useProjectFields, type ProjectFieldsState } from './use-project-fields';

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
        <PageHeader>Projectrak</PageHeader>
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
        <PageHeader>Projectrak</PageHeader>
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
    <div style={{ display: 'flex', alignItems: 'center', gap: token('space.100') }}>
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
  return (
    <PageFrame testId="project-page">
      {/* The title and Save stay in view while the fields scroll. */}
      <div
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 2,
          background: token('elevation.surface'),
          margin: `0 calc(-1 * ${token('space.500')})`,
          padding: `0 ${token('space.500')} ${token('space.100')}`,
        }}
      >
        <PageHeader actions={editing ? <SaveActions state={state} /> : undefined} bottomBar={<Subtle>Project fields of {data.project.name} ({data.project.key})</Subtle>}>
          Projectrak
        </PageHeader>
      </div>
      <Stack gap="space.300" style={{ marginTop: token('space.300') }}>
        {!editing ? (
          <SectionMessage appearance="information" testId="read-only">
            <p>You can view these fields; project admins can edit them.</p>
          </SectionMessage>
        ) : null}
        {state.banner ? <BannerMessage banner={state.banner} reloading={state.reloading} onReload={() => void state.reloadLatest()} /> : null}
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
        {data.fields.map((field) => (
          <FieldBlock
            key={field.id}
            field={field}
            editing={editing}
            changed={changedFields.includes(field)}
            error={errors[String(field.id)]}
            hint={editing ? hintFor(field, drafts[String(field.id)]) : undefined}
          >
            {editing ? (
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
              <FieldValue field={field} value={data.values[String(field.id)]} names={userNames} />
            )}
          </FieldBlock>
        ))}
      </Stack>
    </form>
  );
}
