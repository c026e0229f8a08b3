import { kvs } from '@forge/kvs';
import { asApp, startTestHost, type TestHost } from '../support/host-fixture';
import { dumpStorage } from '../support/storage-dump';

/**
 * Webhook names are unique (trimmed, ignoring case) through a record per name, claimed in the
 * same KVS transaction as the webhook: checked by key, whatever the number of webhooks.
 */

let t: TestHost;

beforeEach(async () => {
  t = await startTestHost({ allowLoopbackTargets: true });
});
afterEach(async () => {
  await t.stop();
});

let urls = 0;
const hookInput = (name: string) => ({ name, url: `https://hooks.example.com/names/${(urls += 1)}` });
const create = (name: string) => t.invokeOk('admin', 'createWebhook', hookInput(name));
const names = async () => (await t.invokeOk('admin', 'listWebhooks')).webhooks.map((w) => w.name).sort();

async function refused(call: Promise<{ ok: boolean; error?: { code: string; message: string; fieldErrors?: Readonly<Record<string, string>> } }>, takenAs: string): Promise<void> {
  const result = await call;
  const message = `A webhook named "${takenAs}" exists already. Choose another name.`;
  expect(result).toEqual({ ok: false, error: { code: 'CONFLICT', message, fieldErrors: { name: message } } });
}

/** KVS requests of one call, from the host's usage counters. */
async function kvsRequestsOf(run: () => Promise<unknown>): Promise<number> {
  t.host.resetUsage();
  await run();
  return t.host.usage().total.kvsRequests;
}

