import { DEFAULT_GLOBAL_PERMISSIONS, type GlobalPermissionKey, type ProjectRole } from './permissions';

/**
 * The demo Jira site the offline host starts with: people and projects with the permissions the
 * app asks about. Ids look like Atlassian's: `712020:<uuid>` account ids, numeric project ids (DEMO
 * is 13647, as in the seed's payload). Reference them by name: `DEMO_SITE.users.viewer`.
 */

export type AccountType = 'atlassian' | 'app' | 'customer';
export type ProjectTypeKey = 'software' | 'business' | 'service_desk';

export interface JiraUserRecord {
  readonly accountId: string;
  readonly accountType: AccountType;
  readonly displayName: string;
  readonly emailAddress: string;
  readonly active: boolean;
  readonly timeZone: string;
  readonly locale: string;
  /** Global permissions held (Jira admins hold ADMINISTER). */
  readonly globalPermissions: readonly GlobalPermissionKey[];
  /** What the host shell's user switcher says about them. */
  readonly label: string;
}

export interface JiraProjectRecord {
  /** Jira's numeric project id (the REST API renders it as a string). */
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly projectTypeKey: ProjectTypeKey;
  readonly leadAccountId: string;
  /** Role of each account in the project; no entry means no access (Jira admins see everything). */
  readonly roles: Readonly<Record<string, ProjectRole>>;
  /** Keys the project had before a re-key; Jira still resolves them. */
  readonly previousKeys: readonly string[];
}

const user = (u: Omit<JiraUserRecord, 'accountType' | 'timeZone' | 'locale' | 'globalPermissions'> & Partial<JiraUserRecord>): JiraUserRecord =>
  Object.freeze({ accountType: 'atlassian', timeZone: 'Europe/Madrid', locale: 'en_US', globalPermissions: DEFAULT_GLOBAL_PERMISSIONS, ...u });

export const DEMO_USERS = {
  admin: user({
    accountId: '712020:6a1e3c52-0b8d-4f2e-9c61-a11ce0000001',
    displayName: 'Alice Admin',
    emailAddress: 'alice.admin@example.com',
    active: true,
    label: 'Jira admin',
    globalPermissions: ['ADMINISTER', 'SYSTEM_ADMIN', ...DEFAULT_GLOBAL_PERMISSIONS],
  }),
  projectAdmin: user({
    accountId: '712020:2f9b7d14-5c3a-4e8b-b7d2-9a0100000002',
    displayName: 'Paul Project-Admin',
    emailAddress: 'paul.pa@example.com',
    active: true,
    label: 'Project admin of DEMO',
  }),
  viewer: user({
    accountId: '712020:8c4d2e6f-1a7b-4c9d-8e3f-7e1e00000003',
    displayName: 'Vera Viewer',
    emailAddress: 'vera.viewer@example.com',
    active: true,
    label: 'Viewer of DEMO and OPS',
  }),
  teammate: user({
    accountId: '712020:4b6c8d0e-2f1a-4d3c-9b5e-7ea000000004',
    displayName: 'Tom Teammate',
    emailAddress: 'tom.teammate@example.com',
    active: true,
    label: 'Member of DEMO',
    timeZone: 'America/New_York',
  }),
  opsLead: user({
    accountId: '712020:5e7f9a1b-3c2d-4e6f-8a9b-0b5000000006',
    displayName: 'Olivia Ops',
    emailAddress: 'olivia.ops@example.com',
    active: true,
    label: 'Project admin of OPS',
    timeZone: 'Asia/Tokyo',
  }),
  former: user({
    accountId: '712020:9d0e1f2a-3b4c-4d5e-8f6a-f0e000000005',
    displayName: 'Fiona Former',
    emailAddress: 'fiona.former@example.com',
    active: false,
    label: 'Deactivated user',
  }),
} as const satisfies Record<string, JiraUserRecord>;

export type DemoUserName = keyof typeof DEMO_USERS;

/** The app's own account: what `asApp()` calls act as (`accountType: 'app'`). */
export const APP_USER: JiraUserRecord = user({
  accountId: '557058:f0e1d2c3-b4a5-4968-8776-a9b8c7d6e5f4',
  accountType: 'app',
  displayName: 'Projectrak Webhooks',
  emailAddress: '',
  active: true,
  label: 'The app (asApp)',
  timeZone: 'UTC',
  globalPermissions: ['ADMINISTER', ...DEFAULT_GLOBAL_PERMISSIONS],
});

const { admin, projectAdmin, viewer, teammate, opsLead, former } = DEMO_USERS;

const project = (p: Omit<JiraProjectRecord, 'previousKeys'>): JiraProjectRecord => Object.freeze({ ...p, roles: Object.freeze({ ...p.roles }), previousKeys: [] });

export const DEMO_PROJECTS = {
  demo: project({
    id: 13647,
    key: 'DEMO',
    name: 'Demo project',
    description: 'The project of the seed example: its Budget goes from 25.000 to 23.000.',
    projectTypeKey: 'software',
    leadAccountId: projectAdmin.accountId,
    roles: {
      [admin.accountId]: 'administrator',
      [projectAdmin.accountId]: 'administrator',
      [teammate.accountId]: 'member',
      [former.accountId]: 'member',
      [viewer.accountId]: 'viewer',
    },
  }),
  ops: project({
    id: 13648,
    key: 'OPS',
    name: 'Operations',
    description: 'Run books, incidents and the on-call rota.',
    projectTypeKey: 'business',
    leadAccountId: opsLead.accountId,
    roles: {
      [admin.accountId]: 'administrator',
      [opsLead.accountId]: 'administrator',
      [projectAdmin.accountId]: 'member',
      [viewer.accountId]: 'viewer',
    },
  }),
  /** Private: only Jira admins see it (the viewer cannot browse it). */
  hr: project({
    id: 13649,
    key: 'HR',
    name: 'People team',
    description: 'Hiring, onboarding and reviews. Restricted.',
    projectTypeKey: 'business',
    leadAccountId: admin.accountId,
    roles: { [admin.accountId]: 'administrator' },
  }),
} as const satisfies Record<string, JiraProjectRecord>;

export type DemoProjectName = keyof typeof DEMO_PROJECTS;

/** The whole seed, by name. */
export const DEMO_SITE = { users: DEMO_USERS, projects: DEMO_PROJECTS, app: APP_USER } as const;
