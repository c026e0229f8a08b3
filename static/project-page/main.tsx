import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { bootPage, enableTheme } from '../common/boot';
import { accountIdsIn } from './people';

// The page's first script, kept small (static/common/boot.ts): the theme, the project's fields
// and then the names of the people they mention are asked for while the page's code (app.tsx,
// fetched beside this script) loads; the page's first `call`s take these answers.
const themeReady = enableTheme();
void view
  .getContext()
  .then(async (context) => {
    const key: unknown = context.extension?.project?.key;
    if (typeof key !== 'string' || key === '') return;
    const fields = await prefetch('getProjectFields', { projectKey: key });
    const accountIds = fields.ok ? accountIdsIn(fields.value) : [];
    if (accountIds.length > 0) prefetch('getUsers', { accountIds });
  })
  .catch(() => undefined);

bootPage(() => import('./app'), themeReady);
