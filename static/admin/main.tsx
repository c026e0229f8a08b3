import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { bootPage, enableTheme } from '../common/boot';
import { detailChunk, pageChunk } from './page-chunks';
import { locationFromPath } from './routes';
import { firstPageQuery } from './webhooks/delivery-log';

// The page's first script, kept small (static/common/boot.ts): the theme, the session, the shown
// subpage's data and its code are asked for side by side while the page's own code (app.tsx,
// fetched beside this script) loads; the page's first `call`s take these answers.
const themeReady = enableTheme();
prefetch('getSession');
void view
  .createHistory()
  .then((history) => {
    const { route, webhookId } = locationFromPath(history.location.pathname);
    // The data first: starting a chunk adds its styles and preload links to the document, which
    // takes the main thread a while, and the calls are what the page waits for longest.
    if (webhookId !== null) prefetch('listDeliveries', firstPageQuery(webhookId));
    if (route === 'webhooks') {
      prefetch('listWebhooks');
      prefetch('listFieldDefinitions');
    } else if (route === 'fields') {
      prefetch('listFieldDefinitions');
      prefetch('listFieldCleanups');
    } else if (route === 'api-tokens') {
      prefetch('listApiTokens');
      prefetch('getApiBaseUrl');
    }
    if (webhookId !== null) detailChunk.warm();
    pageChunk(route).warm();
  })
  .catch(() => undefined);

bootPage(() => import('./app'), themeReady);
