import { describe, expect, it, jest } from '@jest/globals';
import { browserSuite, callsTo, USERS } from './harness';
import { choose, flagWithTitle, gone, screenshot, text, visible } from './ui-helpers';

jest.setTimeout(60_000);

const page = (route: string) => `/?module=projectrak-admin&route=${route}`;
const FIELDS = page('fields');

/** Projectrak Administration in the offline host, on the demo data of a fresh state. */
describe('Projectrak Administration', () => {
  const suite = browserSuite();

  const catalogNames = async () => (await suite.app.invokeOk('admin', 'listFieldDefinitions')).fields.map((f) => f.name);

  it('loads every subpage with no console errors and nothing from the network', async () => {
    for (const route of ['webhooks', 'fields', 'api-tokens']) {
      const opened = await suite.open(USERS.admin, page(route));
      const { app: frame } = opened;
      if (route === 'fields') {
        const table = await visible(frame.getByTestId('fields-table--table'));
        expect(await text(table)).toContain('Budget');
        expect(await text(frame.getByTestId(`field-row-${(await suite.app.field('Status')).id}`))).toMatch(/Status.*How the project is doing\..*On track.*At risk.*Off track.*Done/);
        expect(await text(frame.getByTestId(`field-row-${(await suite.app.field('Budget')).id}`))).toMatch(/Budget Number — 3\b/);
        await screenshot(opened.page, 'admin-fields');
      } else if (route === 'webhooks') {
        // The webhooks page itself is tested in webhooks.test.ts.
        expect(await text(frame.getByTestId('webhooks-empty'))).toContain('No outgoing webhooks yet');
      } else {
        // The API tokens page itself is tested in api-tokens.test.ts.
        await visible(frame.getByTestId('api-tokens-page'));
        expect(await text(frame.getByTestId('api-base-url'))).toContain('/x/management-api');
      }
      expect(await opened.page.getByTestId(`nav-projectrak-admin-${route}`).getAttribute('aria-current')).toBe('page');
      expect(opened.problems).toEqual([]);
      expect(opened.warnings).toEqual([]);
      expect(opened.externalRequests).toEqual([]);
      await opened.close();
    }
    expect(suite.app.hostLog).toEqual([]);
  });

  it('lets an admin create fields, checking them before they are sent', async () => {
    const shell = await suite.open(USERS.admin, FIELDS);
    const { app: frame, page: shellPage } = shell;
    const before = await catalogNames();
    await (await visible(frame.getByRole('button', { name: 'Create field' }))).click();
    const dialog = await visible(frame.getByRole('dialog'));

    await dialog.getByLabel(/^Name/).fill('Summary');
    await choose(dialog.getByLabel(/^Type/), 'List', 'List (pick one)', frame);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    expect(await text(dialog)).toContain('A field named "Summary" already exists.');
    expect(await text(dialog)).toContain('Add at least one option.');
    expect(callsTo(shell, 'createField')).toHaveLength(0);

    await dialog.getByLabel(/^Name/).fill('Region');
    await dialog.getByRole('button', { name: 'Add option' }).click();
    await dialog.getByRole('button', { name: 'Add option' }).click();
    await dialog.getByLabel('Name of option 1').fill('EMEA');
    await dialog.getByLabel('Name of option 2').fill('AMER');
    await choose(dialog.getByLabel('Colour of AMER'), 'Gre', 'Green', frame);
    await dialog.getByLabel('Description').fill('Where the customer is.');
    await screenshot(shellPage, 'admin-create-field');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();

    expect(await flagWithTitle(shellPage, 'Created Region')).toContain("It now shows on every project's Projectrak page.");
    await gone(frame.getByRole('dialog'));
    const region = await suite.app.field('Region');
    expect(region).toEqual({
      id: expect.any(Number),
      name: 'Region',
      type: 'list',
      description: 'Where the customer is.',
      options: [
        { id: expect.any(Number), name: 'EMEA', colour: 'blue', enabled: true },
        { id: expect.any(Number), name: 'AMER', colour: 'green', enabled: true },
      ],
    });
    expect(await text(frame.getByTestId(`field-row-${region.id}`))).toMatch(/Region.*Where the customer is\..*List \(pick one\).*EMEA.*AMER/);

    // A number field keeps the decimals chosen.
    await frame.getByRole('button', { name: 'Create field' }).click();
    const numberDialog = await visible(frame.getByRole('dialog'));
    await numberDialog.getByLabel(/^Name/).fill('Day rate');
    await choose(numberDialog.getByLabel(/^Type/), 'Num', 'Number', frame);
    await choose(numberDialog.getByLabel('Decimals'), '2', '2', frame);
    await numberDialog.getByRole('button', { name: 'Create', exact: true }).click();
    expect(await flagWithTitle(shellPage, 'Created Day rate')).toContain("It now shows on every project's Projectrak page.");
    const dayRate = await suite.app.field('Day rate');
    expect(dayRate).toEqual({ id: expect.any(Number), name: 'Day rate', type: 'number', decimals: 2 });
    expect(await text(frame.getByTestId(`field-row-${dayRate.id}`))).toMatch(/Day rate Number — 2\b/);

    // The two creates, and nothing else, reached the catalog.
    expect(await catalogNames()).toEqual([...before, 'Region', 'Day rate']);
    expect(callsTo(shell, 'createField')).toHaveLength(2);
    expect(shell.problems).toEqual([]);
  });

  it('creates a formula field: its expression is checked as it is typed and by the server, naming the problem', async () => {
    const shell = await suite.open(USERS.admin, FIELDS);
    const { app: frame, page: shellPage } = shell;
    await (await visible(frame.getByRole('button', { name: 'Create field' }))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    await dialog.getByLabel(/^Name/).fill('Reserve');
    await choose(dialog.getByLabel(/^Type/), 'Form', 'Formula', frame);
    await dialog.getByLabel(/^Formula/).fill('{Budget} *');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    expect(await text(dialog)).toContain('Expected a number, a {field}, min, max or "(" at character 11, found the end.');
    expect(callsTo(shell, 'createField')).toHaveLength(0);

    // Which fields exist only the server knows: its answer names the formula and the field.
    await dialog.getByLabel(/^Formula/).fill('{Budgets} * 0.1');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    expect(await text(dialog.getByTestId('field-form-error'))).toContain('Formula Reserve: there is no field named "Budgets"');

    await dialog.getByLabel(/^Formula/).fill('{Budget} * 0.1');
    await choose(dialog.getByLabel('Decimals'), '2', '2', frame);
    await dialog.getByLabel('Prefix').fill('€');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    expect(await flagWithTitle(shellPage, 'Created Reserve')).toContain("It now shows on every project's Projectrak page.");
    const reserve = await suite.app.field('Reserve');
    expect(reserve).toEqual({ id: expect.any(Number), name: 'Reserve', type: 'formula', expression: '{Budget} * 0.1', decimals: 2, prefix: '€' });
    // The list shows the expression where options would be, and the decimals.
    expect(await text(frame.getByTestId(`field-row-${reserve.id}`))).toMatch(/Reserve\s*Formula\s*\{Budget\} \* 0\.1\s*2\b/);
    expect(callsTo(shell, 'createField')).toHaveLength(2);
    expect(shell.problems).toEqual([]);
  });

  it("sets an option's value id apart from its name, refusing one that is another option's name", async () => {
    const shell = await suite.open(USERS.admin, FIELDS);
    const { app: frame, page: shellPage } = shell;
    await (await visible(frame.getByRole('button', { name: 'Edit Tags' }))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    await dialog.getByLabel('Value id of Customer').fill('Internal');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await text(dialog)).toContain('"Internal" is the name of another option.');
    expect(callsTo(shell, 'updateField')).toHaveLength(0);
    await dialog.getByLabel('Value id of Customer').fill('CUST');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await flagWithTitle(shellPage, 'Saved Tags')).toBe('');
    const tags = await suite.app.field('Tags');
    expect(tags.options?.map((o) => [o.name, o.valueId])).toEqual([
      ['Strategic', undefined],
      ['Customer', 'CUST'],
      ['Internal', undefined],
      ['Compliance', undefined],
    ]);
    expect(shell.problems).toEqual([]);
  });

  it('edits a field keeping its type and option ids, and shows server errors next to the form', async () => {
    const shell = await suite.open(USERS.admin, FIELDS);
    const { app: frame, page: shellPage } = shell;
    const status = await suite.app.field('Status');
    await (await visible(frame.getByRole('button', { name: 'Edit Status' }))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    expect(await dialog.getByLabel(/^Type/).isDisabled()).toBe(true);
    await dialog.getByLabel('Name of option 2').fill('At risk!');
    await dialog.getByRole('checkbox', { name: 'At risk! enabled' }).uncheck({ force: true });
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await flagWithTitle(shellPage, 'Saved Status')).toBe('');
    await gone(frame.getByRole('dialog'));

    const [onTrack, atRisk, offTrack, done] = status.options ?? [];
    expect(await suite.app.field('Status')).toEqual({
      id: status.id,
      name: 'Status',
      type: 'status',
      description: 'How the project is doing.',
      options: [onTrack, { ...atRisk, name: 'At risk!', enabled: false }, offTrack, done],
    });
    expect(await text(frame.getByTestId(`field-row-${status.id}`))).toContain('At risk! (disabled)');

    // A name clash only the server can see (another admin created it meanwhile).
    await suite.app.invokeOk('admin', 'createField', { name: 'Sponsor', type: 'user' });
    await frame.getByRole('button', { name: 'Edit Owner' }).click();
    const edit = await visible(frame.getByRole('dialog'));
    await edit.getByLabel(/^Name/).fill('Sponsor');
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await text(edit.getByTestId('field-form-error'))).toContain('A field named "Sponsor" already exists. Field names must be unique.');
    expect(await edit.isVisible()).toBe(true);
    expect(await catalogNames()).toEqual(expect.arrayContaining(['Owner', 'Sponsor']));
    expect(shell.problems).toEqual([]);
  });

  it('deletes a field after saying how many projects lose their value', async () => {
    // A field of its own, with a value on DEMO only, saved as a project page saves it.
    const costCode = await suite.app.invokeOk('admin', 'createField', { name: 'Cost code', type: 'text' });
    const demo = await suite.app.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    await suite.app.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: demo.revision, values: { [costCode.id]: 'CC-1234' } });

    const shell = await suite.open(USERS.admin, FIELDS);
    const { app: frame, page: shellPage } = shell;
    await (await visible(frame.getByRole('button', { name: 'Delete Cost code' }))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    expect(await text(dialog.getByTestId('delete-field-usage'))).toBe('1 project has a value for Cost code. Deleting the field removes those values for good; webhooks are not notified of the removal.');
    await screenshot(shellPage, 'admin-delete-field');
    await dialog.getByRole('button', { name: 'Delete field' }).click();
    expect(await flagWithTitle(shellPage, 'Deleted Cost code')).toContain('Its values are being removed from 1 project.');
    await gone(frame.getByTestId(`field-row-${costCode.id}`));
    // The values go in the background (a queue consumer); the page shows the progress.
    expect(await text(await visible(frame.getByTestId(`field-cleanup-${costCode.id}`)))).toMatch(/^Remov(ing|ed) values of Cost code/);

    expect(await catalogNames()).not.toContain('Cost code');
    const after = await suite.app.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(after.fields.map((f) => f.id)).not.toContain(costCode.id);
    expect(after.values).not.toHaveProperty(String(costCode.id));
    expect(shell.problems).toEqual([]);
  });

  it('tells people who are not Jira admins that the page is for admins', async () => {
    const shell = await suite.open(USERS.viewer, FIELDS);
    expect(await text(shell.app.getByTestId('not-admin'))).toContain('Only Jira admins can use Projectrak Administration');
    expect(await text(shell.app.getByTestId('not-admin'))).toContain('You are signed in as Vera Viewer, who is not a Jira admin.');
    expect(await shell.app.getByRole('button', { name: 'Create field' }).count()).toBe(0);
    // The page may ask for the catalog while it loads (side by side with the session): nothing of it shows.
    expect(await shell.app.getByTestId('fields-table--table').count()).toBe(0);
    await screenshot(shell.page, 'admin-not-admin');
    expect(shell.problems).toEqual([]);
  });

  it('follows the sidebar between subpages without reloading, and says honestly what comes later', async () => {
    const shell = await suite.open(USERS.admin, page('webhooks'));
    const { app: frame, page: shellPage } = shell;
    expect(await text(frame.getByTestId('webhooks-empty'))).toContain('No outgoing webhooks yet');

    await shellPage.getByTestId('nav-projectrak-admin-fields').click();
    await visible(frame.getByTestId('fields-table--table'));
    expect(shellPage.url()).toContain('route=fields');
    await shellPage.getByTestId('nav-projectrak-admin-api-tokens').click();
    await visible(frame.getByTestId('api-tokens-page'));
    // One page load: the session was asked for once.
    expect(callsTo(shell, 'getSession')).toHaveLength(1);
    expect(await shellPage.getByTestId('nav-projectrak-admin-api-tokens').getAttribute('aria-current')).toBe('page');
    expect(shell.problems).toEqual([]);
  });
});
