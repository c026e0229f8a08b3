import { startApp } from '../common/start';
import { AdminApp } from './AdminApp';

/** Projectrak Administration's code, loaded by main.tsx once it has asked for the page's data. */
export function start(themeReady: Promise<void>): void {
  void startApp(<AdminApp />, themeReady);
}
