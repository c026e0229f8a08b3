import { fanOutChanges } from '../app/fan-out';
import { continueWakes } from '../app/wake-drains';
import { fieldChangesMessageSchema } from '../domain/records';
import { fanOutDeps } from '../forge/composition';
import { consumer } from './consumer';

/** Queue `field-changes`: a wake-up of the fan-out (saved changes -> one delivery per matching webhook). */
export const fieldChangesConsumer = consumer('field-changes', fieldChangesMessageSchema, async (message) => {
  if (message.kind === 'wake-drains') {
    // A continuation: the next step of drain wake-ups of an earlier fan-out or sweep.
    const woken = await continueWakes(fanOutDeps().queue, message.webhookIds);
    return `woke ${woken.pushed} drain(s)${woken.continued > 0 ? `, ${woken.continued} in later steps` : ''}`;
  }
  const report = await fanOutChanges(fanOutDeps(), message.changeIds);
  return report.changes > 0 ? `fanned out ${report.changes} change(s) into ${report.deliveries} deliveries, woke ${report.wakeUps} drain(s)` : undefined;
});
