import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Lozenge from '@atlaskit/lozenge';
import PageHeader from '@atlaskit/page-header';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import { view } from '@forge/bridge';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { FieldDefinitionDto, ProjectFieldsView, UserDto } from '../../src/shared/resolver-contract';
import { call, type CallError } from '../common/api';
import { flag } from '../common/flags';
import { Loading, PageError, PageFrame, Stack, Subtle } from '../common/layout';
import { DURATION_HINT, formatNumber, parseNumber } from '../common/values';
import { initialDraft, isChanged, parseDraft, planSave, rebaseDrafts, type Draft } from './drafts';
import { FieldEditor } from './FieldEditor';
import { FieldValue } from './FieldValue';

type PageState =
  | { readonly status: 'loading' }
  | { readonly status: 'no-project' }
  | { readonly status: 'failed'; readonly error: CallError }
  | { readonly status: 'ready'; readonly view: ProjectFieldsView };

type Banner =
  | { readonly kind: 'stale' }
  | { readonly kind: 'rebased'; readonly kept: readonly string[]; readonly dropped: readonly string[] }
  | { readonly kind: 'not-saved'; readonly message: string };

const fieldsWord = (n: number) => (n === 1 ? '1 field' : `${n} fields`);
const names = (list: readonly string[]) => list.join(', ');

/** Account ids held by user fields, whose display names the page needs. */
function accountIdsIn(view: ProjectFieldsView): string[] {
  const ids = new Set<string>();
  for (const field of view.fields) {
    if (field.type !== 'user' && field.type !== 'multiuser') continue;
    const value = view.values[String(field.id)];
    for (const id of Array.isArray(value) ? value : [value]) if (typeof id === 'string' && id !== '') ids.add(id);
  }
  return [...ids];
}

function draftsFor(view: ProjectFieldsView): Record<string, Draft> {
  return Object.fromEntries(view.fields.map((f) => [String(f.id), initialDraft(f, view.values[String(f.id)])]));
}

/** Guidance under an editor, by type; the field's own description comes first. */
function hintFor(field: FieldDefinitionDto, draft: Draft | undefined): string | undefined {
  switch (field.type) {
    case 'number': {
      const decimals = field.decimals ?? 0;
      const parsed = draft?.kind === 'text' ? parseNumber(draft.text, decimals) : null;
      const formatted = parsed?.ok && parsed.value !== null ? formatNumber(parsed.value, decimals) : null;
      // Only worth saying when it reads differently from what is typed (grouping, decimals).
      const shown = formatted !== null && draft?.kind === 'text' && formatted !== draft.text.trim() ? ` Shown as ${formatted}.` : '';
      return `${decimals === 0 ? 'A whole number.' : `Up to ${decimals} decimal place${decimals === 1 ? '' : 's'}.`}${shown}`;
    }
    case 'duration':
      return DURATION_HINT;
    case 'date':
      return 'A date as yyyy-mm-dd.';
    default:
      return undefined;
  }
}

/**
 * A project's Projectrak page: every project field with an editor for its type, saved together
 * with one Save (one change event), based on the revision the user loaded so nobody's save is
 * overwritten silently.
 */
