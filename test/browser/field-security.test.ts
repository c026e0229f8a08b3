import { describe, expect, it, jest } from '@jest/globals';
import { browserSuite, USERS } from './harness';
import { flagWithTitle, text, visible } from './ui-helpers';

jest.setTimeout(60_000);

const DEMO_PAGE = '/?module=projectrak-project-page&project=DEMO';

/**
 * Field values security on the project page: the demo's Cost centre is seen by DEMO's
 * administrators and Developers and edited by the administrators. Vera (a viewer) does not see it
 * at all; Tom (a Developer) sees it read-only beside a field the Developers edit.
 */
describe('field values security on the project page', () => {
  const suite = browserSuite({
    setup: async () => {
      await suite.app.invokeOk('admin', 'createField', {
        name: 'Sprint goal',
        type: 'text',
        access: {
          view: { everyone: true, projectAdmins: false, roles: [], groups: [], users: [] },
          edit: { everyone: false, projectAdmins: true, roles: [{ id: 10001, name: 'Developers' }], groups: [], users: [] },
        },
      });
    },
  });

  it('Vera does not see Cost centre, nor its value, anywhere on the page', async () => {
    const { app: frame } = await suite.open(USERS.viewer, DEMO_PAGE);
    await visible(frame.getByText('Project fields of Demo project (DEMO)'));
    await visible(frame.getByText('Sprint goal'));
    expect(await frame.getByText('Cost centre').count()).toBe(0);
    expect(await frame.locator('body').innerText()).not.toContain('CC-4100');
  });

  it('Tom sees Cost centre read-only, marked View only, and edits Sprint goal', async () => {
    const { app: frame, page } = await suite.open(USERS.teammate, DEMO_PAGE);
    await visible(frame.getByRole('button', { name: 'Save' }));
    const costCentre = frame.locator('[data-field-name="Cost centre"]');
    await visible(costCentre);
    expect(await text(costCentre)).toContain('CC-4100');
    expect(await text(costCentre)).toContain('View only');
    // No editor for it: nothing labelled Cost centre takes input.
    expect(await frame.getByLabel('Cost centre').count()).toBe(0);
    await frame.getByLabel('Sprint goal').fill('Ship the billing pipeline');
    await frame.getByRole('button', { name: 'Save' }).click();
    await flagWithTitle(page, 'Saved 1 field');
    const view = await suite.app.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const sprintGoal = view.fields.find((f) => f.name === 'Sprint goal');
    expect(view.values[String(sprintGoal?.id)]).toBe('Ship the billing pipeline');
  });
});
