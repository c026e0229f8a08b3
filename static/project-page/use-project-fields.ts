import { view } from '@forge/bridge';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FieldDefinitionDto, ProjectFieldsView, UserDto } from '../../src/shared/resolver-contract';
import { call, type CallError } from '../common/api';
import { flag } from '../common/flags';
import { checkedErrors, initialDraft, isChanged, planSave, rebaseDrafts, type Draft } from './drafts';

export type PageState =
  | { readonly status: 'loading' }
  | { readonly status: 'no-project' }
  | { readonly status: 'failed'; readonly error: CallError }
  | { readonly status: 'ready'; readonly view: ProjectFieldsView };

export type Banner =
  | { readonly kind: 'stale' }
  | { readonly kind: 'rebased'; readonly kept: readonly string[]; readonly dropped: readonly string[] }
  | { readonly kind: 'not-saved'; readonly message: string };

/** What the user is editing on a loaded page: drafts per field id, messages per field id, one banner. */
interface Editing {
  readonly drafts: Readonly<Record<string, Draft>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly banner: Banner | null;
}

const fieldsWord = (n: number) => (n === 1 ? '1 field' : `${n} fields`);

/** A fresh start on `view`: every draft its stored value, no messages. */
const editingOf = (view: ProjectFieldsView, banner: Banner | null = null): Editing => ({
  drafts: Object.fromEntries(view.fields.map((f) => [String(f.id), initialDraft(f, view.values[String(f.id)])])),
  errors: {},
  banner,
});

const EMPTY: Editing = { drafts: {}, errors: {}, banner: null };

/**
 * The project page's state and actions: load the project of the page's context, edit drafts,
 * check them, save them together (one change event) based on the loaded revision, and recover
 * from a stale save by loading the latest values while keeping the user's other edits.
 */
