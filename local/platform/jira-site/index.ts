export { createJiraSite, type JiraStandIn } from './jira-site';
export { DEMO_GROUPS, DEMO_PROJECTS, DEMO_ROLES, DEMO_USERS, type SiteGroup, type SiteProject, type SiteRole, type SiteUser } from './demo-site';
