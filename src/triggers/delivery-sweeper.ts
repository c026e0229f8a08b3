import { sweep } from '../app/sweep';
import { sweepDeps } from '../forge/composition';

/** Scheduled every five minutes: wakes what is due and has no wake-up (see `sweep`). */
export async function deliverySweeper(): Promise<void> {
  const report = await sweep(sweepDeps());
  if (report.changesPushed > 0 || report.fanOutWoken || report.drainsWoken > 0 || report.orphansCancelled > 0) {
    console.info(`sweeper: ${report.changesPushed} change event(s) pushed, fan-out ${report.fanOutWoken ? 'woken' : 'idle'}, ${report.drainsWoken} drain(s) woken, ${report.orphansCancelled} orphaned deliveries cancelled`);
  }
}
