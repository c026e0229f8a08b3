import type { InvokeResolverArgs } from '../../local/ui';
import type {
  CreateFieldInput,
  FieldDefinitionDto,
  FieldOptionDto,
  FieldOptionInput,
  FieldValueDto,
  ProjectRef,
  ResolverDefs,
  ResolverError,
  ResolverResult,
  SaveProjectFieldsInput,
  UpdateFieldInput,
  UserDto,
} from '../../src/shared/resolver-contract';

/**
 * An in-memory stand-in for the resolver, for the browser tests of the UI: it answers the
 * resolver contract (`ResolverDefs`) the way the backend does for what the pages do — admin
 * checks, project permissions, revisions and stale saves, value checks with per-field errors —
 * and records every call, so tests can check what the pages sent. Later these tests run against
 * the real host instead.
 */

export interface FakeUser extends UserDto {
  readonly isJiraAdmin: boolean;
  /** Project key -> the user's role there; Jira admins may edit every project. */
  readonly roles: Readonly<Record<string, 'admin' | 'viewer'>>;
  /** What the shell's user switcher says about them. */
  readonly label: string;
}

export const USERS = {
  admin: { accountId: '557058:0a7e1d2c-admin', displayName: 'Alice Admin', isJiraAdmin: true, roles: {}, label: 'Jira admin' },
  projectAdmin: { accountId: '557058:5b1f9c3d-padmin', displayName: 'Pat Lead', isJiraAdmin: false, roles: { DEMO: 'admin', MKT: 'viewer' }, label: 'Admin of DEMO' },
  viewer: { accountId: '557058:9d4e2a7f-viewer', displayName: 'Vic Viewer', isJiraAdmin: false, roles: { DEMO: 'viewer', MKT: 'viewer' }, label: 'Viewer of DEMO and MKT' },
} as const satisfies Record<string, FakeUser>;

export const PROJECTS: readonly ProjectRef[] = [
  { id: 10001, key: 'DEMO', name: 'Demo project' },
  { id: 10002, key: 'MKT', name: 'Marketing site' },
];

export interface RecordedCall {
  readonly functionKey: string;
  readonly payload: unknown;
  readonly accountId: string;
  readonly moduleKey: string;
  readonly extensionContext: Readonly<Record<string, unknown>>;
}

interface ProjectState {
  revision: number;
  values: Record<string, FieldValueDto>;
}

type Handler = (payload: never, user: FakeUser) => ResolverResult<unknown>;

const fail = (code: ResolverError['code'], message: string, fieldErrors?: Record<string, string>): { ok: false; error: ResolverError } => ({
  ok: false,
  error: { code, message, ...(fieldErrors ? { fieldErrors } : {}) },
});

export class FakeBackend {
  readonly calls: RecordedCall[] = [];
  private readonly users: FakeUser[] = Object.values(USERS);
  private fields: FieldDefinitionDto[] = [];
  private nextFieldId = 10000;
  private nextOptionId = 1;
  private readonly projects = new Map<string, ProjectState>();
  private nextSaveErrors: Record<string, string> | undefined;
  private readonly held = new Map<string, Promise<void>>();

  constructor() {
    this.seed();
  }

  /** The resolver as the host runs it: the principal comes from the host, never from the payload. */
  readonly invokeResolver = async (args: InvokeResolverArgs): Promise<unknown> => {
    this.calls.push({ functionKey: args.functionKey, payload: args.payload, accountId: args.accountId, moduleKey: args.moduleKey, extensionContext: args.extensionContext });
    const user = this.users.find((u) => u.accountId === args.accountId);
    if (!user) return fail('FORBIDDEN', 'Sign in to Jira to use Projectrak.');
    const handler = (this.handlers as Record<string, Handler | undefined>)[args.functionKey];
    // As `makeResolver` does for a name it has no definition for: the invocation fails.
    if (!handler) throw new Error(`Resolver has no definition for '${args.functionKey}'.`);
    await this.held.get(args.functionKey);
    return handler((args.payload ?? {}) as never, user);
  };