export function ProjectPage() {
  const [projectKey, setProjectKey] = useState<string | null>(null);
  const [page, setPage] = useState<PageState>({ status: 'loading' });
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [reloading, setReloading] = useState(false);
  const [banner, setBanner] = useState<Banner | null>(null);
  const [userNames, setUserNames] = useState<ReadonlyMap<string, string>>(new Map());

  const rememberUsers = useCallback((users: readonly UserDto[]) => {
    if (users.length === 0) return;
    setUserNames((known) => {
      const next = new Map(known);
      for (const user of users) next.set(user.accountId, user.displayName);
      return next;
    });
  }, []);

  /** The project's fields and values, with the names of the people they mention. */
  const fetchView = useCallback(
    async (key: string): Promise<{ ok: true; view: ProjectFieldsView } | { ok: false; error: CallError }> => {
      const result = await call('getProjectFields', { projectKey: key });
      if (!result.ok) return { ok: false, error: result.error };
      const accountIds = accountIdsIn(result.value);
      if (accountIds.length > 0) {
        const users = await call('getUsers', { accountIds });
        if (users.ok) rememberUsers(users.value.users);
      }
      return { ok: true, view: result.value };
    },
    [rememberUsers],
  );

  const load = useCallback(
    async (key: string) => {
      setPage({ status: 'loading' });
      const result = await fetchView(key);
      if (!result.ok) {
        setPage({ status: 'failed', error: result.error });
        return;
      }
      setPage({ status: 'ready', view: result.view });
      setDrafts(draftsFor(result.view));
      setErrors({});
    },
    [fetchView],
  );

  useEffect(() => {
    let cancelled = false;
    view
      .getContext()
      .then((context) => {
        if (cancelled) return;
        const key: unknown = context.extension?.project?.key;
        if (typeof key !== 'string' || key === '') {
          setPage({ status: 'no-project' });
          return;
        }
        setProjectKey(key);
        void load(key);
      })
      .catch(() => {
        if (!cancelled) setPage({ status: 'no-project' });
      });
    return () => {
      cancelled = true;
    };
  }, [load]);

  const ready = page.status === 'ready' ? page.view : null;
  const changedFields = useMemo(
    () => (ready ? ready.fields.filter((f) => { const d = drafts[String(f.id)]; return d !== undefined && isChanged(f, ready.values[String(f.id)], d); }) : []),
    [ready, drafts],
  );

  const setDraft = (field: FieldDefinitionDto, draft: Draft) => {
    const key = String(field.id);
    setDrafts((current) => ({ ...current, [key]: draft }));
    // A message about this field was about the old value; check the new one when it is shown.
    if (errors[key] !== undefined) {
      const parsed = parseDraft(field, draft);
      setErrors((current) => {
        const next = { ...current };
        if (parsed.ok) delete next[key];
        else next[key] = parsed.message;
        return next;
      });
    }
  };

  const check = (field: FieldDefinitionDto) => {
    const key = String(field.id);
    const draft = drafts[key];
    if (!ready || !draft || !isChanged(field, ready.values[key], draft)) {
      setErrors((current) => {
        if (current[key] === undefined) return current;
        const next = { ...current };
        delete next[key];
        return next;
      });
      return;
    }
    const parsed = parseDraft(field, draft);
    setErrors((current) => {
      const next = { ...current };
      if (parsed.ok) delete next[key];
      else next[key] = parsed.message;
      return next;
    });
  };

  const discard = () => {
    if (!ready) return;
    setDrafts(draftsFor(ready));
    setErrors({});
    setBanner(null);
  };

  const save = async () => {
    if (!ready || !projectKey || saving) return;
    const plan = planSave(ready.fields, ready.values, drafts);
    if (Object.keys(plan.errors).length > 0) {
      setErrors(plan.errors);
      const count = Object.keys(plan.errors).length;
      setBanner({ kind: 'not-saved', message: `Nothing was saved: ${count === 1 ? 'one field needs' : `${count} fields need`} a fix first. See the messages under the fields.` });
      return;
    }
    if (Object.keys(plan.values).length === 0) return;
    setSaving(true);
    setBanner(null);
    const result = await call('saveProjectFields', { projectKey, baseRevision: ready.revision, values: plan.values });
    if (result.ok) {
      const changed = result.value.changedFieldIds.length;
      const refreshed = await fetchView(projectKey);
      setSaving(false);
      if (changed === 0) flag('info', 'Nothing to save', 'Those values were already saved.');
      else flag('success', `Saved ${fieldsWord(changed)}`, `Webhooks will be told about the change to ${ready.project.name}.`);
      if (refreshed.ok) {
        setPage({ status: 'ready', view: refreshed.view });
        setDrafts(draftsFor(refreshed.view));
        setErrors({});
      } else {
        setPage({ status: 'failed', error: refreshed.error });
      }
      return;
    }
    setSaving(false);
    const { error } = result;
    if (error.code === 'STALE_REVISION') {
      setBanner({ kind: 'stale' });
    } else if (error.code === 'INVALID_INPUT' && error.fieldErrors && Object.keys(error.fieldErrors).length > 0) {
      setErrors({ ...error.fieldErrors });
      setBanner({ kind: 'not-saved', message: error.message });
    } else {
      setBanner({ kind: 'not-saved', message: error.message });
      if (error.code === 'CALL_FAILED') flag('error', 'The fields were not saved', error.message);
    }
  };

  /** After a stale save: the latest values, keeping the user's edits wherever nobody else changed the field. */
  const reloadLatest = async () => {
    if (!ready || !projectKey) return;
    setReloading(true);
    const result = await fetchView(projectKey);
    setReloading(false);
    if (!result.ok) {
      setBanner({ kind: 'not-saved', message: result.error.message });
      return;
    }
    const rebased = rebaseDrafts(result.view.fields, ready.values, result.view.values, drafts);
    setPage({ status: 'ready', view: result.view });
    setDrafts(rebased.drafts);
    setErrors({});
    setBanner(rebased.kept.length > 0 || rebased.dropped.length > 0 ? { kind: 'rebased', kept: rebased.kept, dropped: rebased.dropped } : null);
  };

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
  if (page.status === 'failed' && (page.error.code === 'NOT_FOUND' || page.error.code === 'FORBIDDEN')) {
    // Retrying cannot help here: the project is gone, or this user may not see it.
    return (
      <PageFrame testId="project-page">
        <PageHeader>Projectrak</PageHeader>
        <PageError title={page.error.code === 'NOT_FOUND' ? 'Project not found' : 'No access'} message={page.error.message} />
      </PageFrame>
    );
  }
  if (page.status === 'failed') {
    return (
      <PageFrame testId="project-page">
        <PageHeader>Projectrak</PageHeader>
        <PageError title="The project fields could not be loaded" message={page.error.message} actions={projectKey ? <Button onClick={() => void load(projectKey)}>Try again</Button> : undefined} />
      </PageFrame>
    );
  }

  const { view: data } = page;
  const editing = data.canEdit;
  const dirty = changedFields.length > 0;

  const actions = editing ? (
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
  ) : undefined;

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
        <PageHeader actions={actions} bottomBar={<Subtle>Project fields of {data.project.name} ({data.project.key})</Subtle>}>
          Projectrak
        </PageHeader>
      </div>
      <Stack gap="space.300" style={{ marginTop: token('space.300') }}>
        {!editing ? (
          <SectionMessage appearance="information" testId="read-only">
            <p>You can view these fields; project admins can edit them.</p>
          </SectionMessage>
        ) : null}
        {banner ? <BannerMessage banner={banner} reloading={reloading} onReload={() => void reloadLatest()} /> : null}
        {data.fields.length === 0 ? (
          <EmptyState header="No project fields yet" description="A Jira admin defines project fields in Projectrak Administration; they show here as soon as they exist." headingLevel={2} />
        ) : (
          <form
            aria-label={`Project fields of ${data.project.name}`}
            onSubmit={(event) => {
              event.preventDefault();
              void save();
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
                      onDraft={(draft) => setDraft(field, draft)}
                      onBlur={() => check(field)}
                      onUsersFound={rememberUsers}
                    />
                  ) : (
                    <FieldValue field={field} value={data.values[String(field.id)]} names={userNames} />
                  )}
                </FieldBlock>
              ))}
            </Stack>
          </form>
        )}
      </Stack>
    </PageFrame>
  );
}

