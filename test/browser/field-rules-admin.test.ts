import { AxeBuilder } from '@axe-core/playwright';
import { describe, expect, it, jest } from '@jest/globals';
import { DEMO_GROUPS } from '../../local/platform/jira-site';
import { NOBODY } from '../../src/shared/field-access';
import { browserSuite, callsTo, USERS } from './harness';
import { choose, flagWithTitle, gone, text, visible } from './ui-helpers';

jest.setTimeout(120_000);

const FIELDS = '/?module=projectrak-admin&route=fields';
const DEMO_PAGE = '/?module=projectrak-project-page&project=DEMO';
const FIELD = 'Release notes';
const VALUE = 'RN-42 ships on Friday';

/**
 * Field values security set in the field form: Alice (Jira admin) limits who sees a field's
 * values to the Developers role. Vera (a viewer of DEMO, no Developer) then does not get the
 * field on DEMO's page; Tom (a Developer) still sees it, read-only (its editors are the project's
 * administrators). axe checks the form with the rules open.
 */
describe('field values security in the admin field form', () => {
  let fieldId = 0;
  const suite = browserSuite({
    setup: async () => {
      fieldId = (await suite.app.invokeOk('admin', 'createField', { name: FIELD, type: 'text' })).id;
      const view = await suite.app.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
      await suite.app.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [String(fieldId)]: VALUE } });
    },
  });

  it('before any rule, Vera sees the field and its value on DEMO', async () => {
    const { app: frame } = await suite.open(USERS.viewer, DEMO_PAGE);
    await visible(frame.getByText('Project fields of Demo project (DEMO)'));
    expect(await text(frame.locator(`[data-field-name="${FIELD}"]`))).toContain(VALUE);
  });

  it('Alice sets "Who can see values" to the Developers role; the list says so', async () => {
    const shell = await suite.open(USERS.admin, FIELDS);
    const { app: frame, page } = shell;
    await (await visible(frame.getByRole('button', { name: `Edit ${FIELD}` }))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    const see = dialog.getByRole('group', { name: 'Who can see values' });
    const edit = dialog.getByRole('group', { name: 'Who can edit values' });
    // The defaults: everyone who browses sees; the project's administrators edit.
    expect(await see.getByLabel('Everyone who can browse the project').isChecked()).toBe(true);
    expect(await edit.getByLabel('Only the people chosen below').isChecked()).toBe(true);
    expect(await edit.getByLabel("The project's administrators").isChecked()).toBe(true);
    expect(await text(dialog)).toContain('Jira admins always see and edit');

    await see.getByLabel('Only the people chosen below').click();
    // A first choice starts from the project's administrators; Alice wants the Developers only.
    await see.getByLabel("The project's administrators").uncheck();
    await choose(see.getByLabel('Project roles'), 'Dev', 'Developers', frame);
    // Editors besides the project's administrators: a group and a person, both found in Jira.
    // Chosen with the keyboard, as the search answers (the menus open near the foot of the dialog).
    for (const [label, typed, option] of [['Groups', 'fin', 'finance'], ['People', 'Vera', 'Vera Viewer']] as const) {
      await edit.getByLabel(label, { exact: true }).fill(typed);
      await visible(frame.getByRole('option', { name: option, exact: true }));
      await edit.getByLabel(label, { exact: true }).press('Enter');
    }
    // None of the editors is a viewer as written: the form says so.
    expect(await text(dialog.getByTestId('field-access-warning'))).toContain('Not among who can see values: project administrators, group finance, 1 person.');

    // axe on the form with the rules open.
    // axe must look inside the app's frame (its targets there are ["iframe", ...]), so that no
    // violation means something; on a busy machine a run can miss the frame, so it runs again.
    const insideFrame = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) => r.passes.some((rule) => rule.nodes.some((node) => node.target.length > 1));
    let results = await new AxeBuilder({ page }).analyze();
    for (let run = 1; run < 3 && !insideFrame(results); run++) results = await new AxeBuilder({ page }).analyze();
    expect(insideFrame(results)).toBe(true);
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
    expect(serious).toEqual([]);

    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await flagWithTitle(page, `Saved ${FIELD}`);
    await gone(dialog);
    const saved = await suite.app.field(FIELD);
    const finance = DEMO_GROUPS.find((g) => g.name === 'finance');
    expect(saved.access).toEqual({
      view: { ...NOBODY, roles: [{ id: 10001, name: 'Developers' }] },
      edit: { ...NOBODY, projectAdmins: true, groups: [{ id: finance?.groupId, name: 'finance' }], users: [USERS.viewer.accountId] },
    });
    const update = callsTo(shell, 'updateField');
    expect(update).toHaveLength(1);
    expect(await text(frame.getByTestId(`field-row-${fieldId}`).getByTestId('field-access-summary'))).toBe('Seen by: role Developers · Edited by: Project administrators, group finance, 1 person');
    expect(shell.problems).toEqual([]);
  });

  it('now Vera does not get the field on DEMO (an editor who is no viewer), while Tom (a Developer) sees it, read-only', async () => {
    const vera = await suite.open(USERS.viewer, DEMO_PAGE);
    await visible(vera.app.getByText('Project fields of Demo project (DEMO)'));
    await visible(vera.app.locator('[data-field-name="Budget"]'));
    expect(await vera.app.getByText(FIELD).count()).toBe(0);
    expect(await vera.app.locator('body').innerText()).not.toContain(VALUE);
    await vera.close();

    const tom = await suite.open(USERS.teammate, DEMO_PAGE);
    const field = await visible(tom.app.locator(`[data-field-name="${FIELD}"]`));
    expect(await text(field)).toContain(VALUE);
    // Read-only for him: its editors are the project's administrators, so nothing takes input.
    expect(await tom.app.getByLabel(FIELD).count()).toBe(0);
  });

  it('the edit section is not offered for a formula, whose values nobody edits', async () => {
    const { app: frame } = await suite.open(USERS.admin, FIELDS);
    await (await visible(frame.getByRole('button', { name: 'Create field' }))).click();
    const dialog = await visible(frame.getByRole('dialog'));
    await choose(dialog.getByLabel(/^Type/), 'Form', 'Formula', frame);
    await visible(dialog.getByRole('group', { name: 'Who can see values' }));
    expect(await dialog.getByRole('group', { name: 'Who can edit values' }).count()).toBe(0);
    expect(await text(dialog.getByTestId('field-access'))).toContain('nobody edits its values');
  });
});
