import { startApp } from '../common/start';
import { ProjectPage } from './ProjectPage';

/** The project page's code, loaded by main.tsx once it has asked for the page's data. */
export function start(themeReady: Promise<void>): void {
  void startApp(<ProjectPage />, themeReady);
}
