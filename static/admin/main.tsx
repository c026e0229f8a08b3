import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { bootPage, enableTheme } from '../common/boot';
import { keepHistory } from './host-history';
import { chunksOf } from './page-chunks';
import { locationFromPath } from './routes';
import { firstPageQuery } from './webhooks/delivery-log';

// The page's first script, kept small (static/common/boot.ts): the theme, the session, the shown
// subpage's code and its data are asked for side by side while the page's own code (app.tsx,
// fetched beside this script) loads; the page's first `call`s take these answers.
const themeReady = enableTheme();
prefetch('getSession');
void keepHistory(view.createHistory())
  .then((history) => {
    const { route, webhookId } = locationFromPath(history.location.pathname);
    // The view's own code first, then its data: the host answers a file only once the resolver
    // calls ahead of it have had their turn, so code asked for after the calls arrived after the
    // data. What most views share is linked from the HTML already (vite.config.ts) and the styles
    // are one file there, so starting the chunk adds a few preload links to the document.
    for (const code of chunksOf({ route, webhookId })) code.warm();
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
  })
  .catch(() => undefined);

bootPage(() => import('./app'), themeReady);
