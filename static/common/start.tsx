import '@atlaskit/css-reset';
import './base.css';
import { setBooleanFeatureFlagResolver } from '@atlaskit/platform-feature-flags';
import { view } from '@forge/bridge';
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * Boots a Custom UI page: the product's theme first (Forge applies the user's light or dark
 * design tokens once the app asks for them), then React. Nothing here loads from the network.
 */
export async function startApp(app: ReactElement): Promise<void> {
  // Atlaskit asks Atlassian's feature-flag client about changes being rolled out; an app frame
  // has no such client, so every flag is off: the components' stable behaviour, and no warning.
  setBooleanFeatureFlagResolver(() => false);
  try {
    await view.theme.enable();
  } catch {
    // Without theming the tokens keep their built-in light fallbacks; the page still works.
  }
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root element');
  createRoot(container).render(<StrictMode>{app}</StrictMode>);
}
