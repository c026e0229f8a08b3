import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { bootPage, enableTheme } from '../common/boot';
import { warmFormats } from '../common/formats';

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
// Every project page shows dates and numbers as soon as its fields arrive (the automatic Updated
// and Created dates at least): the browser loads its locale data for them while it waits.
warmFormats();

bootPage(() => import('./app'), themeReady);