  /** Calls of this resolver wait until the returned function is called (to see progress in the page). */
  hold(functionKey: keyof ResolverDefs): () => void {
    let release = () => undefined as void;
    this.held.set(functionKey, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(functionKey);
      release();
    };
  }

  callsTo(functionKey: keyof ResolverDefs): RecordedCall[] {
    return this.calls.filter((c) => c.functionKey === functionKey);
  }

  field(name: string): FieldDefinitionDto {
    const found = this.fields.find((f) => f.name === name);
    if (!found) throw new Error(`no field ${name}`);
    return found;
  }

  option(fieldName: string, optionName: string): FieldOptionDto {
    const found = this.field(fieldName).options?.find((o) => o.name === optionName);
    if (!found) throw new Error(`no option ${optionName} in ${fieldName}`);
    return found;
  }

  project(key: string): { revision: number; values: Readonly<Record<string, FieldValueDto>> } {
    const state = this.projects.get(key);
    if (!state) throw new Error(`no project ${key}`);
    return { revision: state.revision, values: { ...state.values } };
  }

  /** Someone else saves meanwhile: values change and the revision moves on. */
  saveAsSomeoneElse(projectKey: string, values: Record<string, FieldValueDto>): void {
    const state = this.projects.get(projectKey);
    if (!state) throw new Error(`no project ${projectKey}`);
    Object.assign(state.values, values);
    state.revision += 1;
  }

  /** The next save is refused with these per-field errors, as the backend refuses invalid values. */
  refuseNextSave(fieldErrors: Record<string, string>): void {
    this.nextSaveErrors = fieldErrors;
  }

  private seed(): void {
    const field = (definition: Omit<FieldDefinitionDto, 'id' | 'options'>, options?: readonly (readonly [string, string])[]) => {
      const created: FieldDefinitionDto = { id: this.nextFieldId++, ...definition, ...(options ? { options: options.map(([name, colour]) => ({ id: this.nextOptionId++, name, colour, enabled: true })) } : {}) };
      this.fields.push(created);
      return created;
    };
    field({ name: 'Status', type: 'status', description: 'How the project is doing.' }, [
      ['On track', 'green'],
      ['At risk', 'yellow'],
      ['Off track', 'red'],
      ['Done', 'blue'],
    ]);
    field({ name: 'Priority', type: 'priority', description: 'How much the project matters now.' }, [
      ['Highest', 'red'],
      ['High', 'orange'],
      ['Medium', 'yellow'],
      ['Low', 'blue'],
      ['Lowest', 'grey'],
    ]);
    field({ name: 'Start date', type: 'date' });
    field({ name: 'End date', type: 'date' });
    field({ name: 'Budget', type: 'number', decimals: 3 });
    field({ name: 'Owner', type: 'user', description: 'Who answers for the project.' });
    field({ name: 'Stakeholders', type: 'multiuser' });
    field({ name: 'Tags', type: 'multilist' }, [
      ['Strategic', 'purple'],
      ['Customer', 'teal'],
      ['Internal', 'grey'],
      ['Compliance', 'orange'],
    ]);
    field({ name: 'Summary', type: 'textarea', description: 'Goals, scope and latest news.' });
    field({ name: 'Effort', type: 'duration' });
    // A retired tag: still on DEMO, no longer offered.
    const tags = this.field('Tags');
    this.fields = this.fields.map((f) => (f.id === tags.id ? { ...f, options: [...(f.options ?? []), { id: this.nextOptionId++, name: 'Legacy', colour: 'grey', enabled: false }] } : f));

    const id = (name: string) => String(this.field(name).id);
    this.projects.set('DEMO', {
      revision: 3,
      values: {
        [id('Status')]: this.option('Status', 'On track').id,
        [id('Priority')]: this.option('Priority', 'High').id,
        [id('Start date')]: '2025-01-15',
        [id('Budget')]: 25,
        [id('Owner')]: USERS.admin.accountId,
        [id('Stakeholders')]: [USERS.projectAdmin.accountId],
        [id('Tags')]: [this.option('Tags', 'Strategic').id, this.option('Tags', 'Legacy').id],
        [id('Summary')]: 'Launch the *new* onboarding flow.\n- Pilot with two teams\n- Roll out in Q2',
        [id('Effort')]: 9_000_000,
      },
    });
    this.projects.set('MKT', { revision: 0, values: {} });
  }

