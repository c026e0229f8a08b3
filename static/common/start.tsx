import '@atlaskit/css-reset';
import './base.css';
import { setBooleanFeatureFlagResolver } from '@atlaskit/platform-feature-flags';
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * Renders a Custom UI page once the product's theme applies (the page's first script asked for
 * it, static/common/boot.ts, while this code loaded), so it never shows in the wrong colours.
 * Nothing here loads from the network.
 */
export async function startApp(app: ReactElement, themeReady: Promise<void>): Promise<void> {
  // Atlaskit asks Atlassian's feature-flag client about changes being rolled out; an app frame
  // has no such client, so every flag is off: the components' stable behaviour, and no warning.
  setBooleanFeatureFlagResolver(() => false);
  await themeReady;
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root element');
  createRoot(container).render(<StrictMode>{app}</StrictMode>);
}
