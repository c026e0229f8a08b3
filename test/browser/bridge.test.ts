import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Frame } from 'playwright-core';
import { FakeBackend, USERS } from './fake-backend';
import { assertBuilt, launchChromium, openShell, startUiServer, type ShellPage, type UiServer } from './harness';
import { flagWithTitle, visible } from './ui-helpers';

jest.setTimeout(90_000);

/**
 * The offline host's bridge as `@forge/bridge` uses it: each call goes through
 * `globalThis.__bridge.callBridge(name, payload)` in the app frame, as the SDK's modules do.
 */
describe('the offline bridge', () => {
  let browser: Browser;
  let backend: FakeBackend;
  let server: UiServer;
  let shell: ShellPage | undefined;

  beforeAll(async () => {
    assertBuilt();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    backend = new FakeBackend();
    server = await startUiServer(backend);
  });
  afterEach(async () => {
    await shell?.context.close();
    shell = undefined;
    await server.close();
  });

  async function appFrame(opened: ShellPage): Promise<Frame> {
    await visible(opened.app.locator('main'));
    const frame = opened.page.frames().find((f) => f.url().includes('/app/'));
    if (!frame) throw new Error('no app frame');
    return frame;
  }

  /** Runs `callBridge(name, payload)` in the app frame and answers what it resolves to. */
  const callBridge = (frame: Frame, name: string, payload?: unknown) =>
    frame.evaluate(`globalThis.__bridge.callBridge(${JSON.stringify(name)}, ${JSON.stringify(payload ?? null)})`) as Promise<unknown>;

  it('answers getContext as Forge does for a project page', async () => {
    shell = await openShell(browser, server, USERS.viewer, '/?module=projectrak-project-page&project=MKT');
    const context = await callBridge(await appFrame(shell), 'getContext');
    expect(context).toMatchObject({
      accountId: USERS.viewer.accountId,
      siteUrl: server.baseUrl,
      environmentType: 'DEVELOPMENT',
      moduleKey: 'projectrak-project-page',
      locale: 'en-US',
      extension: { type: 'jira:projectPage', project: { id: '10002', key: 'MKT', type: 'software' } },
      theme: { colorMode: 'light' },
    });
    expect((context as { localId: string }).localId).toMatch(/^ari:cloud:ecosystem::extension\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/static\/projectrak-project-page$/);
  });

  it('runs invoke as the shell user, and rejects like Forge when the resolver fails', async () => {
    shell = await openShell(browser, server, USERS.admin, '/?module=projectrak-admin&route=fields');
    const frame = await appFrame(shell);
    const session = await callBridge(frame, 'invoke', { functionKey: 'getSession', payload: { accountId: USERS.viewer.accountId } });
    // The payload cannot choose the principal.
    expect(session).toMatchObject({ ok: true, value: { accountId: USERS.admin.accountId, isJiraAdmin: true } });

    await expect(callBridge(frame, 'invoke', { functionKey: 'noSuchResolver', payload: {} })).rejects.toThrow("There was an error invoking the function - Resolver has no definition for 'noSuchResolver'.");
    expect(server.hostErrors).toHaveLength(1);
    await expect(callBridge(frame, 'fetchProduct', {})).rejects.toThrow('The offline Forge host does not support the bridge call "fetchProduct".');
  });

  it('shows flags in the shell and runs their actions in the app frame', async () => {
    shell = await openShell(browser, server, USERS.admin, '/?module=projectrak-admin&route=fields');
    const frame = await appFrame(shell);
    await frame.evaluate(`globalThis.__bridge.callBridge('showFlag', { id: 'undo', title: 'Field deleted', description: 'Budget is gone.', type: 'warning', actions: [{ text: 'Undo', onClick() { globalThis.undone = true; } }] })`);
    expect(await flagWithTitle(shell.page, 'Field deleted')).toBe('Budget is gone.');
    await shell.page.getByRole('button', { name: 'Undo' }).click();
    // (waitForFunction would need eval, which the page's Content Security Policy forbids, as on Forge.)
    for (let tries = 0; (await frame.evaluate('globalThis.undone === true')) !== true; tries += 1) {
      if (tries > 50) throw new Error('the flag action did not run in the app frame');
      await shell.page.waitForTimeout(100);
    }
    await callBridge(frame, 'closeFlag', { id: 'undo' });
    await shell.page.getByTestId('flag').waitFor({ state: 'detached' });
  });

  it('moves the shell with the app history and navigates to other modules', async () => {
    shell = await openShell(browser, server, USERS.admin, '/?module=projectrak-admin&route=webhooks');
    const frame = await appFrame(shell);
    await frame.evaluate(`globalThis.__bridge.callBridge('createHistory').then((history) => history.push('/api-tokens'))`);
    await shell.page.waitForURL(/route=api-tokens/);
    expect(await shell.page.getByTestId('nav-projectrak-admin-api-tokens').getAttribute('aria-current')).toBe('page');
    await visible(shell.app.getByText('API tokens arrive in a later version'));

    await callBridge(frame, 'navigate', { target: 'module', moduleKey: 'projectrak-project-page', projectKey: 'MKT', type: 'same-tab' });
    await shell.page.waitForURL(/module=projectrak-project-page&project=MKT/);
    await visible(shell.app.getByText('Project fields of Marketing site (MKT)'));
  });
});