  private access(user: FakeUser, projectKey: string): { project: ProjectRef; canEdit: boolean } | undefined {
    const project = PROJECTS.find((p) => p.key === projectKey);
    const role = (user.roles as Record<string, 'admin' | 'viewer' | undefined>)[projectKey];
    if (!project || (!user.isJiraAdmin && !role)) return undefined;
    return { project, canEdit: user.isJiraAdmin || role === 'admin' };
  }

  private options(input: readonly FieldOptionInput[] | undefined, existing: readonly FieldOptionDto[] = []): FieldOptionDto[] | undefined {
    return input?.map((o) => {
      if (o.id !== undefined && !existing.some((e) => e.id === o.id)) throw new Error(`unknown option id ${o.id}`);
      return { id: o.id ?? this.nextOptionId++, name: o.name.trim(), colour: o.colour, enabled: o.enabled };
    });
  }

  private readonly handlers: { [K in keyof ResolverDefs]: (payload: Parameters<ResolverDefs[K]>[0], user: FakeUser) => ReturnType<ResolverDefs[K]> } = {
    getSession: (_payload, user) => ({ ok: true, value: { accountId: user.accountId, displayName: user.displayName, isJiraAdmin: user.isJiraAdmin, appVersion: '0.1.0' } }),

    listFieldDefinitions: () => ({ ok: true, value: { fields: [...this.fields] } }),

    createField: (input: CreateFieldInput, user) => {
      if (!user.isJiraAdmin) return fail('FORBIDDEN', 'Only Jira admins can do this. Ask a Jira admin for help.');
      if (this.fields.some((f) => f.name.toLowerCase() === input.name.trim().toLowerCase())) return fail('CONFLICT', `A field named "${input.name.trim()}" already exists. Field names must be unique.`);
      const options = this.options(input.options);
      const created: FieldDefinitionDto = {
        id: this.nextFieldId++,
        name: input.name.trim(),
        type: input.type,
        ...(input.description ? { description: input.description } : {}),
        ...(options ? { options } : {}),
        ...(input.type === 'number' ? { decimals: input.decimals ?? 0 } : {}),
      };
      this.fields.push(created);
      return { ok: true, value: created };
    },

    updateField: (input: UpdateFieldInput, user) => {
      if (!user.isJiraAdmin) return fail('FORBIDDEN', 'Only Jira admins can do this. Ask a Jira admin for help.');
      const current = this.fields.find((f) => f.id === input.id);
      if (!current) return fail('NOT_FOUND', `There is no field with id ${input.id}. It may have been deleted; reload the list.`);
      const clash = input.name !== undefined && this.fields.find((f) => f.id !== input.id && f.name.toLowerCase() === input.name?.trim().toLowerCase());
      if (clash) return fail('CONFLICT', `A field named "${clash.name}" already exists. Field names must be unique.`);
      const options = this.options(input.options, current.options);
      const updated: FieldDefinitionDto = {
        ...current,
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(options ? { options } : {}),
        ...(input.decimals !== undefined ? { decimals: input.decimals } : {}),
      };
      this.fields = this.fields.map((f) => (f.id === updated.id ? updated : f));
      return { ok: true, value: updated };
    },

    countFieldUsage: (input, user) => {
      if (!user.isJiraAdmin) return fail('FORBIDDEN', 'Only Jira admins can do this. Ask a Jira admin for help.');
      if (!this.fields.some((f) => f.id === input.id)) return fail('NOT_FOUND', `There is no field with id ${input.id}.`);
      return { ok: true, value: { id: input.id, projectsWithValues: this.projectsWithValue(input.id) } };
    },

    deleteField: (input, user) => {
      if (!user.isJiraAdmin) return fail('FORBIDDEN', 'Only Jira admins can do this. Ask a Jira admin for help.');
      if (!this.fields.some((f) => f.id === input.id)) return fail('NOT_FOUND', `There is no field with id ${input.id}. It may have been deleted already.`);
      const projectsWithValues = this.projectsWithValue(input.id);
      this.fields = this.fields.filter((f) => f.id !== input.id);
      for (const state of this.projects.values()) delete state.values[String(input.id)];
      return { ok: true, value: { id: input.id, projectsWithValues } };
    },

    getProjectFields: (input, user) => {
      const access = this.access(user, input.projectKey);
      if (!access) return fail('NOT_FOUND', `Project ${input.projectKey} does not exist or you do not have permission to browse it.`);
      const state = this.projects.get(input.projectKey) ?? { revision: 0, values: {} };
      return { ok: true, value: { project: access.project, canEdit: access.canEdit, revision: state.revision, fields: [...this.fields], values: { ...state.values } } };
    },

    saveProjectFields: (input: SaveProjectFieldsInput, user) => {
      const access = this.access(user, input.projectKey);
      if (!access) return fail('NOT_FOUND', `Project ${input.projectKey} does not exist or you do not have permission to browse it.`);
      if (!access.canEdit) return fail('FORBIDDEN', `You can view the fields of ${input.projectKey} but not edit them. Jira admins and the project's administrators can.`);
      const state = this.projects.get(input.projectKey);
      if (!state) return fail('NOT_FOUND', `Project ${input.projectKey} has no fields.`);
      if (input.baseRevision !== state.revision) {
        return fail('STALE_REVISION', `Someone else saved the fields of ${input.projectKey} after you opened them. Nothing was saved: reload to see their changes, then make yours again.`);
      }
      const fieldErrors: Record<string, string> = { ...this.nextSaveErrors };
      this.nextSaveErrors = undefined;
      for (const [id, value] of Object.entries(input.values)) {
        const field = this.fields.find((f) => String(f.id) === id);
        if (!field) fieldErrors[id] = `There is no field with id ${id}. It may have been deleted; reload the page.`;
        else if (field.type === 'text' && typeof value === 'string' && value.length > 255) fieldErrors[id] = `${field.name}: at most 255 characters, got ${value.length}`;
      }
      if (Object.keys(fieldErrors).length > 0) {
        const first = Object.values(fieldErrors)[0] ?? '';
        return fail('INVALID_INPUT', Object.keys(fieldErrors).length === 1 ? `Nothing was saved. ${first}` : `Nothing was saved: ${Object.keys(fieldErrors).length} fields have problems. ${first}`, fieldErrors);
      }
      const changed = Object.entries(input.values).filter(([id, value]) => JSON.stringify(state.values[id] ?? null) !== JSON.stringify(value ?? null));
      if (changed.length === 0) return { ok: true, value: { revision: state.revision, changedFieldIds: [] } };
      for (const [id, value] of changed) state.values[id] = value as FieldValueDto;
      state.revision += 1;
      return { ok: true, value: { revision: state.revision, changedFieldIds: changed.map(([id]) => Number(id)) } };
    },

    searchUsers: (input) => {
      const query = input.query.trim().toLowerCase();
      const users = query === '' ? [] : this.users.filter((u) => u.displayName.toLowerCase().includes(query));
      return { ok: true, value: { users: users.map((u) => ({ accountId: u.accountId, displayName: u.displayName })) } };
    },

    getUsers: (input) => ({
      ok: true,
      value: { users: this.users.filter((u) => input.accountIds.includes(u.accountId)).map((u) => ({ accountId: u.accountId, displayName: u.displayName })) },
    }),
  };

  private projectsWithValue(fieldId: number): number {
    let count = 0;
    for (const state of this.projects.values()) {
      const value = state.values[String(fieldId)];
      if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) count += 1;
    }
    return count;
  }
}
