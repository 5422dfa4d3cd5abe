// What the tests that fill in the shipped forms share: their paths, a page
// whose actions are bounded and whose dialogs are accepted, and moving on
// with Next.

import { openPage, present } from './harness.mjs';

export const GGS = 'ggs_household/2026.1';
export const SSC = 'ssc_annual_report/2026.1';
/** Playwright's own waits (clicks, fills) give up after this. */
export const ACTION_TIMEOUT = 10_000;

/**
 * A fresh context and page as `openPage` makes them, with bounded actions;
 * `beforeunload` (a reload right after typing) and `confirm()` answer yes.
 */
export async function freshPage(browser, options = {}) {
  const opened = await openPage(browser, options);
  opened.context.setDefaultTimeout(ACTION_TIMEOUT);
  opened.page.on('dialog', (dialog) => dialog.accept());
  return opened;
}

export const question = (page, name) => page.locator(`.question[data-name="${name}"]`);
export const members = (page) => page.locator('.repeat[data-name=hh_member] .instance');

/** Presses Next (or Finish) and waits for page `to`; fails listing the problems shown. */
export async function next(page, to) {
  await page.click('.pager .next');
  try {
    await present(page.locator(`.page[data-page="${to}"]`), `page ${to} after Next`, { timeout: 5_000 });
  } catch (error) {
    const issues = await page.locator('.issue').allTextContents();
    throw new Error(`${error.message}; problems shown: ${JSON.stringify(issues)}`);
  }
}