function FieldBlock({ field, editing, changed, error, hint, children }: { readonly field: FieldDefinitionDto; readonly editing: boolean; readonly changed: boolean; readonly error: string | undefined; readonly hint: string | undefined; readonly children: ReactNode }) {
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
      </div>
      <div style={{ marginTop: token('space.050') }}>{children}</div>
      <div id={messageId}>
        {error ? (
          <ErrorMessage testId={`${id}-error`}>{error}</ErrorMessage>
        ) : editing && (field.description || hint) ? (
          <HelperMessage>{[field.description, hint].filter(Boolean).join(' ')}</HelperMessage>
        ) : !editing && field.description ? (
          <div style={{ marginTop: token('space.050') }}>
            <Subtle style={{ font: token('font.body.small') }}>{field.description}</Subtle>
          </div>
        ) : null}
      </div>
    </div>
  );
}

function BannerMessage({ banner, reloading, onReload }: { readonly banner: Banner; readonly reloading: boolean; readonly onReload: () => void }) {
  switch (banner.kind) {
    case 'stale':
      return (
        <SectionMessage
          appearance="warning"
          title="Someone else saved these fields while you were editing"
          testId="stale-message"
          actions={<SectionMessageAction onClick={reloading ? undefined : onReload}>{reloading ? 'Loading their changes…' : 'Load their changes'}</SectionMessageAction>}
        >
          <p>Nothing was saved, so their changes are not overwritten. Your edits are still on this page: load their changes, check the fields, then save again. Edits to fields they did not change are kept.</p>
        </SectionMessage>
      );
    case 'rebased':
      return (
        <SectionMessage appearance="information" title="These are the latest values" testId="rebased-message">
          {banner.kept.length > 0 ? <p>Your unsaved edits to {names(banner.kept)} are kept: save when ready.</p> : null}
          {banner.dropped.length > 0 ? <p>Someone else changed {names(banner.dropped)}, so your edits there were replaced by their values.</p> : null}
        </SectionMessage>
      );
    case 'not-saved':
      return (
        <SectionMessage appearance="error" title="Nothing was saved" testId="save-error">
          <p>{banner.message}</p>
        </SectionMessage>
      );
  }
}
