import type { ApiTokenRecord, FieldCatalogRecord, FieldChangeRecord, ProjectFieldsRecord, ProjectRefRecord } from '../domain/records';

/**
 * The small interfaces the use cases need of the platform. `src/forge/` implements them with the
 * Forge SDKs; tests use the same implementations against the offline host.
 */

export interface Clock {
  now(): number;
}

export interface IdGenerator {
  newId(): string;
}

/** A conditional write lost against a concurrent one. */
export class ConcurrentWriteError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else meanwhile`);
    this.name = 'ConcurrentWriteError';
  }
}

export interface FieldCatalogStore {
  /** undefined until the catalog has been created (install seeds it). */
  load(): Promise<FieldCatalogRecord | undefined>;
  /** Writes `next` only if the stored version is still `expectedVersion` (undefined: absent). */
  save(next: FieldCatalogRecord, expectedVersion: number | undefined): Promise<void>;
}

export interface ProjectFieldsStore {
  load(projectId: number): Promise<ProjectFieldsRecord | undefined>;
  /**
   * Writes the new values and the change record together, only if the stored revision is still
   * `expectedRevision` (0: no values stored yet). Throws ConcurrentWriteError otherwise.
   */
  saveWithChange(next: ProjectFieldsRecord, change: FieldChangeRecord, expectedRevision: number): Promise<void>;
  /** Keeps name and key fresh for payloads; no-op when the project has no values. */
  updateProjectRef(project: ProjectRefRecord): Promise<void>;
  deleteProject(projectId: number): Promise<void>;
  /** Removes one field's values from every project; answers how many projects had one. */
  removeFieldValues(fieldId: number): Promise<number>;
  countProjectsWithValue(fieldId: number): Promise<number>;
}

export interface FieldChangeStore {
  load(changeId: string): Promise<FieldChangeRecord | undefined>;
  markPushed(changeId: string): Promise<void>;
  /** Oldest first. */
  listPending(limit: number): Promise<FieldChangeRecord[]>;
}

export interface ChangeEventPublisher {
  /** Puts one `field-changes` event on the queue. */
  publishFieldChange(changeId: string): Promise<void>;
}

export interface ProjectAccess {
  readonly project: ProjectRefRecord;
  readonly canBrowse: boolean;
  readonly canEdit: boolean;
}

export interface UserSummary {
  readonly accountId: string;
  readonly displayName: string;
  readonly avatarUrl?: string;
}

/** Jira, asked as the user of the invocation (the platform's principal, never a payload). */
export interface JiraAsUser {
  isJiraAdmin(): Promise<boolean>;
  /** undefined when the project does not exist or the user cannot see it. */
  projectAccess(projectKeyOrId: string): Promise<ProjectAccess | undefined>;
  myself(): Promise<UserSummary>;
  searchUsers(query: string): Promise<UserSummary[]>;
  getUsers(accountIds: readonly string[]): Promise<UserSummary[]>;
}

export interface ApiTokenStore {
  findByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  save(record: ApiTokenRecord): Promise<void>;
  list(): Promise<ApiTokenRecord[]>;
  delete(id: string): Promise<void>;
}
