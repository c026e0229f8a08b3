import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import PageHeader from '@atlaskit/page-header';
import { Suspense, useState } from 'react';
import type { ApiTokenDto } from '../../../src/shared/api-tokens-contract';
import { call } from '../../common/api';
import { flag } from '../../common/flags';
import { Loading, PageError, Stack, Subtle } from '../../common/layout';
import { ChunkBoundary, chunk, lazyFrom } from '../../common/lazy-chunk';
import { useResolverQuery } from '../../common/use-resolver-query';
import { curlExample, formatWhen } from './api-token-text';
import { CopyField } from './CopyField';
import { DataTable } from '../common/DataTable';
import { Notice } from '../../common/Notice';

// The create and revoke dialogs are a chunk of their own, loaded once the pointer or the focus
// comes into the page.
const dialogs = chunk(() => Promise.all([import('./CreateTokenModal'), import('../common/ConfirmModal')]));
const CreateTokenModal = lazyFrom(dialogs, ([m]) => m.CreateTokenModal);
const ConfirmModal = lazyFrom(dialogs, ([, m]) => m.ConfirmModal);

const HEAD = {
  cells: [
    { key: 'name', content: 'Name', width: 26 },
    { key: 'createdBy', content: 'Created by', width: 22 },
    { key: 'createdAt', content: 'Created', width: 18 },
    { key: 'lastUsedAt', content: 'Last used', width: 18 },
    { key: 'actions', content: <span className="visually-hidden">Actions</span>, width: 16 },
  ],
};

/** API tokens for the management REST API: created here, shown once, revoked here. */
export function ApiTokensPage() {
  const tokens = useResolverQuery('listApiTokens', undefined);
  const baseUrl = useResolverQuery('getApiBaseUrl', undefined).value?.url ?? null;
  const { state: list, reload } = tokens;
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);
  const all = tokens.value?.tokens ?? [];

  const header = (
    <PageHeader
      breadcrumbs={<Subtle>Projectrak Administration</Subtle>}
      actions={
        <Button appearance="primary" onClick={() => setCreating(true)} testId="create-api-token">
          Create API token
        </Button>
      }
    >
      API tokens
    </PageHeader>
  );

  const rows = all.map((t) => ({
    key: t.id,
    testId: `api-token-${t.id}`,
    cells: [
      { key: 'name', content: <strong style={{ overflowWrap: 'anywhere' }}>{t.name}</strong> },
      { key: 'createdBy', content: t.createdBy.displayName },
      { key: 'createdAt', content: formatWhen(t.createdAt) },
      { key: 'lastUsedAt', content: formatWhen(t.lastUsedAt) },
      {
        key: 'actions',
        content: (
          <Button appearance="subtle" onClick={() => setRevoking(t)} testId={`revoke-${t.id}`} aria-label={`Revoke ${t.name}`}>
            Revoke
          </Button>
        ),
      },
    ],
  }));

  return (
    <div data-testid="api-tokens-page" onPointerMove={dialogs.warm} onFocus={dialogs.warm}>
      {header}
      <Stack gap="space.300">
        <p style={{ margin: 0 }}>
          Scripts use the Projectrak management REST API with a token, acting as the Jira admin who created it (and only while they are a Jira admin). Each token is
          shown once, when it is created; Projectrak keeps only a hash of it.
        </p>
        {baseUrl ? (
          <Stack gap="space.100">
            <Subtle>The API&apos;s base URL on this site, and a first call to try (GET /openapi.json describes every route):</Subtle>
            <CopyField value={baseUrl} label="API base URL" testId="api-base-url" />
            <CopyField value={curlExample(baseUrl, created?.token)} label="Example curl command" testId="api-curl" />
          </Stack>
        ) : null}
        {created ? (
          <Notice appearance="success" title={`Copy the token "${created.name}" now`} testId="api-token-created">
            <Stack gap="space.100">
              <p style={{ margin: 0 }}>This is the only time it is shown. Store it where your script keeps secrets; if it is lost, revoke it and create a new one.</p>
              <CopyField value={created.token} label="New API token" testId="api-token-value" />
              <div>
                <Button onClick={() => setCreated(null)} testId="api-token-done">
                  I have copied it
                </Button>
              </div>
            </Stack>
          </Notice>
        ) : null}
        {list.status === 'loading' ? <Loading label="Loading API tokens…" /> : null}
        {list.status === 'failed' ? <PageError title="The API tokens could not load" message={list.error.message} actions={<Button onClick={() => void reload()}>Try again</Button>} /> : null}
        {list.status === 'ready' && all.length === 0 ? (
          // The page title is the h1: the empty state's heading comes next, at level 2.
          <EmptyState header="No API tokens yet" headingLevel={2} description="Create a token to let a script manage webhooks and change project fields." testId="no-api-tokens" />
        ) : null}
        {list.status === 'ready' && all.length > 0 ? <DataTable head={HEAD} rows={rows} testId="api-tokens-table" caption={<span className="visually-hidden">API tokens</span>} /> : null}
      </Stack>
      <ChunkBoundary>
        <Suspense fallback={null}>
          {creating ? (
            <CreateTokenModal
              onClose={() => setCreating(false)}
              onCreated={(name, value) => {
                setCreating(false);
                setCreated({ name, token: value });
                void reload(true);
              }}
            />
          ) : null}
          {revoking ? (
            <ConfirmModal
              title={`Revoke ${revoking.name}?`}
              confirmLabel="Revoke"
              appearance="danger"
              testId="revoke-api-token"
              onClose={() => setRevoking(null)}
              onConfirm={async () => {
                const result = await call('revokeApiToken', { id: revoking.id });
                if (!result.ok) return result.error;
                flag('success', `Revoked ${revoking.name}`, 'Scripts using it are refused from now on.');
                void reload(true);
                return null;
              }}
            >
              <p style={{ marginTop: 0 }}>Every script using this token is refused from its next request. This cannot be undone; a new token can be created at any time.</p>
            </ConfirmModal>
          ) : null}
        </Suspense>
      </ChunkBoundary>
    </div>
  );
}
