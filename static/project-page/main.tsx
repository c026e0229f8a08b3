import { view } from '@forge/bridge';
import { prefetch } from '../common/api';
import { startApp } from '../common/start';
import { ProjectPage } from './ProjectPage';

// The project's fields load side by side with the page's theme and code (the page's first
// `call` takes this answer) instead of after the page has rendered.
void view
  .getContext()
  .then((context) => {
    const key: unknown = context.extension?.project?.key;
    if (typeof key === 'string' && key !== '') prefetch('getProjectFields', { projectKey: key });
  })
  .catch(() => undefined);

void startApp(<ProjectPage />);
