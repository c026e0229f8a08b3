import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Select, { AsyncSelect } from '@atlaskit/select';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import { useCallback, useEffect, useMemo, useState, type CSSProperties } from 'react';
import type { FieldAudience } from '../../../src/shared/field-access';
import type { FieldTypeId, ProjectRoleDto } from '../../../src/shared/resolver-contract';
import { call } from '../../common/api';
import { isComputed } from '../../common/field-types';
import { menuAboveModal } from '../../common/portal';
import { searchPeople } from '../../common/search-people';
import { editorsNotAmongViewers, setAudienceEveryone, updateAudience, type AudienceKey, type FieldFormErrors, type FieldFormState } from './field-form';

interface Choice<V> {
  readonly value: V;
  readonly label: string;
}

const TITLES: Record<AudienceKey, string> = { view: 'Who can see values', edit: 'Who can edit values' };
const HELP: Record<AudienceKey, string> = {
  view: 'People outside this audience do not get the field at all: not on the project page, not from the REST API.',
  edit: 'An editor must also be able to see the values. Others who see them get the field as View only.',
};

const legendStyle: CSSProperties = { font: token('font.heading.xsmall'), color: token('color.text'), padding: 0, marginBottom: token('space.050') };
const choiceStyle: CSSProperties = { display: 'flex', alignItems: 'center', gap: token('space.100'), font: token('font.body'), color: token('color.text'), cursor: 'pointer' };
const inputStyle: CSSProperties = { width: 16, height: 16, margin: 0, accentColor: token('color.background.selected.bold') };

