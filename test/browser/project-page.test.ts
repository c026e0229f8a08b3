import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { FieldDefinitionDto, ProjectFieldsView } from '../../src/shared/resolver-contract';
import { browserSuite, callsTo, project, USERS } from './harness';
import { choose, docsScreenshot, flagWithTitle, gone, PHONE, screenshot, text, visible, type PageElement, type PageGlobals } from './ui-helpers';


jest.setTimeout(60_000);

const DEMO = project('DEMO');
const DEMO_PAGE = '/?module=projectrak-project-page&project=DEMO';

/**
 * DEMO's values at the start of every test, by field name (option names for options), saved
 * through the real resolver as the Jira admin: the demo data's, plus a duration, several people
 * and a retired tag, so every kind of value shows.
 */
const BASELINE: Readonly<Record<string, unknown>> = {
  Status: 'Done',
  Priority: null,
  'Start date': '2026-01-05',
  'End date': null,
  Budget: 23,
  Owner: USERS.admin.accountId,
  Stakeholders: [USERS.projectAdmin.accountId],
  Tags: ['Strategic', 'Legacy'],
  Summary: 'Replace the legacy *billing* pipeline.',
  Effort: 9_000_000,
  'Depends on': ['OPS'],
};

describe('the Projectrak project page', () => {
  const suite = browserSuite({ setup: prepareCatalog });
  let fields: readonly FieldDefinitionDto[] = [];

  const field = (name: string): FieldDefinitionDto => {
    const found = fields.find((f) => f.name === name);
    if (!found) throw new Error(`no field ${name}`);
    return found;
  };
  const id = (name: string) => String(field(name).id);
  const optionId = (fieldName: string, optionName: string): number => {
    const found = field(fieldName).options?.find((o) => o.name === optionName);
    if (!found) throw new Error(`no option ${optionName} in ${fieldName}`);
    return found.id;
  };
  const demo = (user: 'admin' | 'projectAdmin' = 'admin'): Promise<ProjectFieldsView> => suite.app.invokeOk(user, 'getProjectFields', { projectKey: 'DEMO' });

  /** Saves the baseline as the Jira admin (a save that changes nothing stores nothing), and waits for its event. */
  async function resetDemo(): Promise<ProjectFieldsView> {
    const view = await demo();
    fields = view.fields;
    const values = Object.fromEntries(Object.entries(BASELINE).map(([name, value]) => [id(name), value]));
    await suite.app.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values });
    await suite.app.local.host.settle();
    return demo();
  }

  /** Before the first test, once the app has started (browserSuite runs it in its beforeAll). */
  async function prepareCatalog(): Promise<void> {
    // What the default catalog lacks: a duration field, and a tag that DEMO keeps once it is retired.
    await suite.app.invokeOk('admin', 'createField', { name: 'Effort', type: 'duration' });
    const tags = await suite.app.field('Tags');
    await suite.app.invokeOk('admin', 'updateField', { id: tags.id, options: [...(tags.options ?? []), { name: 'Legacy', colour: 'grey', enabled: true }] });
    await resetDemo();
    const withLegacy = await suite.app.field('Tags');
    await suite.app.invokeOk('admin', 'updateField', { id: tags.id, options: (withLegacy.options ?? []).map((o) => (o.name === 'Legacy' ? { ...o, enabled: false } : o)) });
  }
  beforeEach(async () => {
    await resetDemo();
  });

  it('loads the project fields with no console errors and nothing from the network', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame, page } = shell;
    await visible(frame.getByRole('button', { name: 'Save' }));
    // The project comes from the page's context, as on Forge.
    expect(await text(frame.getByText('Project fields of Demo project (DEMO)'))).toBe('Project fields of Demo project (DEMO)');
    expect(await frame.getByLabel('Budget').inputValue()).toBe('23.000');
    expect(await frame.getByLabel('Effort').inputValue()).toBe('2h 30m');
    expect(await text(frame.getByTestId(`field-${id('Status')}`))).toContain('Done');
    expect(await text(frame.getByTestId(`field-${id('Start date')}`))).toContain('2026-01-05');
    expect(await text(frame.getByTestId(`field-${id('Owner')}`))).toContain('Alice Admin');
    expect(await text(frame.getByTestId(`field-${id('Stakeholders')}`))).toContain('Paul Project-Admin');
    expect(await text(frame.getByTestId(`field-${id('Tags')}`))).toMatch(/Strategic.*Legacy \(disabled\)/);
    expect(await frame.getByLabel('Summary').inputValue()).toBe('Replace the legacy *billing* pipeline.');
    expect(await frame.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await screenshot(page, 'project-edit', 2100);
    expect(shell.problems).toEqual([]);
    expect(shell.warnings).toEqual([]);
    expect(shell.externalRequests).toEqual([]);
    expect(suite.app.hostLog).toEqual([]);
  });

  it('saves several fields in one save: one change record with exactly those fields, and one event', async () => {
    const before = await demo('projectAdmin');
    const recordsBefore = await suite.app.changeRecords(DEMO.id);
    const queuesBefore = suite.app.local.host.queues.counts();

    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame, page } = shell;
    const budget = await visible(frame.getByLabel('Budget'));
    await budget.fill('30.5');
    await budget.blur();
    expect(await budget.inputValue()).toBe('30.500');
    await choose(frame.getByLabel('Status'), 'risk', 'At risk', frame);
    await frame.getByLabel('Summary').fill('Pilot done.\n  - next: roll out');
    await choose(frame.getByLabel('Owner'), 'Vera', 'Vera Viewer', frame);
    await frame.getByLabel('End date').fill('2025-06-30');
    await frame.getByLabel('End date').press('Enter');
    await frame.getByLabel('Effort').fill('150');
    await frame.getByLabel('Effort').blur();
    expect(await frame.getByLabel('Effort').inputValue()).toBe('2h 30m');
    // 150 minutes is what Effort held: no change.
    expect(await text(frame.getByTestId('unsaved-count'))).toBe('5 unsaved changes');
    await screenshot(page, 'project-unsaved');

    const release = await shell.hold('saveProjectFields');
    await frame.getByRole('button', { name: 'Save' }).click();
    // While saving: the button shows progress and takes no second click; the editors wait.
    await visible(frame.getByTestId('save-fields--loading-spinner'));
    expect(await frame.getByTestId('save-fields').isDisabled()).toBe(true);
    expect(await frame.getByLabel('Budget').isDisabled()).toBe(true);
    await screenshot(page, 'project-saving');
    release();
    expect(await flagWithTitle(page, 'Saved 5 fields')).toMatch(/^Demo project is at revision \d+; webhooks that follow its fields are sent the change\.$/);
    // The page shows the saved state: nothing left to save.
    await gone(frame.getByTestId('unsaved-count'));
    expect(await frame.getByLabel('Budget').inputValue()).toBe('30.500');
    expect(callsTo(shell, 'saveProjectFields').map((c) => c.payload)).toEqual([expect.objectContaining({ projectKey: 'DEMO', baseRevision: before.revision })]);
    expect(callsTo(shell, 'getProjectFields')).toHaveLength(2);

    // Stored: exactly the five values, one revision on.
    const after = await demo('projectAdmin');
    expect(after.revision).toBe(before.revision + 1);
    expect(after.values).toEqual({
      ...before.values,
      [id('Budget')]: 30.5,
      [id('Status')]: optionId('Status', 'At risk'),
      [id('Summary')]: 'Pilot done.\n  - next: roll out',
      [id('Owner')]: USERS.viewer.accountId,
      [id('End date')]: '2025-06-30',
      // Worked out on read: the demo's formula follows Budget (30.5 * 1.15), Updated is the save's day.
      [id('Budget with reserve')]: '35.075',
      [id('Updated')]: new Date(Date.now()).toISOString().slice(0, 10),
    });

    // One change record, in payload format, and its event consumed.
    await suite.app.local.host.settle();
    const records = await suite.app.changeRecords(DEMO.id);
    expect(records).toHaveLength(recordsBefore.length + 1);
    const newest = records[records.length - 1];
    expect(newest).toMatchObject({ revision: before.revision + 1, user: USERS.projectAdmin.accountId, project: { id: DEMO.id, key: 'DEMO', name: 'Demo project' }, pushState: 'fanned-out' });
    expect(newest?.fields).toEqual(
      [
        { id: field('Budget').id, name: 'Budget', type: 'number', value: { current: '30.500', previous: '23.000' } },
        { id: field('Status').id, name: 'Status', type: 'status', value: { current: 'At risk', previous: 'Done' } },
        { id: field('Summary').id, name: 'Summary', type: 'textarea', value: { current: 'Pilot done.\n  - next: roll out', previous: 'Replace the legacy *billing* pipeline.' } },
        { id: field('Owner').id, name: 'Owner', type: 'user', value: { current: USERS.viewer.accountId, previous: USERS.admin.accountId } },
        { id: field('End date').id, name: 'End date', type: 'date', value: { current: '2025-06-30', previous: null } },
      ].sort((a, b) => a.id - b.id),
    );
    expect(suite.app.local.host.queues.counts()).toEqual({ ...queuesBefore, done: queuesBefore.done + 1 });
    expect(suite.app.local.host.queues.counts()).toMatchObject({ pending: 0, inflight: 0, dead: 0 });
    expect(shell.problems).toEqual([]);
  });

  it('checks values as they are typed and sends nothing while one is wrong', async () => {
    const before = await demo();
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame } = shell;
    const budget = await visible(frame.getByLabel('Budget'));
    await budget.fill('12.3456');
    await budget.blur();
    expect(await text(frame.getByTestId(`field-${id('Budget')}-error`))).toBe('Use at most 3 decimal places.');
    await frame.getByLabel('Effort').fill('soon');
    await frame.getByRole('button', { name: 'Save' }).click();
    expect(await text(frame.getByTestId(`field-${id('Effort')}-error`))).toBe('Enter a duration such as 2h 30m, 1d 4h or 90 (minutes).');
    expect(await text(frame.getByTestId('save-error'))).toContain('2 fields need a fix first');
    // Fixing a value clears its message at once.
    await budget.fill('12.345');
    await gone(frame.getByTestId(`field-${id('Budget')}-error`));
    expect(callsTo(shell, 'saveProjectFields')).toHaveLength(0);
    expect(await demo()).toEqual(before);
  });

  it('shows the problems the server finds under the fields they belong to', async () => {
    const before = await demo();
    const recordsBefore = await suite.app.changeRecords(DEMO.id);
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame } = shell;
    await (await visible(frame.getByLabel('Summary'))).fill('A new summary');
    await choose(frame.getByLabel('Priority'), 'Lo', 'Low', frame);
    // Meanwhile a Jira admin retires that option: only the server can see it is no longer allowed.
    const priority = field('Priority');
    const retire = (enabled: boolean) =>
      suite.app.invokeOk('admin', 'updateField', { id: priority.id, options: (priority.options ?? []).map((o) => (o.name === 'Low' ? { ...o, enabled } : o)) });
    await retire(false);
    try {
      await frame.getByRole('button', { name: 'Save' }).click();
      expect(await text(frame.getByTestId(`field-${id('Priority')}-error`))).toBe('Priority: option "Low" is disabled and can no longer be chosen');
      expect(await text(frame.getByTestId('save-error'))).toContain('Nothing was saved. Priority: option "Low" is disabled');
      expect(callsTo(shell, 'saveProjectFields')).toHaveLength(1);
      expect(await demo()).toEqual({ ...before, fields: expect.any(Array) });
      expect(await suite.app.changeRecords(DEMO.id)).toEqual(recordsBefore);
      expect(shell.problems).toEqual([]);
    } finally {
      await retire(true);
    }
  });

  it('never overwrites a save made meanwhile: it says so, stores nothing of it, and offers the latest values', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame, page } = shell;
    await (await visible(frame.getByLabel('Budget'))).fill('40');
    await frame.getByLabel('Effort').fill('3h');
    // Someone else saves meanwhile, from the revision the page loaded.
    const loaded = await demo();
    await suite.app.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: loaded.revision, values: { [id('Budget')]: 99 } });
    await suite.app.local.host.settle();
    const theirs = await demo();
    const recordsBefore = await suite.app.changeRecords(DEMO.id);

    await frame.getByRole('button', { name: 'Save' }).click();
    const stale = await visible(frame.getByTestId('stale-message'));
    expect(await text(stale)).toContain('Someone else saved these fields while you were editing');
    expect(await text(stale)).toContain('Nothing was saved, so their changes are not overwritten.');
    expect(callsTo(shell, 'saveProjectFields').map((c) => c.payload)).toEqual([{ projectKey: 'DEMO', baseRevision: loaded.revision, values: { [id('Budget')]: 40, [id('Effort')]: 10_800_000 } }]);
    // Nothing of the stale save was stored.
    expect(await demo()).toEqual(theirs);
    expect(theirs.values[id('Budget')]).toBe(99);
    expect(theirs.values[id('Effort')]).toBe(9_000_000);
    expect(await suite.app.changeRecords(DEMO.id)).toEqual(recordsBefore);
    await screenshot(page, 'project-stale');

    await frame.getByRole('button', { name: 'Load their changes' }).click();
    const rebased = await visible(frame.getByTestId('rebased-message'));
    expect(await text(rebased)).toContain('Your unsaved edits to Effort are kept');
    expect(await text(rebased)).toContain('Someone else changed Budget, so your edits there were replaced by their values.');
    expect(await frame.getByLabel('Budget').inputValue()).toBe('99.000');
    expect(await frame.getByLabel('Effort').inputValue()).toBe('3h');

    await frame.getByRole('button', { name: 'Save' }).click();
    expect(await flagWithTitle(page, 'Saved 1 field')).toContain('Demo project');
    expect(callsTo(shell, 'saveProjectFields')[1]?.payload).toEqual({ projectKey: 'DEMO', baseRevision: theirs.revision, values: { [id('Effort')]: 10_800_000 } });
    await suite.app.local.host.settle();
    const records = await suite.app.changeRecords(DEMO.id);
    expect(records).toHaveLength(recordsBefore.length + 1);
    expect(records[records.length - 1]).toMatchObject({
      revision: theirs.revision + 1,
      user: USERS.projectAdmin.accountId,
      fields: [{ id: field('Effort').id, name: 'Effort', type: 'duration', value: { current: '10800000', previous: '9000000' } }],
    });
    expect((await demo()).values).toEqual({ ...theirs.values, [id('Effort')]: 10_800_000 });
    expect(shell.problems).toEqual([]);
  });

  it('shows viewers the values, read-only', async () => {
    const shell = await suite.open(USERS.viewer, DEMO_PAGE);
    const { app: frame, page } = shell;
    expect(await text(frame.getByTestId('read-only'))).toBe('You can view these fields; project admins can edit them.');
    expect(await text(frame.getByTestId(`field-${id('Budget')}`))).toBe('Budget 23.000');
    expect(await text(frame.getByTestId(`field-${id('Effort')}`))).toBe('Effort 2h 30m');
    expect(await text(frame.getByTestId(`field-${id('Start date')}`))).toBe('Start date Jan 5, 2026');
    expect(await text(frame.getByTestId(`field-${id('Status')}`))).toContain('Done');
    expect(await text(frame.getByTestId(`field-${id('Owner')}`))).toContain('Alice Admin');
    // Textarea markup is rendered for reading: *billing* is bold, the asterisks are gone.
    expect(await text(frame.getByTestId(`field-${id('Summary')}`))).toContain('Replace the legacy billing pipeline.');
    expect(await text(frame.getByTestId(`field-${id('Summary')}`).locator('strong'))).toBe('billing');
    expect(await frame.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await frame.getByRole('textbox').count()).toBe(0);
    await screenshot(page, 'project-read-only', 1400);
    expect(shell.problems).toEqual([]);
  });

  it('shows formulas and automatic fields read-only to editors, and offers only projects they can browse as related projects', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame, page } = shell;
    await visible(frame.getByRole('button', { name: 'Save' }));
    const reserve = frame.getByTestId(`field-${id('Budget with reserve')}`);
    // 23.000 * 1.15, with the formula's 3 decimals; a label for reading, no editor.
    expect(await text(reserve)).toContain('26.450');
    expect(await text(reserve)).toContain('Calculated');
    expect(await text(reserve)).toContain('{Budget} * 1.15');
    expect(await reserve.getByRole('textbox').count()).toBe(0);
    expect(await frame.getByLabel('Budget with reserve').count()).toBe(0);
    expect(await text(frame.getByTestId(`field-${id('Creator')}`))).toContain('Alice Admin');
    for (const name of ['Updated', 'Created date', 'Creator']) {
      expect(await text(frame.getByTestId(`field-${id(name)}`))).toContain('Automatic');
      expect(await frame.getByTestId(`field-${id(name)}`).getByRole('textbox').count()).toBe(0);
    }
    // Paul browses DEMO and OPS, not HR ("People team" has an o too); OPS is chosen already.
    const picker = frame.getByLabel('Depends on');
    await picker.fill('o');
    await visible(frame.getByRole('option', { name: 'DEMO · Demo project', exact: true }));
    expect(await frame.getByRole('option', { name: /HR|People team/ }).count()).toBe(0);
    await frame.getByRole('option', { name: 'DEMO · Demo project', exact: true }).click();
    await frame.getByRole('button', { name: 'Save' }).click();
    await flagWithTitle(page, 'Saved 1 field');
    expect((await demo('projectAdmin')).values[id('Depends on')]).toEqual(['OPS', 'DEMO']);
    expect(shell.problems).toEqual([]);
  });

  it("shows a number's prefix and suffix around its value and its input, never in what is saved", async () => {
    const price = await suite.app.invokeOk('admin', 'createField', { name: 'Price', type: 'number', decimals: 2, prefix: '$', suffix: 'USD' });
    try {
      const view = await demo();
      await suite.app.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [price.id]: 12.5 } });
      const viewer = await suite.open(USERS.viewer, DEMO_PAGE);
      expect(await text(viewer.app.getByTestId(`field-${price.id}`))).toBe('Price $ 12.50 USD');
      await viewer.close();

      const editor = await suite.open(USERS.projectAdmin, DEMO_PAGE);
      await visible(editor.app.getByRole('button', { name: 'Save' }));
      const input = editor.app.getByLabel('Price', { exact: true });
      expect(await input.inputValue()).toBe('12.50');
      expect(await text(editor.app.getByTestId(`field-${price.id}`))).toMatch(/\$.*USD/);
      await input.fill('13');
      await editor.app.getByRole('button', { name: 'Save' }).click();
      await flagWithTitle(editor.page, 'Saved 1 field');
      expect((await demo()).values[String(price.id)]).toBe(13);
      expect(editor.problems).toEqual([]);
    } finally {
      await suite.app.invokeOk('admin', 'deleteField', { id: price.id });
    }
  });

  it('tells someone who cannot browse the project that it is not there for them', async () => {
    const shell = await suite.open(USERS.viewer, '/?module=projectrak-project-page&project=HR');
    const { app: frame, page } = shell;
    const error = await visible(frame.getByTestId('page-error'));
    expect(await text(error)).toContain('Project not found');
    expect(await text(error)).toContain('Project HR does not exist or you do not have permission to browse it.');
    expect(await frame.getByRole('button', { name: 'Save' }).count()).toBe(0);
    // Retrying cannot help, so the page does not offer it.
    expect(await frame.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    // Nor does the shell's navigation list a project the viewer cannot browse.
    expect(await page.getByTestId('nav-projectrak-project-page-HR').count()).toBe(0);
    expect(await page.getByTestId('nav-projectrak-project-page-DEMO').count()).toBe(1);
    expect(await page.getByText('People team').count()).toBe(0);
    expect(await frame.getByText('People team').count()).toBe(0);
    await screenshot(page, 'project-not-found', 1000);
    expect(shell.problems).toEqual([]);
  });

  it('writes rich text with the toolbar and previews it', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame } = shell;
    const summary = await visible(frame.getByLabel('Summary'));
    await summary.fill('ship it');
    await summary.evaluate((el) => (el as unknown as { setSelectionRange(a: number, b: number): void }).setSelectionRange(5, 7));
    await frame.getByRole('button', { name: 'Bold' }).click();
    expect(await summary.inputValue()).toBe('ship *it*');
    await frame.getByRole('button', { name: 'Bulleted list' }).click();
    expect(await summary.inputValue()).toBe('* ship *it*');
    await frame.getByRole('button', { name: 'Preview' }).click();
    const preview = await visible(frame.getByTestId('rich-text'));
    expect(await preview.locator('li strong').textContent()).toBe('it');
    await frame.getByRole('button', { name: 'Edit' }).click();
    expect(await frame.getByLabel('Summary').inputValue()).toBe('* ship *it*');
    expect(shell.problems).toEqual([]);
  });

  it('follows the theme chosen in the shell', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE, { colorMode: 'dark' });
    const { app: frame, page } = shell;
    await visible(frame.getByLabel('Budget'));
    expect(await frame.locator('html').getAttribute('data-color-mode')).toBe('dark');
    await screenshot(page, 'project-dark', 1400);
    expect(shell.problems).toEqual([]);
  });
  it('never leaves the focused element under the sticky header (WCAG 2.4.11)', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE, { viewport: { width: 1280, height: 720 } });
    const { app: frame, page } = shell;
    const endDate = await visible(frame.getByLabel('End date'));
    const header = frame.getByTestId('project-header');
    const headerBottom = async () => header.evaluate((el) => (el as unknown as PageElement).getBoundingClientRect().bottom);
    // The End date's editor scrolled to just under the header, then reached by keyboard from the
    // field after it (Shift+Tab), as someone tabbing back up the form does.
    await endDate.evaluate((el, bottom) => (globalThis as unknown as PageGlobals).scrollBy(0, (el as unknown as PageElement).getBoundingClientRect().top - bottom + 12), await headerBottom());
    const under = await endDate.evaluate((el) => (el as unknown as PageElement).getBoundingClientRect().top);
    expect(under).toBeLessThan(await headerBottom());
    const next = frame.getByLabel('Budget');
    await next.evaluate((el) => (el as unknown as PageElement).focus({ preventScroll: true }));
    let focusedName = '';
    for (let presses = 0; presses < 6 && focusedName !== 'End date'; presses += 1) {
      await page.keyboard.press('Shift+Tab');
      focusedName = await frame.locator(':focus').evaluate((el) => {
        const { id } = el as unknown as PageElement;
        const { document, CSS } = globalThis as unknown as PageGlobals;
        return id ? (document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent ?? '') : '';
      });
    }
    expect(focusedName).toBe('End date');
    const focusedTop = await frame.locator(':focus').evaluate((el) => (el as unknown as PageElement).getBoundingClientRect().top);
    expect(focusedTop).toBeGreaterThanOrEqual(await headerBottom());
    expect(shell.problems).toEqual([]);
  });

  it("is usable before the pickers' code arrives: their fields show their values and hand the focus and what was typed to the picker", async () => {
    // The pickers (dates, options, people, projects) are a chunk of their own, held back here.
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE, { holdRequests: /\/assets\/editing-[^/]*\.(js|css)$/ });
    const { app: frame, page } = shell;
    await visible(frame.getByLabel('Budget'));
    for (const name of ['Status', 'Start date', 'Owner', 'Stakeholders', 'Tags', 'Depends on']) expect(await frame.getByTestId(`field-${id(name)}-stand-in`).count()).toBe(1);
    expect(await text(frame.getByTestId(`field-${id('Status')}`))).toContain('Done');
    expect(await text(frame.getByTestId(`field-${id('Start date')}`))).toContain('2026-01-05');
    expect(await text(frame.getByTestId(`field-${id('Owner')}`))).toContain('Alice Admin');
    expect(await text(frame.getByTestId(`field-${id('Tags')}`))).toMatch(/Strategic.*Legacy/);
    // Text, numbers and durations are editable at once.
    await frame.getByLabel('Budget').fill('31');
    expect(await text(frame.getByTestId('unsaved-count'))).toBe('1 unsaved change');
    // Reached by keyboard and typed into before the picker arrives: nothing is lost.
    await frame.getByLabel('Status').focus();
    await page.keyboard.type('ris');
    shell.releaseHeld();
    await visible(frame.getByRole('option', { name: 'At risk', exact: true }));
    expect(await frame.getByTestId(`field-${id('Status')}-stand-in`).count()).toBe(0);
    expect(await frame.locator(':focus').getAttribute('id')).toBe(`field-${id('Status')}`);
    await page.keyboard.type('k');
    expect(await frame.getByLabel('Status').inputValue()).toBe('risk');
    await page.keyboard.press('Enter');
    expect(await text(frame.getByTestId(`field-${id('Status')}`))).toContain('At risk');
    expect(await text(frame.getByTestId('unsaved-count'))).toBe('2 unsaved changes');
    // Another picker's field, clicked: its picker opens as a click on it would.
    await frame.getByTestId(`field-${id('Start date')}-stand-in`).click();
    await visible(frame.getByRole('grid'));
    expect(await frame.locator(':focus').getAttribute('id')).toBe(`field-${id('Start date')}`);
    await page.keyboard.press('Escape');
    expect(shell.problems).toEqual([]);
  });

  it('fits a phone: the title keeps its words, the header stays small, nothing scrolls sideways', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE, { viewport: PHONE });
    const { app: frame, page } = shell;
    await visible(frame.getByLabel('Budget'));
    // The shell's sidebar is collapsed: the app's frame has the screen's width.
    const frameBox = await page.getByTestId('app-frame').boundingBox();
    expect(frameBox?.width).toBe(PHONE.width);
    await frame.getByLabel('Budget').fill('31');
    expect(await text(frame.getByTestId('unsaved-count'))).toBe('1 unsaved change');
    const title = await frame.getByRole('heading', { level: 1, name: 'Projectrak' }).boundingBox();
    // One line of a 20-28 px heading, as wide as its word (one letter per line is ~15 px wide).
    expect(title?.height).toBeLessThan(40);
    expect(title?.width).toBeGreaterThan(90);
    const layout = await frame.locator('html').evaluate(() => {
      const { document, innerHeight } = globalThis as unknown as PageGlobals;
      return {
        header: document.querySelector('[data-testid="project-header"]')?.getBoundingClientRect().height ?? 0,
        viewport: innerHeight,
        scrollWidth: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
      };
    });
    expect(layout.header / layout.viewport).toBeLessThan(0.25);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    // Scrolled down, the header stays (with Save) and every field keeps within the screen.
    await frame.getByLabel('Summary').scrollIntoViewIfNeeded();
    expect(await frame.getByRole('button', { name: 'Save' }).isVisible()).toBe(true);
    await frame.locator('html').evaluate(() => (globalThis as unknown as PageGlobals).scrollTo(0, 0));
    await docsScreenshot(page, 'project-page-390');
    expect(shell.problems).toEqual([]);
  });

  /**
   * The pickers' chunk loads once the page is idle. Leaving the page while it loads aborts the
   * request, which the shell records as a failed request; the tests that leave wait for it first.
   */
  async function pickersArrived(page: Page): Promise<void> {
    const frame = page.frames().find((f) => f.url().includes('/app/project-page/'));
    if (!frame) throw new Error('the shell shows no project page');
    await frame.waitForFunction(() =>
      (globalThis as unknown as { performance: { getEntriesByType(type: string): readonly { name: string; responseEnd: number }[] } }).performance
        .getEntriesByType('resource')
        .some((e) => /\/editing-[^/]*\.js$/.test(e.name) && e.responseEnd > 0),
    );
  }

  it('asks before unsaved edits are left, by the shell\'s navigation or the browser\'s', async () => {
    const shell = await suite.open(USERS.projectAdmin, DEMO_PAGE);
    const { app: frame, page } = shell;
    const dialogs: string[] = [];
    let answer: 'stay' | 'leave' = 'stay';
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void (answer === 'stay' ? dialog.dismiss() : dialog.accept());
    });
    // Nothing edited: the shell's link leaves without a question.
    await visible(frame.getByLabel('Budget'));
    await pickersArrived(page);
    await page.getByTestId('nav-projectrak-project-page-OPS').click();
    await page.waitForURL(/project=OPS/);
    await visible(frame.getByText('Project fields of Operations (OPS)'));
    expect(dialogs).toEqual([]);

    await page.goBack();
    const budget = await visible(frame.getByLabel('Budget'));
    await pickersArrived(page);
    // Typed as a person types (the browser asks only on a page the user has interacted with).
    await budget.click();
    await budget.press('Control+A');
    await budget.pressSequentially('31');
    expect(await text(frame.getByTestId('unsaved-count'))).toBe('1 unsaved change');
    // Another project from the shell's sidebar: asked, and staying keeps the edit.
    await page.getByTestId('nav-projectrak-project-page-OPS').click();
    for (let i = 0; i < 50 && dialogs.length === 0; i += 1) await page.waitForTimeout(100);
    expect(dialogs).toEqual(['beforeunload']);
    expect(page.url()).toContain('project=DEMO');
    expect(await frame.getByLabel('Budget').inputValue()).toBe('31.000');
    // The browser's reload asks too; leaving then goes.
    answer = 'leave';
    await page.reload();
    expect(dialogs).toEqual(['beforeunload', 'beforeunload']);
    await visible(frame.getByLabel('Budget'));
    expect(await frame.getByLabel('Budget').inputValue()).toBe('23.000');
    expect(shell.problems).toEqual([]);
  });
});
