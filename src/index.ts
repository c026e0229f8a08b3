/**
 * Every way into the app, as manifest.yml names them (`handler: index.<export>`), grouped by
 * module kind. Nothing else lives here.
 */

// Custom UI resolver (jira:adminPage, jira:projectPage)
export { resolver } from './resolvers/resolver';

// Queue consumers
export { fieldChangesConsumer } from './consumers/field-changes-consumer';
export { deliveryConsumer } from './consumers/delivery-consumer';
export { fieldCleanupConsumer } from './consumers/field-cleanup-consumer';
export { bulkSaveConsumer } from './consumers/bulk-save-consumer';

// Scheduled trigger
export { deliverySweeper } from './triggers/delivery-sweeper';

// Product and lifecycle triggers
export { projectEventsTrigger } from './triggers/project-events';
export { appInstalledTrigger } from './triggers/app-installed';

// Web trigger: management REST API
export { managementApi } from './webtriggers/management-api';
