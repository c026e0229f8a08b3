import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { FakeBackend, USERS } from './fake-backend';
import { assertBuilt, launchChromium, openShell, startUiServer, type ShellPage, type UiServer } from './harness';
import { choose, flagWithTitle, gone, screenshot, text, visible } from './ui-helpers';

jest.setTimeout(90_000);

const DEMO = '/?module=projectrak-project-page&project=DEMO';

describe('the Projectrak project page', () => {
  let browser: Browser;
  let backend: FakeBackend;
  let server: UiServer;
  let shell: ShellPage | undefined;
  const id = (name: string) => String(backend.field(name).id);

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

  it('loads the project fields with no console errors and nothing from the network', async () => {
    shell = await openShell(browser, server, USERS.projectAdmin, DEMO);
    const { app, page } = shell;
    await visible(app.getByRole('button', { name: 'Save' }));
    expect(await app.getByLabel('Budget').inputValue()).toBe('25.000');
    expect(await app.getByLabel('Effort').inputValue()).toBe('2h 30m');
    expect(await text(app.getByTestId(`field-${id('Start date')}`))).toContain('2025-01-15');
    expect(await text(app.getByTestId(`field-${id('Owner')}`))).toContain('Alice Admin');
    expect(await text(app.getByTestId(`field-${id('Tags')}`))).toContain('Legacy (disabled)');
    expect(await app.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    // The project comes from the page's context, as on Forge.
    expect(backend.callsTo('getProjectFields')[0]).toMatchObject({
      payload: { projectKey: 'DEMO' },
      accountId: USERS.projectAdmin.accountId,
      moduleKey: 'projectrak-project-page',
      extensionContext: { type: 'jira:projectPage', project: { id: '10001', key: 'DEMO', type: 'software' } },
    });
    await screenshot(page, 'project-edit', 2100);
    expect(shell.problems).toEqual([]);
    expect(shell.warnings).toEqual([]);
    expect(shell.externalRequests).toEqual([]);
    expect(server.hostErrors).toEqual([]);
  });

  it('saves several fields at once, sending only the changed ones with the revision it loaded', async () => {
    shell = await openShell(browser, server, USERS.projectAdmin, DEMO);
    const { app, page } = shell;
    const budget = await visible(app.getByLabel('Budget'));
    await budget.fill('30.5');
    await budget.blur();
    expect(await budget.inputValue()).toBe('30.500');
    await choose(app.getByLabel('Status'), 'risk', 'At risk', app);
    await app.getByLabel('Summary').fill('Pilot done.\n  - next: roll out');
    await choose(app.getByLabel('Owner'), 'Vic', 'Vic Viewer', app);
    await app.getByLabel('End date').fill('2025-06-30');
    await app.getByLabel('End date').press('Enter');
    await app.getByLabel('Effort').fill('150');
    await app.getByLabel('Effort').blur();
    expect(await app.getByLabel('Effort').inputValue()).toBe('2h 30m');
    // 150 minutes is what Effort held: no change.
    expect(await text(app.getByTestId('unsaved-count'))).toBe('5 unsaved changes');
    await screenshot(page, 'project-unsaved');

    const release = backend.hold('saveProjectFields');
    await app.getByRole('button', { name: 'Save' }).click();
    // While saving: the button shows progress and takes no second click; the editors wait.
    await visible(app.getByTestId('save-fields--loading-spinner'));
    expect(await app.getByTestId('save-fields').isDisabled()).toBe(true);
    expect(await app.getByLabel('Budget').isDisabled()).toBe(true);
    await screenshot(page, 'project-saving');
    release();
    expect(await flagWithTitle(page, 'Saved 5 fields')).toBe('Webhooks will be told about the change to Demo project.');
    const saves = backend.callsTo('saveProjectFields');
    expect(saves).toHaveLength(1);
    expect(saves[0]?.payload).toEqual({
      projectKey: 'DEMO',
      baseRevision: 3,
      values: {
        [id('Budget')]: 30.5,
        [id('Status')]: backend.option('Status', 'At risk').id,
        [id('Summary')]: 'Pilot done.\n  - next: roll out',
        [id('Owner')]: USERS.viewer.accountId,
        [id('End date')]: '2025-06-30',
      },
    });
    expect(backend.project('DEMO').revision).toBe(4);
    // The page shows the saved state: nothing left to save.
    await gone(app.getByTestId('unsaved-count'));
    expect(await app.getByLabel('Budget').inputValue()).toBe('30.500');
    expect(backend.callsTo('getProjectFields')).toHaveLength(2);
    expect(shell.problems).toEqual([]);
  });

  it('checks values as they are typed and sends nothing while one is wrong', async () => {
    shell = await openShell(browser, server, USERS.projectAdmin, DEMO);
    const { app } = shell;
    const budget = await visible(app.getByLabel('Budget'));
    await budget.fill('12.3456');
    await budget.blur();
    expect(await text(app.getByTestId(`field-${id('Budget')}-error`))).toBe('Use at most 3 decimal places.');
    await app.getByLabel('Effort').fill('soon');
    await app.getByRole('button', { name: 'Save' }).click();
    expect(await text(app.getByTestId(`field-${id('Effort')}-error`))).toBe('Enter a duration such as 2h 30m, 1d 4h or 90 (minutes).');
    expect(await text(app.getByTestId('save-error'))).toContain('2 fields need a fix first');
    expect(backend.callsTo('saveProjectFields')).toHaveLength(0);
    // Fixing a value clears its message at once.
    await budget.fill('12.345');
    await gone(app.getByTestId(`field-${id('Budget')}-error`));
  });

  it('shows the problems the server finds under the fields they belong to', async () => {
    shell = await openShell(browser, server, USERS.projectAdmin, DEMO);
    const { app } = shell;
    backend.refuseNextSave({ [id('Summary')]: 'Summary: at most 32768 characters, got 40000' });
    await (await visible(app.getByLabel('Summary'))).fill('A new summary');
    await app.getByRole('button', { name: 'Save' }).click();
    expect(await text(app.getByTestId(`field-${id('Summary')}-error`))).toBe('Summary: at most 32768 characters, got 40000');
    expect(await text(app.getByTestId('save-error'))).toContain('Nothing was saved. Summary: at most 32768 characters');
    expect(backend.project('DEMO').revision).toBe(3);
  });

  it('never overwrites a save made meanwhile: it says so and offers the latest values', async () => {
    shell = await openShell(browser, server, USERS.projectAdmin, DEMO);
    const { app, page } = shell;
    await (await visible(app.getByLabel('Budget'))).fill('40');
    await app.getByLabel('Effort').fill('3h');
    backend.saveAsSomeoneElse('DEMO', { [id('Budget')]: 99 });

    await app.getByRole('button', { name: 'Save' }).click();
    const stale = await visible(app.getByTestId('stale-message'));
    expect(await text(stale)).toContain('Someone else saved these fields while you were editing');
    expect(await text(stale)).toContain('Nothing was saved, so their changes are not overwritten.');
    expect(backend.project('DEMO').values[id('Budget')]).toBe(99);
    await screenshot(page, 'project-stale');

    await app.getByRole('button', { name: 'Load their changes' }).click();
    const rebased = await visible(app.getByTestId('rebased-message'));
    expect(await text(rebased)).toContain('Your unsaved edits to Effort are kept');
    expect(await text(rebased)).toContain('Someone else changed Budget, so your edits there were replaced by their values.');
    expect(await app.getByLabel('Budget').inputValue()).toBe('99.000');
    expect(await app.getByLabel('Effort').inputValue()).toBe('3h');

    await app.getByRole('button', { name: 'Save' }).click();
    expect(await flagWithTitle(page, 'Saved 1 field')).toContain('Demo project');
    expect(backend.callsTo('saveProjectFields').map((c) => c.payload)).toEqual([
      { projectKey: 'DEMO', baseRevision: 3, values: { [id('Budget')]: 40, [id('Effort')]: 10_800_000 } },
      { projectKey: 'DEMO', baseRevision: 4, values: { [id('Effort')]: 10_800_000 } },
    ]);
    expect(shell.problems).toEqual([]);
  });

  it('shows viewers the values, read-only', async () => {
    shell = await openShell(browser, server, USERS.viewer, DEMO);
    const { app, page } = shell;
    expect(await text(app.getByTestId('read-only'))).toBe('You can view these fields; project admins can edit them.');
    expect(await text(app.getByTestId(`field-${id('Budget')}`))).toBe('Budget 25.000');
    expect(await text(app.getByTestId(`field-${id('Effort')}`))).toBe('Effort 2h 30m');
    expect(await text(app.getByTestId(`field-${id('Start date')}`))).toBe('Start date Jan 15, 2025');
    expect(await text(app.getByTestId(`field-${id('Owner')}`))).toContain('Alice Admin');
    expect(await text(app.getByTestId(`field-${id('Summary')}`))).toContain('Launch the *new* onboarding flow.');
    expect(await app.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await app.getByRole('textbox').count()).toBe(0);
    await screenshot(page, 'project-read-only', 1400);
    expect(shell.problems).toEqual([]);
  });

  it('follows the theme chosen in the shell', async () => {
    shell = await openShell(browser, server, USERS.projectAdmin, DEMO, { colorMode: 'dark' });
    const { app, page } = shell;
    await visible(app.getByLabel('Budget'));
    expect(await app.locator('html').getAttribute('data-color-mode')).toBe('dark');
    await screenshot(page, 'project-dark', 1400);
    expect(shell.problems).toEqual([]);
  });
});