describe('webhook names', () => {
  it('a name taken in any case or with spaces is refused on create, named as stored', async () => {
    await create('Finance');
    await refused(t.invoke('admin', 'createWebhook', hookInput('  fINANCE ')), 'Finance');
    expect(await names()).toEqual(['Finance']);
  });

  it('rename: refused onto another webhook’s name; frees the old name; a change of case keeps it', async () => {
    const finance = await create('Finance');
    const sales = await create('Sales');
    await refused(t.invoke('admin', 'updateWebhook', { id: sales.webhook.id, name: 'finance' }), 'Finance');

    await t.invokeOk('admin', 'updateWebhook', { id: finance.webhook.id, name: 'Billing' });
    // The old name is free, the new one taken.
    await create('finance');
    await refused(t.invoke('admin', 'createWebhook', hookInput('BILLING')), 'Billing');

    // The same name in another case stays this webhook's, and is named so afterwards.
    await t.invokeOk('admin', 'updateWebhook', { id: sales.webhook.id, name: 'SALES' });
    await refused(t.invoke('admin', 'createWebhook', hookInput('sales')), 'SALES');
    expect(await names()).toEqual(['Billing', 'SALES', 'finance']);
  });

  it('delete frees the name', async () => {
    const first = await create('Ops');
    await t.invokeOk('admin', 'deleteWebhook', { id: first.webhook.id });
    const again = await create('ops');
    expect(again.webhook.name).toBe('ops');
    expect(await names()).toEqual(['ops']);
  });

  it('two admins creating the same name at once: exactly one webhook is created, and no stray secret', async () => {
    const results = await Promise.all([
      t.invoke('admin', 'createWebhook', hookInput('Race')),
      t.invoke('admin', 'createWebhook', hookInput('race ')),
      t.invoke('admin', 'createWebhook', hookInput('RACE')),
    ]);
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => !r.ok)) expect(lost).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/^A webhook named "(Race|race |RACE)" exists already/) } });
    const hooks = (await t.invokeOk('admin', 'listWebhooks')).webhooks;
    expect(hooks).toHaveLength(1);
    // Each create stored a secret first; the losers' are gone again. One name record, the winner's.
    const rows = dumpStorage(t.host);
    const secrets = rows.filter((r) => r.table === 'kvs_secrets' && r.key.endsWith(':current')).map((r) => r.key);
    expect(secrets).toEqual([`secret:webhook:${hooks[0]?.id ?? ''}:current`]);
    expect(rows.filter((r) => r.entity === 'webhook-name').map((r) => JSON.parse(r.value))).toEqual([{ schemaVersion: 1, webhookId: hooks[0]?.id, name: hooks[0]?.name }]);
  });

  it('creating the next webhook costs the same KVS requests with 50 webhooks as with 5 (no listing), at most 10', async () => {
    for (let i = 0; i < 5; i++) await create(`Hook ${i}`);
    const at5 = await kvsRequestsOf(() => create('Next at 5'));
    for (let i = 5; i < 50; i++) await create(`Hook ${i}`);
    const at50 = await kvsRequestsOf(() => create('Next at 50'));
    expect(at50).toBe(at5);
    expect(at50).toBeLessThanOrEqual(10);
    // A rename too.
    const hooks = (await t.invokeOk('admin', 'listWebhooks')).webhooks;
    const renameAt50 = await kvsRequestsOf(() => t.invokeOk('admin', 'updateWebhook', { id: hooks[0]?.id ?? '', name: 'Renamed' }));
    expect(renameAt50).toBeLessThanOrEqual(15);
  });

  describe('webhooks stored before names were claimed (a registry without namesClaimed, no name records)', () => {
    /** Writes webhooks as the app did before: the records and the registry, nothing per name. */
    async function storeOlderWebhooks(list: readonly { id: string; name: string; createdAt: number }[]): Promise<void> {
      await asApp(async () => {
        for (const w of list) {
          await kvs.entity('webhook').set(`webhook:${w.id}`, {
            schemaVersion: 1,
            id: w.id,
            name: w.name,
            url: `https://hooks.example.com/old/${w.id}`,
            active: true,
            projects: null,
            fieldIds: null,
            createdAt: w.createdAt,
            createdBy: t.accountId('admin'),
            updatedAt: w.createdAt,
            version: 1,
            disabledReason: null,
            disabledAt: null,
            previousSecretUntil: null,
          });
          await kvs.setSecret(`secret:webhook:${w.id}:current`, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
        }
        await kvs.entity('webhook-registry').set('webhook-registry', { schemaVersion: 1, version: 3, ids: list.map((w) => w.id) });
      });
    }

    it('their names are protected on create and rename, and claimed once for every webhook', async () => {
      await storeOlderWebhooks([
        { id: 'old-1', name: 'Legacy Feed', createdAt: 1_000 },
        { id: 'old-2', name: 'Audit', createdAt: 2_000 },
      ]);
      await refused(t.invoke('admin', 'createWebhook', hookInput('legacy feed')), 'Legacy Feed');
      await refused(t.invoke('admin', 'updateWebhook', { id: 'old-2', name: 'LEGACY FEED' }), 'Legacy Feed');
      const registry = await asApp(() => kvs.entity<{ namesClaimed?: boolean; ids: string[] }>('webhook-registry').get('webhook-registry'));
      expect(registry).toMatchObject({ namesClaimed: true, ids: ['old-1', 'old-2'] });

      // A new name works, and the old webhooks rename and delete as new ones do.
      const fresh = await create('Fresh');
      await refused(t.invoke('admin', 'updateWebhook', { id: fresh.webhook.id, name: 'audit' }), 'Audit');
      await t.invokeOk('admin', 'updateWebhook', { id: 'old-2', name: 'Audit v2' });
      await create('audit');
      await t.invokeOk('admin', 'deleteWebhook', { id: 'old-1' });
      await create('Legacy feed');
      expect(await names()).toEqual(['Audit v2', 'Fresh', 'Legacy feed', 'audit']);
    });

    it('the first check claims every older name, then later creates read by key only', async () => {
      await storeOlderWebhooks(Array.from({ length: 30 }, (_, i) => ({ id: `old-${i}`, name: `Old ${i}`, createdAt: 1_000 + i })));
      const migrating = await kvsRequestsOf(() => create('New 1'));
      const after = await kvsRequestsOf(() => create('New 2'));
      expect(migrating).toBeGreaterThan(after);
      expect(after).toBeLessThanOrEqual(10);
      await refused(t.invoke('admin', 'createWebhook', hookInput('OLD 29')), 'Old 29');
      await refused(t.invoke('admin', 'createWebhook', hookInput('old 0')), 'Old 0');
    });

    it('two older webhooks sharing a name: the oldest holds it, and neither may take another taken name', async () => {
      await storeOlderWebhooks([
        { id: 'old-a', name: 'Twin', createdAt: 1_000 },
        { id: 'old-b', name: 'twin', createdAt: 2_000 },
      ]);
      await refused(t.invoke('admin', 'createWebhook', hookInput('TWIN')), 'Twin');
      // The younger twin may be renamed away; it may not rename onto the older one's name in another case.
      await refused(t.invoke('admin', 'updateWebhook', { id: 'old-b', name: 'TWIN' }), 'Twin');
      await t.invokeOk('admin', 'updateWebhook', { id: 'old-b', name: 'Twin B' });
      await refused(t.invoke('admin', 'createWebhook', hookInput('twin')), 'Twin');
    });
  });

  it('a name record whose webhook is gone (a write lost between platforms) does not hold the name', async () => {
    const kept = await create('Kept');
    // The record of a webhook that no longer exists, under the name "Ghost".
    const ghostKey = await asApp(async () => {
      const { createHash } = await import('node:crypto');
      const key = `webhook-name:${createHash('sha256').update('ghost').digest('hex')}`;
      await kvs.entity('webhook-name').set(key, { schemaVersion: 1, webhookId: 'gone', name: 'Ghost' });
      return key;
    });
    const ghost = await create('GHOST');
    const claim = await asApp(() => kvs.entity<{ webhookId: string; name: string }>('webhook-name').get(ghostKey));
    expect(claim).toEqual({ schemaVersion: 1, webhookId: ghost.webhook.id, name: 'GHOST' });
    await refused(t.invoke('admin', 'createWebhook', hookInput('ghost')), 'GHOST');
    expect(kept.webhook.name).toBe('Kept');
  });

  it('a stored name record of an unknown shape is an error naming the record, and nothing is created', async () => {
    await asApp(async () => {
      const { createHash } = await import('node:crypto');
      await kvs.entity('webhook-name').set(`webhook-name:${createHash('sha256').update('broken').digest('hex')}`, { schemaVersion: 1, webhookId: '', name: 'Broken' });
    });
    // Rethrown at the entry point (the platform logs it), never a half-checked name.
    await expect(t.invoke('admin', 'createWebhook', hookInput('Broken'))).rejects.toThrow(/^Stored webhook name webhook-name:[0-9a-f]{64} has an unexpected shape: webhookId/);
    expect(await names()).toEqual([]);
  });
});
