export { createJiraSite, type JiraStandIn } from './jira-site';
export { DEMO_PROJECTS, DEMO_USERS, type SiteProject, type SiteUser } from './demo-site';
