/**
 * Jira Cloud's permission catalogue, as `GET /rest/api/3/permissions` and `mypermissions` describe
 * it (key, legacy numeric id as a string, name, type, description), for the permissions the
 * stand-in knows. Project permissions come from a project role, as a permission scheme grants them.
 */

export interface PermissionDescriptor {
  readonly id: string;
  readonly name: string;
  readonly type: 'GLOBAL' | 'PROJECT';
  readonly description: string;
}

export const GLOBAL_PERMISSIONS = {
  ADMINISTER: {
    id: '0',
    name: 'Administer Jira',
    type: 'GLOBAL',
    description:
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.',
  },
  SYSTEM_ADMIN: {
    id: '44',
    name: 'Jira System Administrators',
    type: 'GLOBAL',
    description: 'Ability to perform all administration functions. There must be at least one group with this permission.',
  },
  USER_PICKER: {
    id: '27',
    name: 'Browse users and groups',
    type: 'GLOBAL',
    description: 'View and select users or groups from the user picker, and share issues. Users with this permission can see the names of all users and groups on your site.',
  },
  CREATE_SHARED_OBJECTS: {
    id: '22',
    name: 'Share dashboards and filters',
    type: 'GLOBAL',
    description: 'Share dashboards and filters with other users.',
  },
  MANAGE_GROUP_FILTER_SUBSCRIPTIONS: {
    id: '24',
    name: 'Manage group filter subscriptions',
    type: 'GLOBAL',
    description: 'Create and delete group filter subscriptions.',
  },
  BULK_CHANGE: {
    id: '33',
    name: 'Make bulk changes',
    type: 'GLOBAL',
    description: 'Modify collections of issues at once. For example, resolve multiple issues in one step.',
  },
} as const satisfies Record<string, PermissionDescriptor>;

export const PROJECT_PERMISSIONS = {
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT', description: 'Ability to administer a project in Jira.' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.' },
  VIEW_DEV_TOOLS: { id: '29', name: 'View Development Tools', type: 'PROJECT', description: 'Allows users in a software project to view development-related information on the issue, such as commits, reviews and build information.' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.' },
  TRANSITION_ISSUES: { id: '46', name: 'Transition Issues', type: 'PROJECT', description: 'Ability to transition issues.' },
  ASSIGN_ISSUES: { id: '13', name: 'Assign Issues', type: 'PROJECT', description: 'Ability to assign issues to other people.' },
  ASSIGNABLE_USER: { id: '17', name: 'Assignable User', type: 'PROJECT', description: 'Users with this permission may be assigned to issues.' },
  DELETE_ISSUES: { id: '16', name: 'Delete Issues', type: 'PROJECT', description: 'Ability to delete issues.' },
  ADD_COMMENTS: { id: '15', name: 'Add Comments', type: 'PROJECT', description: 'Ability to comment on issues.' },
  CREATE_ATTACHMENTS: { id: '19', name: 'Create Attachments', type: 'PROJECT', description: 'Users with this permission may create attachments.' },
  WORK_ON_ISSUES: { id: '20', name: 'Work On Issues', type: 'PROJECT', description: 'Ability to log work done against an issue. Only useful if Time Tracking is turned on.' },
} as const satisfies Record<string, PermissionDescriptor>;

export type GlobalPermissionKey = keyof typeof GLOBAL_PERMISSIONS;
export type ProjectPermissionKey = keyof typeof PROJECT_PERMISSIONS;
export type PermissionKey = GlobalPermissionKey | ProjectPermissionKey;

export const isGlobalPermission = (key: string): key is GlobalPermissionKey => Object.hasOwn(GLOBAL_PERMISSIONS, key);
export const isProjectPermission = (key: string): key is ProjectPermissionKey => Object.hasOwn(PROJECT_PERMISSIONS, key);

export function describePermission(key: PermissionKey): PermissionDescriptor {
  return isGlobalPermission(key) ? GLOBAL_PERMISSIONS[key] : PROJECT_PERMISSIONS[key];
}

/**
 * The roles of the stand-in's one permission scheme (like Jira's default scheme: Administrators,
 * Members, Viewers). A user's project permissions are those of their role in the project.
 */
export type ProjectRole = 'administrator' | 'member' | 'viewer';

const MEMBER: readonly ProjectPermissionKey[] = [
  'BROWSE_PROJECTS',
  'VIEW_DEV_TOOLS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'TRANSITION_ISSUES',
  'ASSIGN_ISSUES',
  'ASSIGNABLE_USER',
  'ADD_COMMENTS',
  'CREATE_ATTACHMENTS',
  'WORK_ON_ISSUES',
];

export const ROLE_PERMISSIONS: Readonly<Record<ProjectRole, readonly ProjectPermissionKey[]>> = {
  administrator: Object.keys(PROJECT_PERMISSIONS) as ProjectPermissionKey[],
  member: MEMBER,
  viewer: ['BROWSE_PROJECTS', 'ADD_COMMENTS'],
};

/** What every active Atlassian account on the site has (Jira's default `jira-users` grants). */
export const DEFAULT_GLOBAL_PERMISSIONS: readonly GlobalPermissionKey[] = ['USER_PICKER', 'CREATE_SHARED_OBJECTS', 'MANAGE_GROUP_FILTER_SUBSCRIPTIONS', 'BULK_CHANGE'];
