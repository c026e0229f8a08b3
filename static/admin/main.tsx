import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { startApp } from '../common/start';
import { AdminApp } from './AdminApp';
import { pageChunk } from './pages';
import { locationFromPath } from './routes';
import { detailChunk } from './webhooks/chunks';
import { firstPageQuery } from './webhooks/delivery-log';

// The session, the first subpage's data and its code load side by side with the page's theme
// instead of one after the other (the page's first `call`s take these answers).
prefetch('getSession');
void view
  .createHistory()
  .then((history) => {
    const { route, webhookId } = locationFromPath(history.location.pathname);
    pageChunk(route).warm();
    if (webhookId !== null) {
      detailChunk.warm();
      prefetch('listDeliveries', firstPageQuery(webhookId));
    }
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

void startApp(<AdminApp />);
