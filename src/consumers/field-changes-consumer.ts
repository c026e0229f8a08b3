import { fanOutChanges } from '../app/fan-out';
import { fieldChangesMessageSchema } from '../domain/records';
import { fanOutDeps } from '../forge/composition';
import { consumer } from './consumer';

/** Queue `field-changes`: a wake-up of the fan-out (saved changes -> one delivery per matching webhook). */
export const fieldChangesConsumer = consumer('field-changes', fieldChangesMessageSchema, async (message) => {
  const report = await fanOutChanges(fanOutDeps(), message.changeIds);
  return report.changes > 0 ? `fanned out ${report.changes} change(s) into ${report.deliveries} deliveries, woke ${report.wakeUps} drain(s)` : undefined;
});
