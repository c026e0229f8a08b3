import Button from '@atlaskit/button/new';
import PageHeader from '@atlaskit/page-header';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import { Loading, PageError, Subtle } from '../../common/layout';
import { useWebhooks } from './use-webhooks';
import { WebhookDetail } from './WebhookDetail';
import { WebhookDialogs, type WebhookDialog } from './WebhookDialogs';
import { WebhooksIntro, WebhooksList } from './WebhooksList';

/**
 * Projectrak Administration -> Outgoing webhooks: the list, and a webhook's detail (status and
 * delivery log) in place of it while one is open. The detail is page state, not a route: the
 * admin page's route stays `webhooks`, and "Back" returns to the list.
 */
export function WebhooksPage() {
  const page = useWebhooks();
  const [dialog, setDialog] = useState<WebhookDialog>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const { list, webhooks } = page;

  const dialogs = (
    <WebhookDialogs
      dialog={dialog}
      webhooks={webhooks}
      onOpen={setDialog}
      onChanged={({ deleted }) => {
        if (deleted !== undefined && deleted === openId) setOpenId(null);
        void page.reload(true);
      }}
    />
  );

  const open = openId === null ? undefined : webhooks.find((w) => w.id === openId);
  if (open) {
    return (
      <section aria-label={`Webhook ${open.name}`} data-testid="webhook-detail-page">
        <WebhookDetail webhook={open} onBack={() => setOpenId(null)} onOpen={setDialog} onToggle={(active) => void page.setActive(open, active)} toggling={page.toggling.has(open.id)} onChanged={() => void page.reload(true)} />
        {dialogs}
      </section>
    );
  }

  return (
    <section aria-label="Outgoing webhooks" data-testid="webhooks-page">
      <PageHeader
        breadcrumbs={<Subtle>Projectrak Administration</Subtle>}
        actions={
          list.status === 'ready' && webhooks.length > 0 ? (
            <Button appearance="primary" onClick={() => setDialog({ kind: 'create' })} testId="create-webhook">
              Create webhook
            </Button>
          ) : undefined
        }
      >
        Outgoing webhooks
      </PageHeader>
      <WebhooksIntro />
      {list.status === 'loading' ? <Loading label="Loading webhooks…" /> : null}
      {list.status === 'failed' ? <PageError title="The webhooks could not be loaded" message={list.error.message} actions={<Button onClick={() => void page.reload()}>Try again</Button>} /> : null}
      {list.status === 'ready' && list.refreshError ? (
        <div style={{ marginBottom: token('space.200') }}>
          <SectionMessage appearance="warning" title="The status could not be refreshed" testId="webhooks-refresh-error">
            <p>{list.refreshError.message} The list shows the last status loaded; it is tried again in a few seconds.</p>
          </SectionMessage>
        </div>
      ) : null}
      {list.status === 'ready' ? <WebhooksList webhooks={webhooks} toggling={page.toggling} onOpen={setDialog} onSelect={(w) => setOpenId(w.id)} onToggle={(w, active) => void page.setActive(w, active)} /> : null}
      {dialogs}
    </section>
  );
}
