import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { bootPage, enableTheme } from '../common/boot';

// The page's first script, kept small (static/common/boot.ts): the theme and the project's fields
// (with the names of the people they mention) are asked for while the page's code (app.tsx,
// fetched beside this script) loads; the page's first `call` takes this answer.
const themeReady = enableTheme();
void view
  .getContext()
  .then((context) => {
    const key: unknown = context.extension?.project?.key;
    if (typeof key === 'string' && key !== '') prefetch('getProjectFields', { projectKey: key });
  })
  .catch(() => undefined);

bootPage(() => import('./app'), themeReady);
