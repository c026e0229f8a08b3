import { bulkSaveMessageSchema } from '../app/bulk-save-record';
import { continueBulkSave } from '../app/bulk-save';
import { bulkConsumerDeps } from '../forge/api-composition';
import { consumer } from './consumer';

/** Queue `bulk-saves`: the projects a PATCH /projects/fields left for later (within a budget, then it wakes itself). */
export const bulkSaveConsumer = consumer('bulk-saves', bulkSaveMessageSchema, async (message) => {
  const report = await continueBulkSave(bulkConsumerDeps(), message.bulkSaveId);
  switch (report.outcome) {
    case 'continues':
    case 'finished':
      return `bulk save ${message.bulkSaveId}: ${report.saved} project(s) done, ${report.left} left, ${report.outcome}`;
    case 'abandoned':
      return `bulk save ${message.bulkSaveId}: its request answered the projects left as not saved; nothing to do`;
    default:
      return undefined;
  }
});
