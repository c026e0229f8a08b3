import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { startApp } from '../common/start';
import { AdminApp } from './AdminApp';

// The session and the first subpage's data load side by side with the page's theme and code
// instead of one after the other (the page's first `call`s take these answers).
prefetch('getSession');
void view
  .createHistory()
  .then((history) => {
    const route = history.location.pathname.replace(/^\/+/, '').split(/[/?#]/)[0] || 'webhooks';
    if (route === 'webhooks') {
      prefetch('listWebhooks');
      prefetch('listFieldDefinitions');
    } else if (route === 'fields') prefetch('listFieldDefinitions');
    else if (route === 'api-tokens') prefetch('listApiTokens');
  })
  .catch(() => undefined);

void startApp(<AdminApp />);
