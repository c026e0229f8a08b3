import { AxeBuilder } from '@axe-core/playwright';
import { describe, expect, it, jest } from '@jest/globals';
import type { FrameLocator } from 'playwright-core';
import { browserSuite, USERS, type DemoUser, type ShellOptions, type ShellPage } from './harness';
import { PHONE, visible } from './ui-helpers';

jest.setTimeout(240_000);

/**
 * axe (axe-core, through @axe-core/playwright) on every state of every page: the admin pages
 * (fields, webhooks list, a webhook's detail with a delivery open, the dialogs, API tokens) and
 * the project page (view and edit), each in the light and the dark theme, on a wide screen and at
 * 390 px. Any serious or critical violation fails, in the app's frame or in the shell around it.
 */

const HOOK = 'a11y';
const WIDE = { width: 1280, height: 900 } as const;
const VARIANTS: readonly { readonly name: string; readonly options: ShellOptions }[] = [
  { name: 'light, wide', options: { colorMode: 'light', viewport: WIDE } },
  { name: 'dark, wide', options: { colorMode: 'dark', viewport: WIDE } },
  { name: 'light, 390 px', options: { colorMode: 'light', viewport: PHONE } },
  { name: 'dark, 390 px', options: { colorMode: 'dark', viewport: PHONE } },
];

interface PageState {
  readonly name: string;
  readonly user: DemoUser;
  readonly path: string;
  /** Brings the page into the state to check, and waits until it shows. */
  show(frame: FrameLocator): Promise<void>;
}

describe('accessibility (axe) of every page state', () => {
  let webhookId = '';
  let webhookName = '';
  const suite = browserSuite({
    setup: async () => {
      // A webhook to the demo receiver with one delivery, so the list, the detail and a delivery show.
      const { webhook, secret } = await suite.app.invokeOk('admin', 'createWebhook', { name: 'Finance system', url: suite.app.local.receiver.hookUrl(HOOK) });
      suite.app.local.receiver.setSecret(HOOK, secret);
      webhookId = webhook.id;
      webhookName = webhook.name;
      await suite.app.invokeOk('admin', 'sendTestDelivery', { id: webhook.id });
      await suite.app.local.host.settle();
    },
  });

  const STATES: readonly PageState[] = [
    { name: 'project fields', user: USERS.admin, path: '/?module=projectrak-admin&route=fields', show: async (frame) => void (await visible(frame.getByTestId('fields-table--table'))) },
    {
      name: 'project fields, Create field dialog',
      user: USERS.admin,
      path: '/?module=projectrak-admin&route=fields',
      show: async (frame) => {
        await (await visible(frame.getByRole('button', { name: 'Create field' }))).click();
        await visible(frame.getByRole('dialog'));
      },
    },
    { name: 'webhooks list', user: USERS.admin, path: '/?module=projectrak-admin&route=webhooks', show: async (frame) => void (await visible(frame.getByTestId(`webhook-row-${webhookId}`))) },
    {
      name: 'webhooks, Create webhook dialog',
      user: USERS.admin,
      path: '/?module=projectrak-admin&route=webhooks',
      show: async (frame) => {
        await (await visible(frame.getByRole('button', { name: 'Create webhook' }))).click();
        await visible(frame.getByRole('dialog'));
      },
    },
    {
      name: 'webhook detail, a delivery open',
      user: USERS.admin,
      path: '/?module=projectrak-admin&route=webhooks',
      show: async (frame) => {
        await (await visible(frame.getByTestId(`webhook-row-${webhookId}`).getByRole('button', { name: `Open ${webhookName}` }))).click();
        await visible(frame.getByTestId('delivery-log'));
        await (await visible(frame.getByTestId('delivery-toggle').first())).click();
        await visible(frame.getByTestId('attempt-1'));
      },
    },
    { name: 'API tokens', user: USERS.admin, path: '/?module=projectrak-admin&route=api-tokens', show: async (frame) => void (await visible(frame.getByTestId('api-base-url'))) },
    {
      name: 'API tokens, Create token dialog',
      user: USERS.admin,
      path: '/?module=projectrak-admin&route=api-tokens',
      show: async (frame) => {
        await (await visible(frame.getByTestId('create-api-token'))).click();
        await visible(frame.getByRole('dialog'));
      },
    },
    // The pickers' fields show light stand-ins until someone reaches them (FieldEditor.tsx)…
    { name: 'project page, edit', user: USERS.projectAdmin, path: '/?module=projectrak-project-page&project=DEMO', show: async (frame) => void (await visible(frame.getByLabel('Budget'))) },
    {
      // …then the picker itself, here with its menu open.
      name: "project page, edit, a picker's menu open",
      user: USERS.projectAdmin,
      path: '/?module=projectrak-project-page&project=DEMO',
      show: async (frame) => {
        await (await visible(frame.getByLabel('Status'))).fill('a');
        await visible(frame.getByRole('option').first());
      },
    },
    {
      name: 'project page, edit with unsaved changes',
      user: USERS.projectAdmin,
      path: '/?module=projectrak-project-page&project=DEMO',
      show: async (frame) => {
        await (await visible(frame.getByLabel('Budget'))).fill('12.3456');
        await frame.getByLabel('Budget').blur();
        await visible(frame.getByText('Use at most 3 decimal places.'));
      },
    },
    { name: 'project page, view', user: USERS.viewer, path: '/?module=projectrak-project-page&project=DEMO', show: async (frame) => void (await visible(frame.getByTestId('read-only'))) },
  ];

  /** axe on the whole tab (the shell and, inside it, the app's frame): its serious and critical violations, one line each. */
  async function seriousViolations(shell: ShellPage, variant: string): Promise<string[]> {
    const results = await new AxeBuilder({ page: shell.page }).analyze();
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => {
        const where = violation.nodes.slice(0, 3).map((node) => JSON.stringify(node.target)).join(', ');
        return `${variant}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes.length} element(s): ${where}`;
      });
  }

  it('finds a violation inside the app\'s frame (so a clean result means the frame was checked)', async () => {
    const shell = await suite.open(USERS.viewer, '/?module=projectrak-project-page&project=DEMO');
    await visible(shell.app.getByTestId('read-only'));
    // A button with no name, put into the app's page.
    await shell.app.getByTestId('read-only').evaluate((el) => {
      const node = el as unknown as { insertAdjacentHTML(where: string, html: string): void };
      node.insertAdjacentHTML('afterend', '<button type="button" data-testid="nameless"></button>');
    });
    const found = await seriousViolations(shell, 'light, wide');
    // axe names it inside the frame: ["iframe", "button"].
    expect(found).toEqual([expect.stringMatching(/^light, wide: button-name \(critical\) .*\["iframe","button"\]$/)]);
  });

  it.each(STATES.map((state) => [state.name, state] as const))('%s: no serious or critical violation in either theme, wide or at 390 px', async (_name, state) => {
    const violations: string[] = [];
    for (const variant of VARIANTS) {
      const shell = await suite.open(state.user, state.path, variant.options);
      await state.show(shell.app);
      violations.push(...(await seriousViolations(shell, variant.name)));
      expect(shell.problems).toEqual([]);
      await shell.close();
    }
    expect(violations).toEqual([]);
  });
});
