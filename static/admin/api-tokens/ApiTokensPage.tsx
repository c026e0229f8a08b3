import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import EmptyState from '@atlaskit/empty-state';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import PageHeader from '@atlaskit/page-header';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useCallback, useEffect, useState } from 'react';
import type { ApiTokenDto } from '../../../src/shared/api-tokens-contract';
import { API_TOKEN_NAME_MAX_LENGTH } from '../../../src/shared/api-tokens-contract';
import { call, type CallError } from '../../common/api';
import { flag } from '../../common/flags';
import { Loading, PageError, Stack, Subtle } from '../../common/layout';
import { curlExample, formatWhen } from './api-token-text';
import { CopyField } from './CopyField';

type ListState = { readonly status: 'loading' } | { readonly status: 'failed'; readonly error: CallError } | { readonly status: 'ready'; readonly tokens: readonly ApiTokenDto[] };

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
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [baseUrl, setBaseUrl] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);

  const load = useCallback(async (quiet = false) => {
    if (!quiet) setList({ status: 'loading' });
    const result = await call('listApiTokens');
    setList(result.ok ? { status: 'ready', tokens: result.value.tokens } : { status: 'failed', error: result.error });
  }, []);

  useEffect(() => {
    void load();
    void call('getApiBaseUrl').then((result) => setBaseUrl(result.ok ? result.value.url : null));
  }, [load]);

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

  const rows =
    list.status === 'ready'
      ? list.tokens.map((t) => ({
          key: t.id,
          testId: `api-token-${t.id}`,
          cells: [
            { key: 'name', content: <strong>{t.name}</strong> },
            { key: 'createdBy', content: t.createdBy.displayName },
            { key: 'createdAt', content: formatWhen(t.createdAt) },
            { key: 'lastUsedAt', content: formatWhen(t.lastUsedAt) },
            {
              key: 'actions',
              content: (
                <Button appearance="subtle" onClick={() => setRevoking(t)} testId={`revoke-${t.id}`}>
                  Revoke
                </Button>
              ),
            },
          ],
        }))
      : [];

  return (
    <div data-testid="api-tokens-page">
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
          <SectionMessage appearance="success" title={`Copy the token "${created.name}" now`} testId="api-token-created">
            <Stack gap="space.100">
              <p style={{ margin: 0 }}>This is the only time it is shown. Store it where your script keeps secrets; if it is lost, revoke it and create a new one.</p>
              <CopyField value={created.token} label="New API token" testId="api-token-value" />
              <div>
                <Button onClick={() => setCreated(null)} testId="api-token-done">
                  I have copied it
                </Button>
              </div>
            </Stack>
          </SectionMessage>
        ) : null}
        {list.status === 'loading' ? <Loading label="Loading API tokens…" /> : null}
        {list.status === 'failed' ? <PageError title="The API tokens could not load" message={list.error.message} actions={<Button onClick={() => void load()}>Try again</Button>} /> : null}
        {list.status === 'ready' && list.tokens.length === 0 ? (
          <EmptyState header="No API tokens yet" description="Create a token to let a script manage webhooks and change project fields." testId="no-api-tokens" />
        ) : null}
        {list.status === 'ready' && list.tokens.length > 0 ? <DynamicTable head={HEAD} rows={rows} testId="api-tokens-table" /> : null}
      </Stack>
      {creating ? (
        <CreateTokenModal
          onClose={() => setCreating(false)}
          onCreated={(name, value) => {
            setCreating(false);
            setCreated({ name, token: value });
            void load(true);
          }}
        />
      ) : null}
      {revoking ? (
        <RevokeTokenModal
          apiToken={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setRevoking(null);
            void load(true);
          }}
        />
      ) : null}
    </div>
  );
}

function CreateTokenModal({ onClose, onCreated }: { readonly onClose: () => void; readonly onCreated: (name: string, token: string) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (name.trim() === '') return setError('Give the token a name that says which script uses it.');
    setBusy(true);
    setError(null);
    const result = await call('createApiToken', { name: name.trim() });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    onCreated(result.value.apiToken.name, result.value.token);
  };
  return (
    <ModalTransition>
      <Modal onClose={busy ? () => undefined : onClose} width="small" testId="create-api-token-modal" label="Create API token">
        <ModalHeader>
          <ModalTitle>Create API token</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <label htmlFor="api-token-name" style={{ display: 'block', marginBottom: token('space.050') }}>
            Name
          </label>
          <Textfield id="api-token-name" value={name} maxLength={API_TOKEN_NAME_MAX_LENGTH} onChange={(e) => setName(e.currentTarget.value)} testId="api-token-name" autoFocus />
          {error ? (
            <p role="alert" style={{ color: token('color.text.danger') }}>
              {error}
            </p>
          ) : null}
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose} isDisabled={busy}>
            Cancel
          </Button>
          <Button appearance="primary" onClick={() => void submit()} isLoading={busy} testId="api-token-create-submit">
            Create
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}

function RevokeTokenModal({ apiToken, onClose, onRevoked }: { readonly apiToken: ApiTokenDto; readonly onClose: () => void; readonly onRevoked: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    const result = await call('revokeApiToken', { id: apiToken.id });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    flag('success', `Revoked ${apiToken.name}`, 'Scripts using it are refused from now on.');
    onRevoked();
  };
  return (
    <ModalTransition>
      <Modal onClose={busy ? () => undefined : onClose} width="small" testId="revoke-api-token-modal" label={`Revoke ${apiToken.name}`}>
        <ModalHeader>
          <ModalTitle appearance="danger">Revoke {apiToken.name}?</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <p>Every script using this token is refused from its next request. This cannot be undone; a new token can be created at any time.</p>
          {error ? (
            <p role="alert" style={{ color: token('color.text.danger') }}>
              {error}
            </p>
          ) : null}
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose} isDisabled={busy}>
            Cancel
          </Button>
          <Button appearance="danger" onClick={() => void revoke()} isLoading={busy} testId="revoke-api-token-confirm">
            Revoke
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
