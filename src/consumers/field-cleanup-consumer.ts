import { runFieldCleanup } from '../app/field-cleanup';
import { fieldCleanupMessageSchema } from '../domain/field-cleanup-record';
import { fieldCleanupDeps } from '../forge/composition';
import { consumer } from './consumer';

/** Queue `field-cleanup`: a wake-up of a deleted field's cleanup (pages of projects, within a budget). */
export const fieldCleanupConsumer = consumer('field-cleanup', fieldCleanupMessageSchema, async (message) => {
  const report = await runFieldCleanup(fieldCleanupDeps(), message.fieldId);
  switch (report.outcome) {
    case 'continues':
    case 'rescan-scheduled':
    case 'finished':
      return `field ${message.fieldId}: ${report.pages} page(s), ${report.cleaned} project(s) cleaned, ${report.outcome}`;
    case 'left-to-sweeper':
      return `field ${message.fieldId}: ${report.pages} page(s), ${report.cleaned} project(s) cleaned; the next run's wake-up was refused (invocation chain cut), the sweeper wakes it`;
    case 'field-exists':
      return `field ${message.fieldId} still exists: its cleanup was dropped`;
    default:
      return undefined;
  }
});