export function useProjectFields() {
  const [projectKey, setProjectKey] = useState<string | null>(null);
  const [page, setPage] = useState<PageState>({ status: 'loading' });
  const [editing, setEditing] = useState<Editing>(EMPTY);
  const [busy, setBusy] = useState<'idle' | 'saving' | 'reloading'>('idle');
  const [userNames, setUserNames] = useState<ReadonlyMap<string, string>>(new Map());

  const rememberUsers = useCallback((users: readonly UserDto[]) => {
    if (users.length === 0) return;
    setUserNames((known) => {
      const next = new Map(known);
      for (const user of users) next.set(user.accountId, user.displayName);
      return next;
    });
  }, []);

  /** The project's fields and values, with the names of the people they mention (one answer). */
  const fetchView = useCallback(
    async (key: string): Promise<{ ok: true; view: ProjectFieldsView } | { ok: false; error: CallError }> => {
      const result = await call('getProjectFields', { projectKey: key });
      if (!result.ok) return { ok: false, error: result.error };
      const { users, ...view } = result.value;
      rememberUsers(users);
      return { ok: true, view };
    },
    [rememberUsers],
  );

  /** Shows a loaded view, or the failure to load it. */
  const show = useCallback((result: Awaited<ReturnType<typeof fetchView>>) => {
    if (!result.ok) {
      setPage({ status: 'failed', error: result.error });
      return;
    }
    setPage({ status: 'ready', view: result.view });
    setEditing(editingOf(result.view));
  }, []);

  const load = useCallback(
    async (key: string) => {
      setPage({ status: 'loading' });
      show(await fetchView(key));
    },
    [fetchView, show],
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
  const { drafts } = editing;
  const changedFields = useMemo(
    () => (ready ? ready.fields.filter((f) => { const d = drafts[String(f.id)]; return d !== undefined && isChanged(f, ready.values[String(f.id)], d); }) : []),
    [ready, drafts],
  );

  const setDraft = (field: FieldDefinitionDto, draft: Draft) => {
    const key = String(field.id);
    // A message about this field was about the old value: check the new one while it is shown.
    setEditing((current) => ({ ...current, drafts: { ...current.drafts, [key]: draft }, errors: current.errors[key] === undefined ? current.errors : checkedErrors(current.errors, field, draft) }));
  };

  /** Checks one field when the user leaves it; an unchanged field has nothing to say. */
  const check = (field: FieldDefinitionDto) => {
    const key = String(field.id);
    setEditing((current) => {
      const draft = current.drafts[key] ?? initialDraft(field, undefined);
      const unchanged = !ready || !isChanged(field, ready.values[key], draft);
      return { ...current, errors: checkedErrors(current.errors, field, draft, unchanged) };
    });
  };

  const discard = () => {
    if (ready) setEditing(editingOf(ready));
  };

  const setBanner = (banner: Banner | null) => setEditing((current) => ({ ...current, banner }));

  const save = async () => {
    if (!ready || !projectKey || busy !== 'idle') return;
    const plan = planSave(ready.fields, ready.values, drafts);
    const problems = Object.keys(plan.errors).length;
    if (problems > 0) {
      setEditing((current) => ({
        ...current,
        errors: plan.errors,
        banner: { kind: 'not-saved', message: `Nothing was saved: ${problems === 1 ? 'one field needs' : `${problems} fields need`} a fix first. See the messages under the fields.` },
      }));
      return;
    }
    if (Object.keys(plan.values).length === 0) return;
    setBusy('saving');
    setBanner(null);
    const result = await call('saveProjectFields', { projectKey, baseRevision: ready.revision, values: plan.values });
    if (result.ok) {
      const changed = result.value.changedFieldIds.length;
      const refreshed = await fetchView(projectKey);
      setBusy('idle');
      if (changed === 0) flag('info', 'Nothing to save', 'Those values were already saved.');
      else flag('success', `Saved ${fieldsWord(changed)}`, `${ready.project.name} is at revision ${result.value.revision}; webhooks that follow its fields are sent the change.`);
      show(refreshed);
      return;
    }
    setBusy('idle');
    const { error } = result;
    if (error.code === 'STALE_REVISION') {
      setBanner({ kind: 'stale' });
    } else if (error.code === 'INVALID_INPUT' && error.fieldErrors && Object.keys(error.fieldErrors).length > 0) {
      setEditing((current) => ({ ...current, errors: { ...error.fieldErrors }, banner: { kind: 'not-saved', message: error.message } }));
    } else {
      setBanner({ kind: 'not-saved', message: error.message });
      if (error.code === 'CALL_FAILED' || error.code === 'UNAVAILABLE') flag('error', 'The fields were not saved', error.message);
    }
  };

  /** After a stale save: the latest values, keeping the user's edits wherever nobody else changed the field. */
  const reloadLatest = async () => {
    if (!ready || !projectKey) return;
    setBusy('reloading');
    const result = await fetchView(projectKey);
    setBusy('idle');
    if (!result.ok) {
      setBanner({ kind: 'not-saved', message: result.error.message });
      return;
    }
    const rebased = rebaseDrafts(result.view.fields, ready.values, result.view.values, drafts);
    setPage({ status: 'ready', view: result.view });
    setEditing({
      drafts: rebased.drafts,
      errors: {},
      banner: rebased.kept.length > 0 || rebased.dropped.length > 0 ? { kind: 'rebased', kept: rebased.kept, dropped: rebased.dropped } : null,
    });
  };

  return {
    page,
    projectKey,
    drafts,
    errors: editing.errors,
    banner: editing.banner,
    saving: busy === 'saving',
    reloading: busy === 'reloading',
    userNames,
    changedFields,
    rememberUsers,
    setDraft,
    check,
    discard,
    save,
    reloadLatest,
    retry: () => (projectKey ? void load(projectKey) : undefined),
  };
}

export type ProjectFieldsState = ReturnType<typeof useProjectFields>;
