import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Small waits and reads for Playwright locators (the tests use jest's `expect`, not Playwright's). */

export async function visible(locator: Locator, timeout = 10_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

export async function gone(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout });
}

export async function text(locator: Locator): Promise<string> {
  await visible(locator);
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * Picks an option of an Atlaskit (react-select) Select by typing part of its name, and waits until
 * the select shows it. A pick that did not take (seen once in CI, under load, not reproduced) is
 * tried again, at most three times, and said on the console so a CI log shows it.
 */
export async function choose(select: Locator, typed: string, option: string, page: Page | FrameLocator): Promise<void> {
  // react-select: the input sits in its input container, inside the value container that shows the pick.
  const shown = select.locator('xpath=../..').filter({ hasText: option });
  for (let attempt = 1; ; attempt += 1) {
    // Typing opens the menu (a click may land on the shown value, which covers the input).
    await select.fill(typed);
    await (await visible(page.getByRole('option', { name: option, exact: true }))).click();
    try {
      await shown.waitFor({ state: 'visible', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw new Error(`choose: "${option}" did not show as picked after ${attempt} tries`, { cause: error });
      console.warn(`choose: "${option}" did not show as picked after try ${attempt}; trying again`);
    }
  }
}

/** The flags the shell shows, newest first. */
export function flags(page: Page): Locator {
  return page.getByTestId('flag');
}

/** Waits for a flag with this title and answers its description ('' when it has none). */
export async function flagWithTitle(page: Page, title: string): Promise<string> {
  const flag = flags(page).filter({ has: page.getByTestId('flag-title').getByText(title, { exact: true }) }).first();
  await visible(flag);
  const description = flag.getByTestId('flag-description');
  return (await description.count()) > 0 ? text(description) : '';
}

/** A screenshot for people to look at (the tests do not compare pixels). */
export async function screenshot(page: Page, name: string, height?: number): Promise<void> {
  if (height) await page.setViewportSize({ width: 1440, height });
  // Modal and flag animations are finished at once rather than waited for.
  await page.screenshot({ path: join(tmpdir(), `projectrak-${name}.png`), animations: 'disabled' });
}

/** A screenshot for the README, into docs/screenshots, at the viewport the test has set. */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  const dir = join(__dirname, '..', '..', 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), animations: 'disabled' });
}

/** A phone's screen (an iPhone 12-15 in portrait), for the narrow-screen checks. */
export const PHONE = { width: 390, height: 844 } as const;

/** An element as code run in the page sees it (the tests compile without the DOM library). */
export interface PageElement {
  readonly id: string;
  readonly textContent: string | null;
  getBoundingClientRect(): { readonly top: number; readonly bottom: number; readonly height: number; readonly width: number };
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  focus(options?: { preventScroll?: boolean }): void;
}

/** The browser's globals for code run in the page: `(globalThis as unknown as PageGlobals).document`. */
export interface PageGlobals {
  readonly document: {
    readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number };
    readonly activeElement: PageElement | null;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
  readonly innerHeight: number;
  scrollBy(x: number, y: number): void;
  scrollTo(x: number, y: number): void;
  readonly CSS: { escape(text: string): string };
}
