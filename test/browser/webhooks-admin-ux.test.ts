import { describe, expect, it, jest } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { WebhookDto } from '../../src/shared/webhooks-contract';
import { browserSuite, REPO_ROOT, USERS, type ShellPage } from './harness';
import { flagWithTitle, gone, screenshot, text, visible } from './ui-helpers';

jest.setTimeout(120_000);

const WEBHOOKS = '/?module=projectrak-admin&route=webhooks';
const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
/** The longest name a webhook may have (120 characters), as an admin might write one. */
const LONG_NAME = 'Finance and controlling: nightly budget reconciliation for the EMEA portfolio office, with the project status feed (v2)'.padEnd(120, '!');

/** A README screenshot of the page as it is (docs/screenshots); the tests do not compare pixels. */
async function docsShot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
}

/** A loopback port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether the element is the focused one of its frame. */
const isFocused = (locator: Locator) => locator.evaluate((el) => el === el.ownerDocument.activeElement);

/** The frame's page is as wide as its frame: nothing sticks out sideways. */
async function fitsItsFrame(frame: FrameLocator): Promise<{ scrollWidth: number; clientWidth: number }> {
  return frame.locator('html').evaluate((html) => ({ scrollWidth: html.scrollWidth, clientWidth: html.clientWidth }));
}

/** Waits until the locator shows this text (the pages poll their status every few seconds). */
async function showing(locator: Locator, pattern: RegExp | string, timeout = 20_000): Promise<string> {
  const match = locator.filter({ hasText: pattern }).first();
  await match.waitFor({ state: 'visible', timeout });
  return text(match);
}

/**
 * The webhooks pages as a Jira admin meets them at their edges: a 120-character name, a receiver
 * that refuses connections or answers 404, a keyboard, a phone, a shared link; and the wording
 * of failures and dialogs.
 */
