import { describe, expect, it, jest } from '@jest/globals';
import { browserSuite, USERS, type ShellPage } from './harness';
import { gone, text, visible } from './ui-helpers';

/** The levels of the frame's headings, in page order. */
const headingLevels = (shell: ShellPage) => shell.app.locator('h1, h2, h3, h4, h5, h6').evaluateAll((headings) => headings.map((h) => Number(h.tagName.slice(1))));

jest.setTimeout(90_000);

const API_TOKENS = '/?module=projectrak-admin&route=api-tokens';

/**
 * Projectrak Administration -> API tokens, clicked through as a Jira admin would: create a token
 * (shown once), use it against the management API over HTTP, see "last used", revoke it.
 */
describe('API tokens in the admin page', () => {
  const suite = browserSuite();

  it('creates a token shown once, which the API accepts; the list shows it used; revoking needs a confirmation and stops it', async () => {
    let shell = await suite.open(USERS.admin, API_TOKENS);
    const { app: frame } = shell;
    expect(await text(frame.getByTestId('no-api-tokens'))).toContain('No API tokens yet');
    const baseUrl = await text(frame.getByTestId('api-base-url'));
    expect(baseUrl).toBe(`${suite.app.baseUrl}/x/management-api`);
    // Headings go one level at a time: the page's h1, then the empty state's h2.
    expect(await headingLevels(shell)).toEqual([1, 2]);

    // The same form modal as every other create: a form, its own checks, the focus on the bad field.
    await frame.getByTestId('create-api-token').click();
    const createDialog = await visible(frame.getByTestId('create-api-token-modal'));
    expect(await createDialog.locator('form').count()).toBe(1);
    expect(await text(createDialog.locator('#api-token-name-message'))).toContain('At most 120 characters.');
    await frame.getByTestId('create-api-token-modal-submit').click();
    expect(await text(createDialog.locator('#api-token-name-message'))).toBe('Give the token a name that says which script uses it.');
    expect(await frame.getByTestId('api-token-name').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await frame.getByTestId('api-token-name').fill('Nightly sync');
    await frame.getByTestId('create-api-token-modal-submit').click();
    const value = await text(await visible(frame.getByTestId('api-token-value')));
    expect(value).toMatch(/^prw_[A-Za-z0-9_-]{43}$/);
    expect(await text(frame.getByTestId('api-curl'))).toBe(`curl -H "Authorization: Bearer ${value}" ${baseUrl}/webhooks`);
    const row = await visible(frame.getByRole('row', { name: /Nightly sync/ }));
    expect(await text(row)).toMatch(/Nightly sync.*Alice Admin.*Never/);

    const used = await fetch(`${baseUrl}/webhooks`, { headers: { Authorization: `Bearer ${value}` } });
    expect(used.status).toBe(200);

    // Shown once: after "I have copied it" (or a reload) the value is gone for good.
    await frame.getByTestId('api-token-done').click();
    await gone(frame.getByTestId('api-token-value'));
    await shell.close();
    shell = await suite.open(USERS.admin, API_TOKENS);
    const again = shell.app;
    const usedRow = await visible(again.getByRole('row', { name: /Nightly sync/ }));
    expect(await text(usedRow)).not.toMatch(/Never/);
    expect(await again.getByText(value).count()).toBe(0);

    await usedRow.getByRole('button', { name: 'Revoke' }).click();
    const dialog = await visible(again.getByRole('dialog'));
    expect(await text(dialog)).toContain('Revoke Nightly sync?');
    await again.getByTestId('revoke-api-token-confirm').click();
    await visible(again.getByTestId('no-api-tokens'));
    expect((await fetch(`${baseUrl}/webhooks`, { headers: { Authorization: `Bearer ${value}` } })).status).toBe(401);
    expect(shell.problems).toEqual([]);
  });
});
