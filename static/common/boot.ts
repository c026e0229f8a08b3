import { view } from '@forge/bridge';

/**
 * A page's first script is small on purpose (its `main.tsx`): it asks for the product's theme
 * and the page's start-up data at once, then runs the page's code, a chunk of its own that the
 * browser fetches beside this one (vite.config.ts preloads it from the HTML). So the resolver
 * calls and the theme no longer wait until the page's ~400 KB of code has been parsed and run.
 * Nothing here may import React or Atlaskit: it would move into this first script.
 */

/** The page's code: `start` renders it once the theme is applied. */
export interface PageModule {
  start(themeReady: Promise<void>): void;
}

/**
 * Asks for the user's light or dark design tokens now; the promise settles once they apply (or
 * failed: the tokens keep their built-in light fallbacks and the page still works).
 */
export function enableTheme(): Promise<void> {
  return view.theme.enable().then(
    () => undefined,
    () => undefined,
  );
}

/** Runs the page's code once it has arrived; when it cannot arrive, says so in plain HTML. */
export function bootPage(load: () => Promise<PageModule>, themeReady: Promise<void>): void {
  load().then(
    (page) => page.start(themeReady),
    () => showLoadFailure(),
  );
}

function showLoadFailure(): void {
  const root = document.getElementById('root');
  if (!root) return;
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.style.margin = '24px';
  message.textContent = "Projectrak could not be loaded: the app's code did not arrive. Check the connection and reload the page.";
  root.replaceChildren(message);
}