describe('outgoing webhooks: layout, focus, addresses and plain words', () => {
  const suite = browserSuite({ setup });
  let port = 0;
  const hooks: Record<'finance' | 'long' | 'warehouse', WebhookDto | undefined> = { finance: undefined, long: undefined, warehouse: undefined };
  const hook = (key: keyof typeof hooks): WebhookDto => {
    const found = hooks[key];
    if (!found) throw new Error(`webhook ${key} was not created`);
    return found;
  };
  const row = (s: ShellPage, key: keyof typeof hooks) => s.app.getByTestId(`webhook-row-${hook(key).id}`);

  /** Three webhooks: one delivering, one with the longest name answered 404, one whose receiver is down; then one save of DEMO. */
  async function setup(): Promise<void> {
    const { app } = suite;
    const { receiver, host } = app.local;
    port = await closedPort();
    const [budget, status] = [await app.field('Budget'), await app.field('Status')];
    hooks.finance = (await app.invokeOk('admin', 'createWebhook', { name: 'Finance system', url: receiver.hookUrl('finance'), projectKeys: ['DEMO'], fieldIds: [budget.id, status.id] })).webhook;
    hooks.long = (await app.invokeOk('admin', 'createWebhook', { name: LONG_NAME, url: `${receiver.hookUrl('long')}?tenant=emea-portfolio-office&format=projectrak` })).webhook;
    hooks.warehouse = (await app.invokeOk('admin', 'createWebhook', { name: 'Warehouse sync', url: `https://127.0.0.1:${port}/hooks/warehouse` })).webhook;
    receiver.respondWith('long', { status: 404, body: 'no such hook' });
    const view = await app.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' });
    await app.invokeOk('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [budget.id]: 31 } });
    await host.settle();
  }

  it('keeps the list inside its frame with a 120-character name, wraps URLs between their parts, and shows each webhook’s filters (1280 and 390 px)', async () => {
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame, page } = shell;
    await page.setViewportSize({ width: 1280, height: 800 });
    const longRow = await visible(row(shell, 'long'));

    // The whole name shows (it wraps), and the row's actions stay on screen.
    expect(await text(longRow.getByTestId('webhook-name'))).toBe(LONG_NAME);
    const name = await longRow.getByTestId('webhook-name').boundingBox();
    expect(name?.height).toBeGreaterThan(30);
    const fit = await fitsItsFrame(frame);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.clientWidth);
    const frameBox = await page.getByTestId('app-frame').boundingBox();
    const deleteBox = await longRow.getByRole('button', { name: `Delete ${LONG_NAME}` }).boundingBox();
    expect((deleteBox?.x ?? Infinity) + (deleteBox?.width ?? 0)).toBeLessThanOrEqual((frameBox?.x ?? 0) + (frameBox?.width ?? 0));

    // A URL breaks after its parts, never inside host:port.
    const hostPort = row(shell, 'warehouse').getByTestId('webhook-url').locator('span', { hasText: `127.0.0.1:${port}/` });
    expect(await hostPort.evaluate((span) => span.getClientRects().length)).toBe(1);

    // What each webhook sends, and its last result in plain words.
    expect(await text(row(shell, 'finance').getByTestId('webhook-sends'))).toBe('DEMO · Budget, Status');
    expect(await text(row(shell, 'warehouse').getByTestId('webhook-sends'))).toBe('Every project · every field');
    expect(await showing(row(shell, 'warehouse').getByTestId('webhook-last-result'), 'ERROR')).toBe(`ERROR Could not connect to 127.0.0.1:${port}`);
    expect(await showing(row(shell, 'long').getByTestId('webhook-last-result'), 'ERROR')).toBe('ERROR The receiver answered 404 Not Found');
    expect(await text(row(shell, 'finance').getByTestId('webhook-last-result'))).toBe('OK HTTP 200');
    await docsShot(page, 'webhooks-list');

    // A phone: one card per webhook, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await visible(frame.getByTestId('webhooks-cards'));
    const narrow = await fitsItsFrame(frame);
    expect(narrow.scrollWidth).toBeLessThanOrEqual(narrow.clientWidth);
    expect(await text(row(shell, 'long').getByTestId('webhook-name'))).toBe(LONG_NAME);
    await docsShot(page, 'webhooks-list-narrow');
    expect(shell.problems).toEqual([]);
  });

  it('opens a failing webhook at an address of its own: plain words once, the recorded error one click away; reload, Back and the Back button keep the place and the focus', async () => {
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame, page } = shell;
    await page.setViewportSize({ width: 1280, height: 1000 });
    const open = row(shell, 'warehouse').getByTestId('webhook-name');
    await (await visible(open)).focus();
    await page.keyboard.press('Enter');

    // The detail: its own address, the focus on its title, the sidebar still on Outgoing webhooks.
    const title = await visible(frame.getByRole('heading', { level: 1, name: 'Warehouse sync' }));
    expect(await isFocused(title)).toBe(true);
    expect(decodeURIComponent(page.url())).toContain(`route=webhooks/${hook('warehouse').id}`);
    expect(await page.getByTestId('nav-projectrak-admin-webhooks').getAttribute('aria-current')).toBe('page');

    const summary = frame.getByTestId('webhook-summary');
    expect(await showing(frame.getByTestId('webhook-detail-last-result'), 'ERROR')).toBe(`ERROR Could not connect to 127.0.0.1:${port}`);
    // Said once, and the raw error only on request.
    expect((await text(summary)).split('Could not connect').length - 1).toBe(1);
    expect(await frame.getByTestId('webhook-detail-page').innerText()).not.toContain('ECONNREFUSED');
    await frame.getByTestId('webhook-detail-last-result-detail-toggle').click();
    expect(await text(frame.getByTestId('webhook-detail-last-result-detail'))).toMatch(/^connection failed: .*ECONNREFUSED/);

    // The delivery is retrying (not a blue "Pending"), saying which attempt comes and when.
    const delivery = frame.getByTestId('delivery-log').locator('li').first();
    expect(await text(delivery.getByTestId('delivery-status'))).toBe('Retrying');
    expect(await text(delivery.getByTestId('delivery-summary'))).toMatch(new RegExp(`^Retrying, attempt \\d of 8, (next at \\d\\d:\\d\\d|due now) · Could not connect to 127\\.0\\.0\\.1:${port}$`));
    await docsShot(page, 'webhook-failing');

    // Reload: the same webhook.
    await page.reload();
    await visible(frame.getByRole('heading', { level: 1, name: 'Warehouse sync' }));
    // The browser's Back: the list, the focus on the webhook that was open.
    await page.goBack();
    await visible(frame.getByTestId('webhooks-page'));
    const name = row(shell, 'warehouse').getByTestId('webhook-name');
    await expect(waitFor(() => isFocused(name))).resolves.toBe(true);

    // The page's own Back button does the same.
    await page.keyboard.press('Enter');
    await visible(frame.getByRole('heading', { level: 1, name: 'Warehouse sync' }));
    await frame.getByTestId('webhook-back').click();
    await visible(frame.getByTestId('webhooks-page'));
    await expect(waitFor(() => isFocused(row(shell, 'warehouse').getByTestId('webhook-name')))).resolves.toBe(true);
    expect(decodeURIComponent(page.url())).toMatch(/route=webhooks(&|$)/);
    expect(shell.problems).toEqual([]);
  });

  it('an address of a webhook that is gone says so', async () => {
    const shell = await suite.open(USERS.admin, `${WEBHOOKS}/no-such-webhook`);
    expect(await text(shell.app.getByTestId('webhook-not-found'))).toContain('This webhook does not exist');
    await shell.app.getByTestId('webhook-back').click();
    await visible(shell.app.getByTestId('webhooks-page'));
  });

  it('the Active toggle keeps the keyboard focus: Space disables, Space again enables', async () => {
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { page } = shell;
    const toggle = row(shell, 'finance').getByLabel('Finance system active');
    await (await visible(toggle)).focus();
    await page.keyboard.press('Space');
    await flagWithTitle(page, 'Disabled Finance system');
    expect(await isFocused(toggle)).toBe(true);
    expect(await toggle.isChecked()).toBe(false);
    await page.keyboard.press('Space');
    await flagWithTitle(page, 'Enabled Finance system');
    expect(await isFocused(toggle)).toBe(true);
    expect(await toggle.isChecked()).toBe(true);
    expect((await suite.app.invokeOk('admin', 'getWebhook', { id: hook('finance').id })).active).toBe(true);
  });

  it('the form moves the focus to the first bad field, shows the server’s URL error once, and names a taken name as it is stored', async () => {
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame } = shell;
    await (await visible(frame.getByTestId('create-webhook'))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    expect(await text(dialog.locator('#webhook-name-message'))).toContain('At most 120 characters.');

    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(waitFor(() => isFocused(dialog.getByLabel(/^Name/)))).resolves.toBe(true);

    // A URL only the server refuses at Save (its field error), said once, at the field.
    await dialog.getByLabel(/^Name/).fill('Billing');
    await dialog.getByLabel(/^URL/).fill('https://10.0.0.7/projectrak');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(waitFor(() => isFocused(dialog.getByLabel(/^URL/)))).resolves.toBe(true);
    const refused = await suite.app.invokeOk('admin', 'checkWebhookUrl', { url: 'https://10.0.0.7/projectrak' });
    if (refused.ok) throw new Error('the URL policy let a private address through');
    expect((await text(dialog)).split(refused.message).length - 1).toBe(1);
    expect(await dialog.getByTestId('webhook-form-error').count()).toBe(0);

    // A name another admin took meanwhile (this page does not know it): named as stored.
    await suite.app.invokeOk('admin', 'createWebhook', { name: 'Billing Feed', url: suite.app.local.receiver.hookUrl('billing') });
    await dialog.getByLabel(/^Name/).fill('billing FEED');
    await dialog.getByLabel(/^URL/).fill(suite.app.local.receiver.hookUrl('billing2'));
    await showing(dialog.getByTestId('webhook-url-message'), 'The URL can receive webhooks.');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await showing(dialog.locator('#webhook-name-message'), 'exists already')).toBe('A webhook named "Billing Feed" exists already. Choose another name.');
    await expect(waitFor(() => isFocused(dialog.getByLabel(/^Name/)))).resolves.toBe(true);
    expect(await dialog.getByTestId('webhook-form-error').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await gone(frame.getByRole('dialog'));
  });

  it('after creating a webhook and closing its secret, the focus is on the new webhook, not on the page', async () => {
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame } = shell;
    await (await visible(frame.getByTestId('create-webhook'))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    await dialog.getByLabel(/^Name/).fill('Focus check');
    await dialog.getByLabel(/^URL/).fill(suite.app.local.receiver.hookUrl('focus'));
    await showing(dialog.getByTestId('webhook-url-message'), 'The URL can receive webhooks.');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await (await visible(frame.getByTestId('webhook-secret-done'))).click();
    await gone(frame.getByTestId('webhook-secret'));
    const { webhooks } = await suite.app.invokeOk('admin', 'listWebhooks');
    const made = webhooks.find((w) => w.name === 'Focus check');
    if (!made) throw new Error('the webhook was not created');
    await expect(waitFor(() => isFocused(frame.getByTestId(`webhook-row-${made.id}`).getByTestId('webhook-name')))).resolves.toBe(true);
    await suite.app.invokeOk('admin', 'deleteWebhook', { id: made.id });
  });

  it('Escape on the shown-once secret asks before closing', async () => {
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame, page } = shell;
    await (await visible(row(shell, 'finance').getByRole('button', { name: 'Rotate the secret of Finance system' }))).click();
    await (await visible(frame.getByTestId('rotate-secret'))).getByRole('button', { name: 'Rotate secret' }).click();
    const secret = await visible(frame.getByTestId('webhook-secret'));
    expect(await text(secret)).not.toContain('README');
    await page.keyboard.press('Escape');
    const question = await visible(secret.getByTestId('webhook-secret-close-question'));
    expect(await text(question)).toContain('Close without copying the secret?');
    await question.getByRole('button', { name: 'Keep it open' }).click();
    await gone(secret.getByTestId('webhook-secret-close-question'));
    expect(await secret.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await secret.getByTestId('webhook-secret-close-anyway').click();
    await gone(frame.getByTestId('webhook-secret'));

    // The rotation as the detail says it: until an exact time, and how long that is.
    await row(shell, 'finance').getByTestId('webhook-name').click();
    expect(await text(frame.getByTestId('webhook-detail-secret'))).toMatch(/^Rotated: the previous secret also signs requests until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 2[34] hours\)\.$/);
  });

  it('the detail page: Delete is not a red button; Resend failed since… does not open its calendar over the buttons', async () => {
    const shell = await suite.open(USERS.admin, `${WEBHOOKS}/${hook('long').id}`);
    const { app: frame, page } = shell;
    await page.setViewportSize({ width: 1280, height: 900 });
    await visible(frame.getByTestId('webhook-title'));
    const background = (locator: Locator) => locator.evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor ?? '');
    expect(await background(frame.getByTestId('webhook-delete'))).toBe(await background(frame.getByTestId('webhook-resend-failed')));
    const fit = await fitsItsFrame(frame);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.clientWidth);
    await showing(frame.getByTestId('delivery-log').locator('li').first().getByTestId('delivery-summary'), '404 Not Found');

    await frame.getByTestId('webhook-resend-failed').click();
    const dialog = await visible(frame.getByTestId('resend-failed'));
    // The dialog focuses the date; its calendar stays closed, so Cancel and Resend can be clicked.
    for (const name of ['Cancel', 'Resend failed']) {
      const button = dialog.getByRole('button', { name, exact: true });
      await visible(button);
      const hit = await button.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const at = el.ownerDocument.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return at !== null && el.contains(at);
      });
      expect(hit).toBe(true);
    }
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await gone(frame.getByTestId('resend-failed'));

    // On a phone the page (its long title, actions and log) fits the screen too.
    await page.setViewportSize({ width: 390, height: 844 });
    await frame.getByTestId('delivery-log').locator('li').first().getByTestId('delivery-toggle').click();
    await visible(frame.getByTestId('attempt-1'));
    const phone = await fitsItsFrame(frame);
    expect(phone.scrollWidth).toBeLessThanOrEqual(phone.clientWidth);
    await screenshot(page, 'webhook-detail-390');
    expect(shell.problems).toEqual([]);
  });

  it('cancels a delivery stuck retrying from its log: a confirmation says what it does, then the log says cancelled, by whom and when', async () => {
    const shell = await suite.open(USERS.admin, `${WEBHOOKS}/${hook('warehouse').id}`);
    const { app: frame } = shell;
    const delivery = frame.getByTestId('delivery-log').locator('li').first();
    expect(await showing(delivery.getByTestId('delivery-status'), 'Retrying')).toBe('Retrying');
    await delivery.getByTestId('delivery-cancel').click();
    const dialog = await visible(frame.getByTestId('cancel-delivery'));
    expect(await text(dialog)).toMatch(/will not get this change of DEMO.*sent right away/s);
    await dialog.getByRole('button', { name: 'Cancel delivery' }).click();
    await gone(frame.getByTestId('cancel-delivery'));
    expect(await showing(delivery.getByTestId('delivery-status'), 'Cancelled')).toBe('Cancelled');
    await gone(delivery.getByTestId('delivery-cancel'));
    await delivery.getByTestId('delivery-toggle').click();
    expect(await showing(delivery.getByTestId('delivery-cancelled'), 'Alice Admin')).toMatch(/^Cancelled by Alice Admin on /);
    const stored = await suite.app.invokeOk('admin', 'listDeliveries', { webhookId: hook('warehouse').id, status: 'cancelled' });
    expect(stored.deliveries).toHaveLength(1);
    expect(shell.problems).toEqual([]);
  });

  it("a webhook's own address does not load the dialogs' code while its log loads (the title takes the focus); a pointer in the page does", async () => {
    const shell = await suite.open(USERS.admin, `${WEBHOOKS}/${hook('warehouse').id}`);
    const { app: frame, page } = shell;
    const dialogs: string[] = [];
    page.on('request', (request) => {
      if (/\/WebhookDialogs-[^/]*\.js$/.test(new URL(request.url()).pathname)) dialogs.push(request.url());
    });
    await page.reload();
    const title = await visible(frame.getByRole('heading', { level: 1, name: 'Warehouse sync' }));
    await visible(frame.getByTestId('delivery-log').locator('li').first());
    expect(await isFocused(title)).toBe(true);
    await new Promise((done) => setTimeout(done, 500));
    expect(dialogs).toEqual([]);
    // The pointer comes into the page: the first click on Edit or Delete should find the code there.
    await frame.getByTestId('webhook-summary').hover();
    expect(await waitFor(async () => dialogs.length > 0, 10_000)).toBe(true);
    await shell.close();
  });
});

/** Polls a check until it is true (focus moves after React renders), or answers false after a while. */
async function waitFor(check: () => Promise<boolean>, timeout = 5_000): Promise<boolean> {
  const until = Date.now() + timeout;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((done) => setTimeout(done, 100));
  }
}
