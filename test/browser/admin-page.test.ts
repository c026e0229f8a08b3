import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { FakeBackend, USERS } from './fake-backend';
import { assertBuilt, launchChromium, openShell, startUiServer, type ShellPage, type UiServer } from './harness';
import { choose, flagWithTitle, gone, screenshot, text, visible } from './ui-helpers';

jest.setTimeout(90_000);

const FIELDS = '/?module=projectrak-admin&route=fields';

describe('Projectrak Administration', () => {
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

  it('loads the field catalog with no console errors and nothing from the network', async () => {
    shell = await openShell(browser, server, USERS.admin, FIELDS);
    const { app, page } = shell;
    const table = await visible(app.getByTestId('fields-table--table'));
    expect(await text(table)).toContain('Budget');
    const status = app.getByTestId(`field-row-${backend.field('Status').id}`);
    expect(await text(status)).toContain('On track');
    expect(await text(app.getByTestId(`field-row-${backend.field('Tags').id}`))).toContain('Legacy (disabled)');
    expect(await text(app.getByTestId(`field-row-${backend.field('Budget').id}`))).toContain('3');
    await screenshot(page, 'admin-fields');
    expect(shell.problems).toEqual([]);
    expect(shell.warnings).toEqual([]);
    expect(shell.externalRequests).toEqual([]);
    expect(server.hostErrors).toEqual([]);
    // The principal is the shell's user, never something the page sends.
    expect(backend.callsTo('listFieldDefinitions')[0]).toMatchObject({ accountId: USERS.admin.accountId, moduleKey: 'projectrak-admin', extensionContext: { type: 'jira:adminPage' } });
  });

  it('lets an admin create a list field, checking it before it is sent', async () => {
    shell = await openShell(browser, server, USERS.admin, FIELDS);
    const { app, page } = shell;
    await (await visible(app.getByRole('button', { name: 'Create field' }))).click();
    const dialog = await visible(app.getByRole('dialog'));

    await dialog.getByLabel(/^Name/).fill('Budget');
    await choose(dialog.getByLabel(/^Type/), 'List', 'List (pick one)', app);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    expect(await text(dialog)).toContain('A field named "Budget" already exists.');
    expect(await text(dialog)).toContain('Add at least one option.');
    expect(backend.callsTo('createField')).toHaveLength(0);

    await dialog.getByLabel(/^Name/).fill('Region');
    await dialog.getByRole('button', { name: 'Add option' }).click();
    await dialog.getByRole('button', { name: 'Add option' }).click();
    await dialog.getByLabel('Name of option 1').fill('EMEA');
    await dialog.getByLabel('Name of option 2').fill('AMER');
    await choose(dialog.getByLabel('Colour of AMER'), 'Gre', 'Green', app);
    await dialog.getByLabel('Description').fill('Where the customer is.');
    await screenshot(page, 'admin-create-field');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();

    expect(await flagWithTitle(page, 'Created Region')).toContain("It now shows on every project's Projectrak page.");
    await gone(app.getByRole('dialog'));
    const created = backend.field('Region');
    expect(await text(app.getByTestId(`field-row-${created.id}`))).toMatch(/Region.*Where the customer is\..*List \(pick one\).*EMEA.*AMER/);
    expect(backend.callsTo('createField').map((c) => c.payload)).toEqual([
      {
        name: 'Region',
        type: 'list',
        description: 'Where the customer is.',
        options: [
          { name: 'EMEA', colour: 'blue', enabled: true },
          { name: 'AMER', colour: 'green', enabled: true },
        ],
      },
    ]);
    expect(shell.problems).toEqual([]);
  });

  it('edits a field keeping its type and option ids, and shows server errors next to the form', async () => {
    shell = await openShell(browser, server, USERS.admin, FIELDS);
    const { app, page } = shell;
    const status = backend.field('Status');
    await (await visible(app.getByRole('button', { name: 'Edit Status' }))).click();
    const dialog = await visible(app.getByRole('dialog'));
    expect(await dialog.getByLabel(/^Type/).isDisabled()).toBe(true);
    await dialog.getByLabel('Name of option 2').fill('At risk!');
    await dialog.getByRole('checkbox', { name: 'At risk! enabled' }).uncheck({ force: true });
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await flagWithTitle(page, 'Saved Status')).toBe('');
    const [call] = backend.callsTo('updateField');
    expect(call?.payload).toEqual({
      id: status.id,
      name: 'Status',
      description: 'How the project is doing.',
      options: [
        { id: backend.option('Status', 'On track').id, name: 'On track', colour: 'green', enabled: true },
        { id: backend.option('Status', 'At risk!').id, name: 'At risk!', colour: 'yellow', enabled: false },
        { id: backend.option('Status', 'Off track').id, name: 'Off track', colour: 'red', enabled: true },
        { id: backend.option('Status', 'Done').id, name: 'Done', colour: 'blue', enabled: true },
      ],
    });
    expect(await text(app.getByTestId(`field-row-${status.id}`))).toContain('At risk! (disabled)');

    // A name clash only the server can see (another admin created it meanwhile).
    await backend.invokeResolver({ moduleKey: 'projectrak-admin', functionKey: 'createField', payload: { name: 'Sponsor', type: 'user' }, accountId: USERS.admin.accountId, extensionContext: {} });
    await app.getByRole('button', { name: 'Edit Owner' }).click();
    const edit = await visible(app.getByRole('dialog'));
    await edit.getByLabel(/^Name/).fill('Sponsor');
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await text(edit.getByTestId('field-form-error'))).toContain('A field named "Sponsor" already exists. Field names must be unique.');
    expect(await edit.isVisible()).toBe(true);
  });

  it('deletes a field after saying how many projects lose their value', async () => {
    shell = await openShell(browser, server, USERS.admin, FIELDS);
    const { app, page } = shell;
    const budget = backend.field('Budget');
    await (await visible(app.getByRole('button', { name: 'Delete Budget' }))).click();
    const dialog = await visible(app.getByRole('dialog'));
    expect(await text(dialog.getByTestId('delete-field-usage'))).toBe('1 project has a value for Budget. Deleting the field removes those values for good; webhooks are not notified of the removal.');
    await screenshot(page, 'admin-delete-field');
    await dialog.getByRole('button', { name: 'Delete field' }).click();
    expect(await flagWithTitle(page, 'Deleted Budget')).toContain('Its values were removed from 1 project.');
    await gone(app.getByTestId(`field-row-${budget.id}`));
    expect(backend.callsTo('deleteField').map((c) => c.payload)).toEqual([{ id: budget.id }]);
  });

  it('tells people who are not Jira admins that the page is for admins', async () => {
    shell = await openShell(browser, server, USERS.viewer, FIELDS);
    expect(await text(shell.app.getByTestId('not-admin'))).toContain('Only Jira admins can use Projectrak Administration');
    expect(await shell.app.getByRole('button', { name: 'Create field' }).count()).toBe(0);
    expect(backend.callsTo('listFieldDefinitions')).toHaveLength(0);
    await screenshot(shell.page, 'admin-not-admin');
    expect(shell.problems).toEqual([]);
  });

  it('follows the sidebar between subpages without reloading, and says honestly what comes later', async () => {
    shell = await openShell(browser, server, USERS.admin, '/?module=projectrak-admin&route=webhooks');
    const { app, page } = shell;
    expect(await text(app.getByTestId('later-version'))).toContain('Outgoing webhooks arrive in a later version');
    expect(await app.getByRole('button').count()).toBe(0);
    await screenshot(page, 'admin-webhooks');

    await page.getByTestId('nav-projectrak-admin-fields').click();
    await visible(app.getByTestId('fields-table--table'));
    expect(page.url()).toContain('route=fields');
    await page.getByTestId('nav-projectrak-admin-api-tokens').click();
    expect(await text(app.getByTestId('later-version'))).toContain('API tokens arrive in a later version');
    // One page load: the session was asked for once.
    expect(backend.callsTo('getSession')).toHaveLength(1);
    expect(await page.getByTestId('nav-projectrak-admin-api-tokens').getAttribute('aria-current')).toBe('page');
    expect(shell.problems).toEqual([]);
  });
});
