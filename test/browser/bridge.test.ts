import { describe, expect, it, jest } from '@jest/globals';
import type { Frame } from 'playwright-core';
import { browserSuite, project, USERS, type ShellPage } from './harness';
import { flagWithTitle, visible } from './ui-helpers';

jest.setTimeout(60_000);

/**
 * The offline host's bridge as `@forge/bridge` uses it: each call goes through
 * `globalThis.__bridge.callBridge(name, payload)` in the app frame, as the SDK's modules do.
 */
describe('the offline bridge', () => {
  const suite = browserSuite();

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
    const shell = await suite.open(USERS.viewer, '/?module=projectrak-project-page&project=DEMO');
    const context = await callBridge(await appFrame(shell), 'getContext');
    expect(context).toMatchObject({
      accountId: USERS.viewer.accountId,
      siteUrl: suite.app.baseUrl,
      environmentType: 'DEVELOPMENT',
      moduleKey: 'projectrak-project-page',
      locale: 'en-US',
      extension: { type: 'jira:projectPage', project: { id: String(project('DEMO').id), key: 'DEMO', type: 'software' } },
      theme: { colorMode: 'light' },
    });
    expect((context as { localId: string }).localId).toMatch(/^ari:cloud:ecosystem::extension\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/static\/projectrak-project-page$/);
  });

  it('runs invoke as the shell user, and rejects like Forge when the resolver fails', async () => {
    const shell = await suite.open(USERS.admin, '/?module=projectrak-admin&route=fields');
    const frame = await appFrame(shell);
    const session = await callBridge(frame, 'invoke', { functionKey: 'getSession', payload: { accountId: USERS.viewer.accountId } });
    // The payload cannot choose the principal.
    expect(session).toMatchObject({ ok: true, value: { accountId: USERS.admin.accountId, displayName: 'Alice Admin', isJiraAdmin: true } });

    const logged = suite.app.hostLog.length;
    await expect(callBridge(frame, 'invoke', { functionKey: 'noSuchResolver', payload: {} })).rejects.toThrow("There was an error invoking the function - Resolver has no definition for 'noSuchResolver'.");
    // The platform records the failure; the page learns only the message.
    expect(suite.app.hostLog.slice(logged)).toEqual([expect.stringMatching(/^resolver projectrak-admin\/noSuchResolver failed: /)]);
    await expect(callBridge(frame, 'fetchProduct', {})).rejects.toThrow('The offline Forge host does not support the bridge call "fetchProduct".');
  });

  it('shows flags in the shell and runs their actions in the app frame', async () => {
    const shell = await suite.open(USERS.admin, '/?module=projectrak-admin&route=fields');
    const frame = await appFrame(shell);
    await frame.evaluate(
      `globalThis.__bridge.callBridge('showFlag', { id: 'undo', title: 'Field deleted', description: 'Budget is gone.', type: 'warning', actions: [{ text: 'Undo', onClick() { document.body.dataset.undone = 'yes'; } }] })`,
    );
    expect(await flagWithTitle(shell.page, 'Field deleted')).toBe('Budget is gone.');
    await shell.page.getByRole('button', { name: 'Undo' }).click();
    // The action marks the app frame's document (waitForFunction would need eval, which the
    // page's Content Security Policy forbids, as on Forge).
    await shell.app.locator('body[data-undone="yes"]').waitFor({ state: 'attached', timeout: 5_000 });
    await callBridge(frame, 'closeFlag', { id: 'undo' });
    await shell.page.getByTestId('flag').waitFor({ state: 'detached' });
  });

  it('moves the shell with the app history and navigates to other modules', async () => {
    const shell = await suite.open(USERS.admin, '/?module=projectrak-admin&route=webhooks');
    const frame = await appFrame(shell);
    await frame.evaluate(`globalThis.__bridge.callBridge('createHistory').then((history) => history.push('/api-tokens'))`);
    await shell.page.waitForURL(/route=api-tokens/);
    expect(await shell.page.getByTestId('nav-projectrak-admin-api-tokens').getAttribute('aria-current')).toBe('page');
    await visible(shell.app.getByTestId('api-tokens-page'));

    await callBridge(frame, 'navigate', { target: 'module', moduleKey: 'projectrak-project-page', projectKey: 'OPS', type: 'same-tab' });
    await shell.page.waitForURL(/module=projectrak-project-page&project=OPS/);
    await visible(shell.app.getByText('Project fields of Operations (OPS)'));
    // Leaving a page aborts the calls it still had on their way (its start-up calls: the webhooks
    // page asks for its data before its code has loaded), as any browser does; nothing else failed.
    expect(shell.problems.filter((problem) => !/^request failed: \S+\/_bridge\/invoke \(net::ERR_ABORTED\)$/.test(problem))).toEqual([]);
  });
});
