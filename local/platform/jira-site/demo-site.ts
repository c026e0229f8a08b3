/**
 * The demo Jira site of the offline host: people and projects with the permissions the app asks
 * about. Ids look like Atlassian's (numeric project ids, `712020:` account ids).
 */
export interface SiteUser {
  readonly accountId: string;
  readonly displayName: string;
  readonly emailAddress: string;
  /** What the shell's user switcher says about them. */
  readonly label: string;
  readonly jiraAdmin: boolean;
  readonly active: boolean;
  /** Jira's "Browse users and groups" global permission (user search); default true. */
  readonly browseUsers?: boolean;
  /** Ids of the groups they belong to. */
  readonly groups?: readonly string[];
}

export interface SiteGroup {
  readonly groupId: string;
  readonly name: string;
}

/** A project role as Jira has them: one list for the site, actors per project. */
export interface SiteRole {
  readonly id: number;
  readonly name: string;
  readonly description: string;
}

export interface SiteProject {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly projectTypeKey: 'software' | 'business' | 'service_desk';
  /** Account ids that may browse; Jira admins browse everything. */
  readonly browsers: readonly string[];
  /** Account ids that administer the project. */
  readonly admins: readonly string[];
  /** Actors of the site's roles in this project, by role id: people and groups. */
  readonly roles?: Readonly<Record<number, { readonly users: readonly string[]; readonly groups: readonly string[] }>>;
}

export const DEMO_USERS = {
  admin: { accountId: '712020:6a1e3c52-0b8d-4f2e-9c61-a11ce0000001', displayName: 'Alice Admin', emailAddress: 'alice.admin@example.com', label: 'Jira admin', jiraAdmin: true, active: true, groups: ['5c1d2e3f-0a1b-4c2d-8e3f-000000000101', '5c1d2e3f-0a1b-4c2d-8e3f-000000000102'] },
  projectAdmin: { accountId: '712020:2f9b7d14-5c3a-4e8b-b7d2-9a0100000002', displayName: 'Paul Project-Admin', emailAddress: 'paul.pa@example.com', label: 'Project admin of DEMO', jiraAdmin: false, active: true, groups: ['5c1d2e3f-0a1b-4c2d-8e3f-000000000101'] },
  viewer: { accountId: '712020:8c4d2e6f-1a7b-4c9d-8e3f-7e1e00000003', displayName: 'Vera Viewer', emailAddress: 'vera.viewer@example.com', label: 'Viewer of DEMO and OPS', jiraAdmin: false, active: true, groups: ['5c1d2e3f-0a1b-4c2d-8e3f-000000000101'] },
  teammate: { accountId: '712020:4b6c8d0e-2f1a-4d3c-9b5e-7ea000000004', displayName: 'Tom Teammate', emailAddress: 'tom.teammate@example.com', label: 'Developer of DEMO (cannot browse users)', jiraAdmin: false, active: true, browseUsers: false, groups: ['5c1d2e3f-0a1b-4c2d-8e3f-000000000101'] },
  former: { accountId: '712020:9d0e1f2a-3b4c-4d5e-8f6a-f0e000000005', displayName: 'Fiona Former', emailAddress: 'fiona.former@example.com', label: 'Deactivated user', jiraAdmin: false, active: false },
} as const satisfies Record<string, SiteUser>;

export const DEMO_GROUPS: readonly SiteGroup[] = [
  { groupId: '5c1d2e3f-0a1b-4c2d-8e3f-000000000101', name: 'jira-users' },
  { groupId: '5c1d2e3f-0a1b-4c2d-8e3f-000000000102', name: 'finance' },
];

export const DEMO_ROLES: readonly SiteRole[] = [
  { id: 10002, name: 'Administrators', description: 'A project role that represents administrators in a project' },
  { id: 10001, name: 'Developers', description: 'A project role that represents developers in a project' },
  { id: 10003, name: 'Viewers', description: 'A project role that represents viewers in a project' },
];

const { projectAdmin, viewer, teammate } = DEMO_USERS;
const [, finance] = DEMO_GROUPS as [SiteGroup, SiteGroup];

export const DEMO_PROJECTS: readonly SiteProject[] = [
  {
    id: 13647,
    key: 'DEMO',
    name: 'Demo project',
    projectTypeKey: 'software',
    browsers: [projectAdmin.accountId, viewer.accountId, teammate.accountId],
    admins: [projectAdmin.accountId],
    roles: { 10002: { users: [projectAdmin.accountId], groups: [] }, 10001: { users: [teammate.accountId], groups: [] }, 10003: { users: [viewer.accountId], groups: [] } },
  },
  {
    id: 13648,
    key: 'OPS',
    name: 'Operations',
    projectTypeKey: 'business',
    browsers: [viewer.accountId, projectAdmin.accountId],
    admins: [],
    roles: { 10003: { users: [viewer.accountId], groups: [] }, 10001: { users: [], groups: [finance.groupId] } },
  },
  { id: 13649, key: 'HR', name: 'People team', projectTypeKey: 'business', browsers: [], admins: [] },
];

export const admins = (user: SiteUser | undefined): boolean => user?.jiraAdmin === true && user.active;
