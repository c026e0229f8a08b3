import { describe, expect, it, jest } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import type { WebhookDto } from '../../src/shared/webhooks-contract';
import { browserSuite, callsTo, REPO_ROOT, USERS, type ShellPage } from './harness';
import { choose, flagWithTitle, gone, text, visible } from './ui-helpers';

jest.setTimeout(90_000);

const WEBHOOKS = '/?module=projectrak-admin&route=webhooks';
const DEMO_PAGE = '/?module=projectrak-project-page&project=DEMO';
const HOOK = 'browser';
const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');

/** Screenshots for the README (docs/screenshots), of the page as it is; the tests do not compare pixels. */
async function readmeShot(page: Page, name: string, height = 900): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
}

/** Waits until the locator shows this text (the pages poll their status every few seconds). */
async function showing(locator: Locator, pattern: RegExp | string, timeout = 20_000): Promise<string> {
  const match = locator.filter({ hasText: pattern }).first();
  await match.waitFor({ state: 'visible', timeout });
  return text(match);
}

/**
 * Projectrak Administration -> Outgoing webhooks, clicked through as a Jira admin would, against
 * the whole app in the offline host and its demo HTTPS receiver. The tests run in order and share
 * one webhook: created as in the seed's steps, then fed by saves on the project page.
 */
