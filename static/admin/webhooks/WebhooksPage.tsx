import Button from '@atlaskit/button/new';
import PageHeader from '@atlaskit/page-header';
import { token } from '@atlaskit/tokens';
import { Suspense, useEffect, useRef, useState, type FocusEvent } from 'react';
import { Loading, PageError, Subtle } from '../../common/layout';
import { ChunkBoundary } from '../../common/lazy-chunk';
import { useResolverQuery } from '../../common/use-resolver-query';
import { BackToList } from './BackToList';
import { detailChunk, dialogsChunk, WebhookDetail, WebhookDialogs } from './chunks';
import { useWebhooks } from './use-webhooks';
import type { WebhookDialog } from './WebhookDialogs';
import { WebhooksIntro, WebhooksList } from './WebhooksList';
import { Notice } from '../../common/Notice';

export interface WebhooksPageProps {
  /** The webhook whose detail is open (its own address, `/webhooks/<id>`), or null for the list. */
  readonly openId: string | null;
  /** Opens a webhook's detail (null: back to the list), as a new history entry. */
  readonly onOpenWebhook: (webhookId: string | null) => void;
}

/**
 * Projectrak Administration -> Outgoing webhooks: the list, and a webhook's detail (status and
 * delivery log) at an address of its own. Coming back to the list puts the focus back on the
 * webhook that was open, so keyboard users keep their place.
 */
export function WebhooksPage({ openId, onOpenWebhook }: WebhooksPageProps) {
  const page = useWebhooks();
  const fields = useResolverQuery('listFieldDefinitions', undefined);
  const [dialog, setDialog] = useState<WebhookDialog>(null);
  const { list, webhooks } = page;
  // The webhook whose detail was shown last: its name gets the focus when the list comes back.
  const returnTo = useRef<string | null>(null);
  // A webhook just created: its name gets the focus once its dialogs are closed.
  const created = useRef<string | null>(null);
  const fieldNames = new Map((fields.value?.fields ?? []).map((f) => [f.id, f.name]));

  const open = openId === null ? undefined : webhooks.find((w) => w.id === openId);
  const showingList = openId === null;
  useEffect(() => {
    if (!showingList || list.status !== 'ready' || returnTo.current === null) return;
    const row = document.querySelector(`[data-testid="webhook-row-${CSS.escape(returnTo.current)}"] [data-testid="webhook-name"]`);
    returnTo.current = null;
    if (row instanceof HTMLElement) row.focus();
  }, [showingList, list.status]);
  if (open) returnTo.current = open.id;
  // The dialogs' code and a webhook's page load once the pointer or the focus comes into the page
  // (the first click then opens them at once), not with the list: a glance costs nothing.
  const warmUp = () => {
    dialogsChunk.warm();
    detailChunk.warm();
  };
  // Not when the page itself moves the focus to its title (opening a webhook does): that is no
  // sign of a click to come, and the dialogs' code would compete with the delivery log's.
  const warmUpOnFocus = (event: FocusEvent<HTMLElement>) => {
    if (!(event.target instanceof HTMLHeadingElement)) warmUp();
  };

  // When a dialog closes, the modal gives the focus back to what opened it. After a create the
  // focus goes to the new webhook; when what opened the dialog is gone (a deleted row, the Save
  // button of the dialog before), to the page's title: never to the page's body.
  const dialogOpen = dialog !== null;
  const wasOpen = useRef(false);
  useEffect(() => {
    const closed = wasOpen.current && !dialogOpen;
    wasOpen.current = dialogOpen;
    if (!closed) return undefined;
    const timer = setTimeout(() => {
      const active = document.activeElement;
      const target = created.current;
      created.current = null;
      const name = target === null ? null : document.querySelector(`[data-testid="webhook-row-${CSS.escape(target)}"] [data-testid="webhook-name"]`);
      if (name instanceof HTMLElement) {
        name.focus();
        return;
      }
      if (active !== null && active !== document.body) return;
      const heading = document.querySelector('h1');
      if (!(heading instanceof HTMLElement)) return;
      heading.tabIndex = -1;
      heading.focus();
    }, 400);
    return () => clearTimeout(timer);
  }, [dialogOpen]);

  const dialogs =
    dialog === null ? null : (
      <ChunkBoundary>
        <Suspense fallback={null}>
          <WebhookDialogs
            dialog={dialog}
            webhooks={webhooks}
            onOpen={setDialog}
            onChanged={({ deleted, created: createdId }) => {
              if (createdId !== undefined) created.current = createdId;
              if (deleted !== undefined && deleted === openId) {
                returnTo.current = null;
                onOpenWebhook(null);
              }
              void page.reload(true);
            }}
          />
        </Suspense>
      </ChunkBoundary>
    );

  if (openId !== null) {
    if (open) {
      return (
        <section aria-label={`Webhook ${open.name}`} data-testid="webhook-detail-page" onPointerMove={warmUp} onFocus={warmUpOnFocus}>
          <ChunkBoundary>
            <Suspense fallback={<Loading label="Loading the webhook…" />}>
              <WebhookDetail
                webhook={open}
                fieldNames={fieldNames}
                onBack={() => onOpenWebhook(null)}
                onOpen={setDialog}
                onToggle={(active) => void page.setActive(open, active)}
                toggling={page.toggling.has(open.id)}
                onChanged={() => void page.reload(true)}
              />
            </Suspense>
          </ChunkBoundary>
          {dialogs}
        </section>
      );
    }
    return (
      <section aria-label="Outgoing webhooks" data-testid="webhook-detail-page">
        <PageHeader breadcrumbs={<BackToList onBack={() => onOpenWebhook(null)} />}>Outgoing webhook</PageHeader>
        {list.status === 'loading' ? <Loading label="Loading the webhook…" /> : null}
        {list.status === 'failed' ? <PageError title="The webhook could not be loaded" message={list.error.message} actions={<Button onClick={() => void page.reload()}>Try again</Button>} /> : null}
        {list.status === 'ready' ? (
          <Notice appearance="warning" title="This webhook does not exist" testId="webhook-not-found">
            <p>It may have been deleted. The list of outgoing webhooks shows the ones there are.</p>
          </Notice>
        ) : null}
      </section>
    );
  }

  return (
    <section aria-label="Outgoing webhooks" data-testid="webhooks-page" onPointerMove={warmUp} onFocus={warmUpOnFocus}>
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
      {page.refreshError ? (
        <div style={{ marginBottom: token('space.200') }}>
          <Notice appearance="warning" title="The status could not be refreshed" testId="webhooks-refresh-error">
            <p>{page.refreshError.message} The list shows the last status loaded; it is tried again in a few seconds.</p>
          </Notice>
        </div>
      ) : null}
      {list.status === 'ready' ? (
        <WebhooksList webhooks={webhooks} fieldNames={fieldNames} toggling={page.toggling} onOpen={setDialog} onSelect={(w) => onOpenWebhook(w.id)} onToggle={(w, active) => void page.setActive(w, active)} />
      ) : null}
      {dialogs}
    </section>
  );
}
