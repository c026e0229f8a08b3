import { describe, expect, it, jest } from '@jest/globals';
import { browserSuite, callsTo, USERS, type DemoUser } from './harness';
import { gone, PHONE, visible, type PageGlobals } from './ui-helpers';

jest.setTimeout(60_000);

/** The Jira-like shell of the offline host, as `npm start` serves it. */
describe('the shell', () => {
  const suite = browserSuite();

  it('opens at the home page and reaches every app page from the left navigation', async () => {
    const shell = await suite.open(USERS.admin, '/');
    const { page, app: frame } = shell;
    // Home is the first page of the app: the first subpage of Projectrak Administration.
    await visible(frame.getByTestId('webhooks-page'));
    expect(await page.getByTestId('nav-projectrak-admin-webhooks').getAttribute('aria-current')).toBe('page');

    const destinations: readonly { readonly link: string; readonly url: RegExp; readonly shows: () => Promise<void> }[] = [
      { link: 'nav-projectrak-admin-fields', url: /module=projectrak-admin&route=fields/, shows: async () => void (await visible(frame.getByTestId('fields-table--table'))) },
      { link: 'nav-projectrak-admin-api-tokens', url: /route=api-tokens/, shows: async () => void (await visible(frame.getByTestId('api-tokens-page'))) },
      { link: 'nav-projectrak-admin-webhooks', url: /route=webhooks/, shows: async () => void (await visible(frame.getByTestId('webhooks-page'))) },
      { link: 'nav-projectrak-project-page-DEMO', url: /module=projectrak-project-page&project=DEMO/, shows: async () => void (await visible(frame.getByText('Project fields of Demo project (DEMO)'))) },
      { link: 'nav-projectrak-project-page-OPS', url: /module=projectrak-project-page&project=OPS/, shows: async () => void (await visible(frame.getByText('Project fields of Operations (OPS)'))) },
      { link: 'nav-projectrak-project-page-HR', url: /module=projectrak-project-page&project=HR/, shows: async () => void (await visible(frame.getByText('Project fields of People team (HR)'))) },
    ];
    // Every page the navigation offers is visited.
    const offered = await page.locator('nav.sidebar a').evaluateAll((links) => links.map((a) => a.getAttribute('data-testid')));
    expect([...offered].sort()).toEqual(['nav-projectrak-admin-webhooks', ...destinations.map((d) => d.link).filter((l) => l !== 'nav-projectrak-admin-webhooks')].sort());

    for (const destination of destinations) {
      await page.getByTestId(destination.link).click();
      await page.waitForURL(destination.url);
      await destination.shows();
      expect(await page.getByTestId(destination.link).getAttribute('aria-current')).toBe('page');
    }
    // A Jira admin may edit every project's fields.
    expect(await frame.getByRole('button', { name: 'Save' }).count()).toBe(1);
    expect(shell.problems).toEqual([]);
    expect(shell.warnings).toEqual([]);
    expect(shell.externalRequests).toEqual([]);
    expect(suite.app.hostLog).toEqual([]);
  });
  it('collapses its sidebar on a phone so the app gets the screen\'s width, as Jira\'s navigation does', async () => {
    const shell = await suite.open(USERS.admin, '/?module=projectrak-admin&route=fields', { viewport: PHONE });
    const { page, app: frame } = shell;
    await visible(frame.getByTestId('fields-table--table'));
    const sidebar = page.getByTestId('shell-sidebar');
    const toggle = page.getByTestId('nav-toggle');
    expect(await sidebar.isVisible()).toBe(false);
    expect((await page.getByTestId('app-frame').boundingBox())?.width).toBe(PHONE.width);
    // The top bar fits the screen too.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    // The toggle opens it over the page, with the focus on the current page's link; Escape closes it.
    await toggle.click();
    await visible(sidebar);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('data-testid'))).toBe('nav-projectrak-admin-fields');
    await page.keyboard.press('Escape');
    await gone(sidebar);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('data-testid'))).toBe('nav-toggle');

    // A link in it goes to its page.
    await toggle.click();
    await page.getByTestId('nav-projectrak-project-page-DEMO').click();
    await page.waitForURL(/project=DEMO/);
    await visible(frame.getByText('Project fields of Demo project (DEMO)'));
    expect(await sidebar.isVisible()).toBe(false);
    expect(shell.problems).toEqual([]);
  });

  it('keeps its sidebar open beside the app on a wide screen, with no toggle', async () => {
    const shell = await suite.open(USERS.admin, '/?module=projectrak-admin&route=fields');
    const { page } = shell;
    expect(await page.getByTestId('shell-sidebar').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-toggle').isVisible()).toBe(false);
    expect((await page.getByTestId('app-frame').boundingBox())?.width).toBe(1440 - 260);
  });
  it('asks for the session and the first subpage\'s data side by side, not one after the other', async () => {
    // The session is held back: the list is asked for all the same (it used to wait for the session).
    const held = await suite.open(USERS.admin, '/?module=projectrak-admin&route=fields');
    await visible(held.app.getByTestId('fields-table--table'));
    expect(callsTo(held, 'listFieldDefinitions')).toHaveLength(1);
    const release = await held.hold('getSession');
    await held.page.reload();
    for (let i = 0; i < 100 && callsTo(held, 'listFieldDefinitions').length < 2; i += 1) await held.page.waitForTimeout(100);
    const sessionsAsked = callsTo(held, 'getSession').length;
    expect(callsTo(held, 'listFieldDefinitions')).toHaveLength(2);
    release();
    await visible(held.app.getByTestId('fields-table--table'));
    // The page's own first calls took those answers: nothing was asked twice.
    expect(callsTo(held, 'getSession')).toHaveLength(sessionsAsked);
    expect(held.problems).toEqual([]);
  });

  it('loads the project page\'s editors only for people who may edit', async () => {
    const scripts = async (user: DemoUser) => {
      const shell = await suite.open(user, '/?module=projectrak-project-page&project=DEMO');
      const loaded: string[] = [];
      shell.page.on('response', (response) => {
        if (response.request().resourceType() === 'script') loaded.push(new URL(response.url()).pathname);
      });
      await shell.page.reload();
      await visible(shell.app.getByTestId('project-header'));
      await visible(shell.app.locator('[data-field-name]').first());
      if (user === USERS.projectAdmin) await visible(shell.app.getByLabel('Budget'));
      await shell.close();
      return loaded.filter((path) => /\/editing-[^/]*\.js$/.test(path));
    };
    expect(await scripts(USERS.viewer)).toEqual([]);
    expect(await scripts(USERS.projectAdmin)).toHaveLength(1);
  });
});
