import { wakeStalledCleanups } from '../app/field-cleanup';
import { sweep } from '../app/sweep';
import { fieldCleanupDeps, sweepDeps } from '../forge/composition';

/** Scheduled every five minutes: wakes what is due and has no wake-up (see `sweep`). */
export async function deliverySweeper(): Promise<void> {
  const report = await sweep(sweepDeps());
  if (report.changesPushed > 0 || report.fanOutWoken || report.drainsWoken > 0 || report.orphansCancelled > 0) {
    console.info(`sweeper: ${report.changesPushed} change event(s) pushed, fan-out ${report.fanOutWoken ? 'woken' : 'idle'}, ${report.drainsWoken} drain(s) woken, ${report.orphansCancelled} orphaned deliveries cancelled`);
  }
  // Field cleanups whose chain of wake-ups stopped (a push refused by a chain cut) go on from their record.
  const cleanups = await wakeStalledCleanups(fieldCleanupDeps());
  if (cleanups > 0) console.info(`sweeper: ${cleanups} stalled field cleanup(s) woken`);
}
