import Button from '@atlaskit/button/new';
import PageHeader from '@atlaskit/page-header';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { token } from '@atlaskit/tokens';
import { Suspense, type ReactElement } from 'react';
import { Loading, PageError, PageFrame, Subtle } from '../common/layout';
import { ChunkBoundary } from '../common/lazy-chunk';
import { useResolverQuery } from '../common/use-resolver-query';
import { ApiTokensPage, FieldsPage, WebhooksPage } from './pages';
import { ADMIN_PAGES, type AdminLocation } from './routes';
import { useAdminRoute } from './use-admin-route';
import { Notice } from '../common/Notice';

/**
 * Projectrak Administration: one Forge admin page with three subpages. Jira's sidebar lists the
 * subpages and the route comes from the page's history; where the host offers no history the
 * page shows tabs instead.
 */
export function AdminApp() {
  const { state, reload } = useResolverQuery('getSession', undefined);
  const navigation = useAdminRoute();

  if (state.status === 'loading' || navigation.mode === 'pending') {
    return (
      <PageFrame testId="admin-page">
        <Loading label="Loading Projectrak Administration…" />
      </PageFrame>
    );
  }
  if (state.status === 'failed') {
    return (
      <PageFrame testId="admin-page">
        <PageHeader>Projectrak Administration</PageHeader>
        <PageError title="Projectrak Administration could not load" message={state.error.message} actions={<Button onClick={() => void reload()}>Try again</Button>} />
      </PageFrame>
    );
  }
  const session = state.value;
  if (!session.isJiraAdmin) {
    return (
      <PageFrame testId="admin-page">
        <PageHeader>Projectrak Administration</PageHeader>
        <Notice appearance="warning" title="Only Jira admins can use Projectrak Administration" testId="not-admin">
          <p>
            You are signed in as {session.displayName}, who is not a Jira admin. Jira admins define project fields, webhooks and API tokens here. To see
            or edit a project&apos;s fields, open the project and choose Projectrak.
          </p>
        </Notice>
      </PageFrame>
    );
  }

  const { navigate } = navigation;
  const pageFor = (location: AdminLocation): ReactElement => (
    <ChunkBoundary>
      <Suspense fallback={<Loading label="Loading the page…" />}>{subpage(location)}</Suspense>
    </ChunkBoundary>
  );
  const subpage = (location: AdminLocation): ReactElement => {
    switch (location.route) {
      case 'fields':
        return <FieldsPage />;
      case 'webhooks':
        return <WebhooksPage openId={location.webhookId} onOpenWebhook={(webhookId) => navigate({ route: 'webhooks', webhookId })} />;
      case 'api-tokens':
        return <ApiTokensPage />;
    }
  };

  const footer = (
    <footer style={{ marginTop: token('space.600') }}>
      <Subtle style={{ font: token('font.body.small') }}>Projectrak Webhooks {session.appVersion}</Subtle>
    </footer>
  );

  if (navigation.mode === 'history') {
    return (
      <PageFrame testId="admin-page">
        {pageFor(navigation.location)}
        {footer}
      </PageFrame>
    );
  }

  // No history from the host: the subpages become tabs.
  const selected = ADMIN_PAGES.findIndex((p) => p.route === navigation.location.route);
  return (
    <PageFrame testId="admin-page">
      <div style={{ marginTop: token('space.200') }}>
        <Tabs id="projectrak-admin-tabs" selected={selected < 0 ? 0 : selected} onChange={(index) => navigate({ route: ADMIN_PAGES[index]?.route ?? 'webhooks', webhookId: null })}>
          <TabList>
            {ADMIN_PAGES.map((p) => (
              <Tab key={p.route}>{p.title}</Tab>
            ))}
          </TabList>
          {ADMIN_PAGES.map((p) => (
            <TabPanel key={p.route}>
              <div style={{ width: '100%' }}>{p.route === navigation.location.route ? pageFor(navigation.location) : null}</div>
            </TabPanel>
          ))}
        </Tabs>
      </div>
      {footer}
    </PageFrame>
  );
}