describe('outgoing webhooks in the admin page', () => {
  const suite = browserSuite({ setup: startAsInTheSeed });
  let secret = '';
  let webhook: WebhookDto | undefined;

  const fieldIds = async () => ({ budget: (await suite.app.field('Budget')).id, status: (await suite.app.field('Status')).id });
  const current = async (): Promise<WebhookDto> => {
    const { webhooks } = await suite.app.invokeOk('admin', 'listWebhooks');
    const found = webhooks.find((w) => w.id === webhook?.id);
    if (!found) throw new Error('the webhook created by the first test is gone');
    return found;
  };
  /** A save of DEMO by the project admin, through the real resolver, and everything it causes. */
  const saveDemo = async (values: Record<string, unknown>) => {
    const view = await suite.app.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' });
    await suite.app.invokeOk('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values });
    await suite.app.local.host.settle();
  };
  const row = (s: ShellPage) => s.app.getByTestId(`webhook-row-${webhook?.id ?? ''}`);

  /** Before the first test, once the app has started (browserSuite runs it in its beforeAll). */
  async function startAsInTheSeed(): Promise<void> {
    // DEMO as the seed's example starts: Budget 25, Status On track (no webhook exists yet).
    const { budget, status } = await fieldIds();
    await saveDemo({ [budget]: 25, [status]: 'On track' });
  }

  it('creates a webhook as in the seed: Create webhook, a name and an https URL checked as typed, Save; the secret is shown once', async () => {
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame } = shell;
    expect(await text(frame.getByTestId('webhooks-empty'))).toMatch(/No outgoing webhooks yet.*signed HTTPS POST/);
    // No table over nothing: an empty list has no column headers.
    expect(await frame.getByRole('columnheader').count()).toBe(0);
    await frame.getByRole('button', { name: 'Create webhook' }).click();
    const dialog = await visible(frame.getByRole('dialog'));

    await dialog.getByLabel(/^Name/).fill('Finance system');
    const url = dialog.getByLabel(/^URL/);
    const message = dialog.getByTestId('webhook-url-message');
    // The server's URL policy, as the admin types, naming what is wrong.
    await url.fill('http://hooks.example.com/projectrak');
    expect(await showing(message, 'https://')).toContain('The scheme http: is not allowed; webhook URLs must start with https://.');
    await url.fill('https://10.0.0.7/projectrak');
    expect(await showing(message, /private|10\.0\.0\.7/)).toMatch(/10\.0\.0\.7/);
    await url.fill(suite.app.local.receiver.hookUrl(HOOK));
    await showing(message, 'The URL can receive webhooks.');
    // The optional filter: DEMO only.
    await choose(dialog.getByLabel('Projects'), 'DEMO', 'Demo project (DEMO)', frame);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();

    const secretDialog = await visible(frame.getByTestId('webhook-secret'));
    expect(await text(secretDialog)).toContain('Copy the secret now: you will not see it again');
    secret = await secretDialog.getByTestId('webhook-secret-value').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    suite.app.local.receiver.setSecret(HOOK, secret);
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await gone(frame.getByTestId('webhook-secret'));

    expect(callsTo(shell, 'createWebhook').map((c) => c.payload)).toEqual([{ name: 'Finance system', url: suite.app.local.receiver.hookUrl(HOOK), projectKeys: ['DEMO'], fieldIds: null, maxInFlight: 5 }]);
    const { webhooks } = await suite.app.invokeOk('admin', 'listWebhooks');
    expect(webhooks).toHaveLength(1);
    webhook = webhooks[0];
    expect(await text(row(shell))).toMatch(/Finance system.*\/hooks\/browser.*Never/);
    // The secret is nowhere else on the page once its dialog is closed.
    expect(await frame.locator('body').innerText()).not.toContain(secret);
    expect(shell.problems).toEqual([]);
  });

  it('a project admin saves Budget and Status at once: one POST with the seed body and data.revision, verified by standardwebhooks; the list shows OK', async () => {
    const { budget, status } = await fieldIds();
    suite.app.local.receiver.clear();
    let shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame, page } = shell;
    const budgetInput = await visible(frame.getByLabel('Budget'));
    await budgetInput.fill('23');
    await budgetInput.blur();
    await choose(frame.getByLabel('Status'), 'Don', 'Done', frame);
    await frame.getByRole('button', { name: 'Save' }).click();
    await flagWithTitle(page, 'Saved 2 fields');
    await readmeShot(page, 'project-page', 1000);
    await shell.close();
    await suite.app.local.host.settle();

    const got = suite.app.local.receiver.received(HOOK);
    expect(got).toHaveLength(1);
    const [request] = got;
    if (!request) throw new Error('no request');
    expect(request.verdict).toEqual({ valid: true });
    // Verified again here with the official library, as a receiver would.
    const verified = new Webhook(secret).verify(request.body, request.headers) as { data: Record<string, unknown> };
    const { data } = verified;
    expect(Object.keys(data).sort()).toEqual(['event', 'fields', 'project', 'revision', 'timestamp', 'user']);
    expect(data).toMatchObject({ event: 'updated', user: USERS.projectAdmin.accountId, project: { id: 13647, key: 'DEMO', name: 'Demo project' } });
    expect(typeof data.timestamp).toBe('number');
    expect(typeof data.revision).toBe('number');
    expect(data.fields).toEqual(
      expect.arrayContaining([
        { id: budget, name: 'Budget', type: 'number', value: { current: '23.000', previous: '25.000' } },
        { id: status, name: 'Status', type: 'status', value: { current: 'Done', previous: 'On track' } },
      ]),
    );
    expect(data.fields).toHaveLength(2);
    expect(request.headers['webhook-id']).toEqual(expect.any(String));
    expect(request.headers['webhook-signature']).toMatch(/^v1,\S+$/);
    expect(request.headers['webhook-attempt']).toBe('1');

    shell = await suite.open(USERS.admin, WEBHOOKS);
    expect(await showing(row(shell).getByTestId('webhook-last-result'), 'OK')).toBe('OK HTTP 200');
    expect(await text(row(shell).getByTestId('webhook-last-run'))).toBe('just now');
    expect(await row(shell).getByTestId('webhook-last-run').getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await text(row(shell).getByTestId('webhook-health'))).toBe('1 attempt, 0 failed · 0 pending');
    // (The README's list screenshot, with a long name and failing webhooks, is taken by webhooks-admin-ux.test.ts.)
    expect(shell.problems).toEqual([]);
  });

  it('a receiver answering 500 shows ERROR; the retry runs on the virtual clock; redeliver works from the delivery log', async () => {
    const { budget } = await fieldIds();
    const { receiver, host } = suite.app.local;
    receiver.clear();
    receiver.respondWith(HOOK, { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"database is down"}' });
    await saveDemo({ [budget]: 24 });

    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame, page } = shell;
    expect(await showing(row(shell).getByTestId('webhook-last-result'), 'ERROR')).toBe('ERROR The receiver answered 500 Internal Server Error');

    // The first retry is due 5 s (+/-20%) later, on the host's clock.
    await host.advanceClock(10_000);
    await host.settle();
    const attempts = receiver.received(HOOK);
    expect(attempts.map((r) => r.headers['webhook-attempt'])).toEqual(['2', '1']);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);

    // The detail: the 500 delivery, retrying (not a blue "Pending"), with both attempts.
    await row(shell).getByRole('button', { name: 'Open Finance system' }).click();
    const log = await visible(frame.getByTestId('delivery-log'));
    const failing = log.locator('li[data-status="pending"]').first();
    expect(await showing(failing.getByTestId('delivery-summary'), 'attempt 3')).toMatch(/^Retrying, attempt 3 of 8, next at \d\d:\d\d · The receiver answered 500 Internal Server Error$/);
    expect(await text(failing.getByTestId('delivery-status'))).toBe('Retrying');
    await failing.getByTestId('delivery-toggle').click();
    await visible(failing.getByTestId('attempt-2'));
    // Only the latest attempt says when the next one comes; the first one was retried.
    expect(await text(failing.getByTestId('attempt-2'))).toMatch(/Attempt 2 Failed, will retry .* HTTP 500 Internal Server Error Next attempt in/);
    expect(await text(failing.getByTestId('attempt-1'))).toMatch(/Attempt 1 Failed, retried .* HTTP 500 Internal Server Error/);
    expect(await text(failing.getByTestId('attempt-1'))).not.toMatch(/next attempt/i);
    expect(await text(failing.getByTestId('attempt-1').getByTestId('attempt-error'))).toBe('The receiver answered 500 Internal Server Error');
    // The recorded error is one click away.
    await failing.getByTestId('attempt-1-detail-toggle').click();
    expect(await text(failing.getByTestId('attempt-1-detail'))).toBe('receiver error (HTTP 500)');
    expect(await text(failing.getByTestId('attempt-1'))).toContain('webhook-attempt: 1');
    expect(await text(failing.getByTestId('attempt-1').getByTestId('attempt-response-body'))).toBe('{ "error": "database is down" }');
    expect(await text(failing.getByTestId('delivery-body'))).toContain('"revision":');
    expect(await text(frame.getByTestId('webhook-detail-last-result'))).toBe('ERROR The receiver answered 500 Internal Server Error');
    await readmeShot(page, 'webhook-delivery-log', 1300);

    // Redeliver the delivered one: the same webhook-id again, as the next attempt.
    receiver.respondWith(HOOK, undefined);
    receiver.clear();
    const delivered = log.locator('li[data-status="delivered"]').first();
    const deliveredId = (await delivered.getAttribute('data-testid'))?.replace(/^delivery-/, '');
    await delivered.getByRole('button', { name: 'Redeliver' }).click();
    expect(await flagWithTitle(page, 'Redelivery queued')).toContain('same webhook-id');
    await host.settle();
    const [again] = receiver.received(HOOK);
    expect(again?.headers['webhook-id']).toBe(deliveredId);
    expect(again?.headers['webhook-attempt']).toBe('2');
    expect(again?.verdict).toEqual({ valid: true });
    expect(await showing(frame.getByTestId(`delivery-${deliveredId ?? ''}`).getByTestId('delivery-summary'), 'Delivered on')).toBe('Delivered on attempt 2 · answered 200 OK');
    expect(callsTo(shell, 'redeliver')).toHaveLength(1);

    // The receiver is back: the pending delivery's next attempt (5 min later) succeeds.
    await host.advanceClock(6 * 60_000);
    await host.settle();
    expect(await showing(frame.getByTestId('webhook-detail-last-result'), /^OK/)).toBe('OK HTTP 200');

    // The log filtered by status: nothing failed for good.
    await choose(frame.getByLabel('Filter deliveries by status'), 'Fail', 'Failed', frame);
    expect(await text(frame.getByTestId('delivery-log-empty'))).toBe('No failed deliveries.');
    expect(callsTo(shell, 'listDeliveries').at(-1)?.payload).toEqual({ webhookId: webhook?.id, limit: 20, status: 'failed' });
    await choose(frame.getByLabel('Filter deliveries by status'), 'Deliv', 'Delivered', frame);
    await visible(log.locator('li').first());
    expect(new Set(await log.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-status'))))).toEqual(new Set(['delivered']));
    expect(shell.problems).toEqual([]);
  });

  it('a receiver answering 410 disables the webhook; the page says why; re-enabling offers to resend what failed', async () => {
    const { budget } = await fieldIds();
    const { receiver, host } = suite.app.local;
    receiver.respondWith(HOOK, { status: 410, body: 'gone' });
    await saveDemo({ [budget]: 22 });
    expect((await current()).active).toBe(false);

    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame, page } = shell;
    expect(await text(row(shell).getByTestId('webhook-disabled-reason'))).toMatch(/^Disabled by Projectrak just now: .*410/);
    const toggle = row(shell).getByLabel('Finance system active');
    expect(await toggle.isChecked()).toBe(false);

    receiver.respondWith(HOOK, undefined);
    receiver.clear();
    await toggle.click({ force: true });
    const enable = await visible(frame.getByTestId('enable-webhook'));
    expect(await text(enable)).toMatch(/Projectrak disabled it: .*410/);
    await enable.getByRole('button', { name: /^Enable and resend failed since \d{4}-\d\d-\d\d/ }).click();
    expect(await flagWithTitle(page, 'Enabled Finance system')).toBe('1 failed delivery is being sent again.');
    await host.settle();
    const [resent] = receiver.received(HOOK);
    expect(resent?.verdict).toEqual({ valid: true });
    expect(JSON.parse(resent?.body ?? '{}').data.fields).toEqual([expect.objectContaining({ name: 'Budget', value: { current: '22.000', previous: '24.000' } })]);
    expect(await current()).toMatchObject({ active: true, disabledReason: null });
    await gone(row(shell).getByTestId('webhook-disabled-reason'));
    expect(shell.problems).toEqual([]);
  });

  it('sends a test from the detail page, rotates the secret (both signatures for 24 h), and deletes after confirmation', async () => {
    const { receiver, host } = suite.app.local;
    receiver.clear();
    const shell = await suite.open(USERS.admin, WEBHOOKS);
    const { app: frame, page } = shell;
    await (await visible(row(shell).getByRole('button', { name: 'Open Finance system' }))).click();
    await frame.getByRole('button', { name: 'Send test' }).click();
    expect(await flagWithTitle(page, 'Test delivery queued')).toContain('Demo project');
    const test = frame.getByTestId('delivery-log').locator('li').first();
    expect(await text(test)).toMatch(/Test DEMO/);
    await host.settle();
    const [sent] = receiver.received(HOOK);
    expect(JSON.parse(sent?.body ?? '{}').data).toMatchObject({ event: 'test', fields: [], project: { key: 'DEMO' } });

    await frame.getByRole('button', { name: 'Rotate secret' }).click();
    await (await visible(frame.getByTestId('rotate-secret'))).getByRole('button', { name: 'Rotate secret' }).click();
    const shown = await visible(frame.getByTestId('webhook-secret'));
    const rotated = await shown.getByTestId('webhook-secret-value').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    expect(await text(shown.getByTestId('webhook-secret-overlap'))).toMatch(/previous secret keeps signing too .* for 24 hours/);
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    receiver.clear();
    // Settled only once the resolver has answered: the delivery and its wake-up exist by then
    // (the first send above waits for its flag; this one's flag may still be the first's).
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/_bridge/invoke' && (response.request().postDataJSON() as { functionKey?: unknown } | null)?.functionKey === 'sendTestDelivery');
    await frame.getByRole('button', { name: 'Send test' }).click();
    await answered;
    await host.settle();
    const [signedTwice] = receiver.received(HOOK);
    expect(signedTwice?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    // Receivers on either secret accept it.
    expect(() => new Webhook(rotated).verify(signedTwice?.body ?? '', signedTwice?.headers ?? {})).not.toThrow();
    expect(() => new Webhook(secret).verify(signedTwice?.body ?? '', signedTwice?.headers ?? {})).not.toThrow();

    await frame.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = await visible(frame.getByTestId('delete-webhook'));
    expect(await text(confirm)).toContain('This cannot be undone.');
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    expect(await flagWithTitle(page, 'Deleted Finance system')).toBe('');
    await visible(frame.getByTestId('webhooks-empty'));
    expect((await suite.app.invokeOk('admin', 'listWebhooks')).webhooks).toEqual([]);
    expect(shell.problems).toEqual([]);
  });

  it('shows people who are not Jira admins no webhook admin', async () => {
    const shell = await suite.open(USERS.viewer, WEBHOOKS);
    const { app: frame } = shell;
    expect(await text(frame.getByTestId('not-admin'))).toContain('is not a Jira admin');
    expect(await frame.getByTestId('webhooks-page').count()).toBe(0);
    // The page may ask for the list while it loads (side by side with the session); the server
    // refuses it to a non-admin and nothing of it shows.
    expect(await frame.getByTestId('webhooks-table').count()).toBe(0);
    expect(await frame.getByTestId('webhooks-empty').count()).toBe(0);
  });
});