/** The site's project roles, asked once per open form; chosen roles show whatever Jira answers. */
function useProjectRoles(): { roles: readonly ProjectRoleDto[]; problem: string | null; loading: boolean } {
  const [state, setState] = useState<{ roles: readonly ProjectRoleDto[]; problem: string | null; loading: boolean }>({ roles: [], problem: null, loading: true });
  useEffect(() => {
    let live = true;
    void call('listProjectRoles').then((result) => {
      if (!live) return;
      setState(result.ok ? { roles: result.value.roles, problem: null, loading: false } : { roles: [], problem: result.error.message, loading: false });
    });
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** Display names of the people the rules name (rules keep account ids only). */
function usePeopleNames(accountIds: readonly string[]): { names: ReadonlyMap<string, string>; remember: (found: readonly { accountId: string; displayName: string }[]) => void } {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const remember = useCallback((found: readonly { accountId: string; displayName: string }[]) => {
    setNames((current) => {
      const next = new Map(current);
      for (const u of found) next.set(u.accountId, u.displayName);
      return next;
    });
  }, []);
  const missing = accountIds.filter((id) => !names.has(id));
  const missingKey = missing.join(',');
  useEffect(() => {
    if (missingKey === '') return;
    let live = true;
    void call('getUsers', { accountIds: missingKey.split(',') }).then((result) => {
      if (live && result.ok) remember(result.value.users);
    });
    return () => {
      live = false;
    };
    // Only the ids matter, not the array's identity.
  }, [missingKey, remember]);
  return { names, remember };
}

export interface FieldAccessEditorProps {
  readonly state: FieldFormState;
  readonly type: FieldTypeId | null;
  readonly errors: FieldFormErrors;
  readonly disabled: boolean;
  readonly onChange: (next: FieldFormState) => void;
}

/**
 * Field values security in the field form: who can see the field's values and who can edit them,
 * each everyone who can browse the project or a chosen audience (the project's administrators,
 * project roles, groups, people). Formulas and automatic fields are never edited, so they have
 * no edit section.
 */
export function FieldAccessEditor({ state, type, errors, disabled, onChange }: FieldAccessEditorProps) {
  const roles = useProjectRoles();
  const readOnly = type !== null && isComputed(type);
  const allUsers = useMemo(() => [...state.access.view.users, ...state.access.edit.users], [state.access.view.users, state.access.edit.users]);
  const people = usePeopleNames(allUsers);
  const outside = readOnly ? [] : editorsNotAmongViewers(state.access);

  return (
    <section aria-labelledby="field-access-title" data-testid="field-access" style={{ display: 'flex', flexDirection: 'column', gap: token('space.200'), borderTop: `1px solid ${token('color.border')}`, paddingTop: token('space.200') }}>
      <div>
        <h3 id="field-access-title" style={{ font: token('font.heading.small'), margin: 0 }}>
          Field values security
        </h3>
        <HelperMessage>
          Jira admins always see and edit every field&apos;s values, and only people who can browse the project are ever included.
          {readOnly ? ' This field is worked out by the app: nobody edits its values.' : ''}
        </HelperMessage>
      </div>
      <AudienceSection which="view" state={state} errors={errors} disabled={disabled} onChange={onChange} roles={roles} people={people} />
      {readOnly ? null : <AudienceSection which="edit" state={state} errors={errors} disabled={disabled} onChange={onChange} roles={roles} people={people} />}
      {outside.length > 0 ? (
        <SectionMessage appearance="warning" testId="field-access-warning">
          <p>
            Not among who can see values: {outside.join(', ')}. They can edit only if another choice above lets them see the values.
          </p>
        </SectionMessage>
      ) : null}
    </section>
  );
}

const nobodyChosen = (a: FieldAudience) => !a.projectAdmins && a.roles.length === 0 && a.groups.length === 0 && a.users.length === 0;

interface AudienceSectionProps extends Omit<FieldAccessEditorProps, 'type'> {
  readonly which: AudienceKey;
  readonly roles: ReturnType<typeof useProjectRoles>;
  readonly people: ReturnType<typeof usePeopleNames>;
}

function AudienceSection({ which, state, errors, disabled, onChange, roles, people }: AudienceSectionProps) {
  const audience: FieldAudience = state.access[which];
  const id = (part: string) => `field-${which}-${part}`;
  const error = errors[which];
  const set = (change: Partial<Omit<FieldAudience, 'everyone'>>) => onChange(updateAudience(state, which, change));

  const roleOptions: Choice<number>[] = roles.roles.map((r) => ({ value: r.id, label: r.name }));
  const chosenRoles: Choice<number>[] = audience.roles.map((r) => ({ value: r.id, label: roles.roles.find((x) => x.id === r.id)?.name ?? r.name }));

  const loadGroups = useCallback(async (query: string): Promise<Choice<string>[]> => {
    const result = await call('searchGroups', { query: query.trim() });
    return result.ok ? result.value.groups.map((g) => ({ value: g.id, label: g.name })) : [];
  }, []);
  const { remember } = people;
  const loadPeople = useCallback((query: string): Promise<Choice<string>[]> => searchPeople(query, remember), [remember]);

  return (
    <fieldset style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }} data-testid={`field-${which}-access`} aria-describedby={id('help')}>
      <legend style={legendStyle}>{TITLES[which]}</legend>
      <div id={id('help')}>
        <HelperMessage>{HELP[which]}</HelperMessage>
      </div>
      <div style={{ display: 'flex', flexDirection: 'column', gap: token('space.075'), marginTop: token('space.100') }}>
        <label style={choiceStyle}>
          <input type="radio" name={id('mode')} style={inputStyle} checked={audience.everyone} disabled={disabled} onChange={() => onChange(setAudienceEveryone(state, which, true))} data-testid={id('everyone')} />
          Everyone who can browse the project
        </label>
        <label style={choiceStyle}>
          <input type="radio" name={id('mode')} style={inputStyle} checked={!audience.everyone} disabled={disabled} onChange={() => onChange(setAudienceEveryone(state, which, false))} data-testid={id('chosen')} />
          Only the people chosen below
        </label>
      </div>

      {audience.everyone ? null : (
        <div style={{ display: 'flex', flexDirection: 'column', gap: token('space.150'), marginTop: token('space.150'), paddingLeft: token('space.300') }}>
          <label style={choiceStyle}>
            <input type="checkbox" style={inputStyle} checked={audience.projectAdmins} disabled={disabled} onChange={(e) => set({ projectAdmins: e.currentTarget.checked })} data-testid={id('project-admins')} />
            The project&apos;s administrators
          </label>

          <div>
            <Label htmlFor={id('roles')}>Project roles</Label>
            <Select<Choice<number>, true>
              inputId={id('roles')}
              isMulti
              options={roleOptions}
              value={chosenRoles}
              onChange={(options) => set({ roles: options.map((o) => ({ id: o.value, name: o.label })) })}
              isDisabled={disabled}
              isLoading={roles.loading}
              placeholder="Choose roles"
              noOptionsMessage={() => (roles.problem ? 'The roles could not be loaded' : 'No more roles')}
              aria-describedby={id('roles-message')}
              testId={id('roles-select')}
              {...menuAboveModal}
            />
            <div id={id('roles-message')}>
              {roles.problem ? <ErrorMessage>The project roles could not be loaded: {roles.problem}</ErrorMessage> : <HelperMessage>People in the role in each project, named or through a group.</HelperMessage>}
            </div>
          </div>

          <div>
            <Label htmlFor={id('groups')}>Groups</Label>
            <AsyncSelect<Choice<string>, true>
              inputId={id('groups')}
              isMulti
              loadOptions={loadGroups}
              defaultOptions
              cacheOptions
              value={audience.groups.map((g) => ({ value: g.id, label: g.name }))}
              onChange={(options) => set({ groups: options.map((o) => ({ id: o.value, name: o.label })) })}
              isDisabled={disabled}
              placeholder="Search for groups"
              loadingMessage={() => 'Searching…'}
              noOptionsMessage={({ inputValue }) => (inputValue.trim() === '' ? 'No groups found' : `No group matches "${inputValue.trim()}"`)}
              testId={id('groups-select')}
              {...menuAboveModal}
            />
          </div>

          <div>
            <Label htmlFor={id('people')}>People</Label>
            <AsyncSelect<Choice<string>, true>
              inputId={id('people')}
              isMulti
              loadOptions={loadPeople}
              defaultOptions={false}
              cacheOptions
              value={audience.users.map((accountId) => ({ value: accountId, label: people.names.get(accountId) ?? 'Unknown user' }))}
              onChange={(options) => set({ users: options.map((o) => o.value) })}
              isDisabled={disabled}
              placeholder="Search for people"
              loadingMessage={() => 'Searching…'}
              noOptionsMessage={({ inputValue }) => (inputValue.trim() === '' ? 'Type a name to search' : `No one matches "${inputValue.trim()}"`)}
              testId={id('people-select')}
              {...menuAboveModal}
            />
          </div>
          {error ? (
            <ErrorMessage>{error}</ErrorMessage>
          ) : nobodyChosen(audience) ? (
            <HelperMessage>Nobody is chosen: only Jira admins {which === 'view' ? 'see' : 'edit'} the values.</HelperMessage>
          ) : null}
        </div>
      )}
    </fieldset>
  );
}
