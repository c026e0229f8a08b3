import { chunksReady } from '../common/chunk';
import { startApp } from '../common/start';
import { AdminApp } from './AdminApp';
import { createdHistory } from './host-history';
import { chunksOf } from './page-chunks';
import { locationFromPath } from './routes';

/**
 * How long the first render waits at most for the code of the subpage the page opens on: it is
 * on its way already (main.tsx started it before its data), usually arriving shortly after this
 * code; past this the page shows its loading state until it comes.
 */
const FIRST_VIEW_WAIT_MS = 500;

/**
 * Projectrak Administration's code, loaded by main.tsx once it has asked for the page's data.
 * The first render waits for the shown subpage's code too, so it shows the subpage in one render
 * (with its data, when that has arrived) instead of a fallback, then a retry when the code comes.
 */
export function start(themeReady: Promise<void>): void {
  const history = createdHistory();
  const opened = history ? locationFromPath(history.location.pathname) : null;
  void startApp(<AdminApp />, Promise.all([themeReady, chunksReady(opened === null ? [] : chunksOf(opened), FIRST_VIEW_WAIT_MS)]).then(() => undefined));
}
