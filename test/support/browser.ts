// What the browser tests share: Debian's Chromium (CHROMIUM_PATH, set by `npm test`), the errors a page under test
// reports, and a full-page screenshot of a failed test in test-results/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SuiteContext, TestContext } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';

const screenshots = path.resolve(__dirname, '..', '..', 'test-results');

export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run tests with `npm test` (scripts/chromium.sh)');
  // As root (CI, containers) Chromium's sandbox cannot start; the page is our own, served by the test.
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/** Script errors and console errors (a CSP violation among them) the page reports from now on. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // Refusals the tests provoke (a 400 for invalid input) are logged as failed loads; anything else is a bug.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return errors;
}

/** In afterEach: a full-page screenshot of the page when the test failed. */
export async function screenshotIfFailed(t: TestContext | SuiteContext, page: Page): Promise<void> {
  // `passed` is there from Node 20.12 on; @types/node 20 does not declare it yet.
  if ((t as { passed?: boolean }).passed !== false) return;
  mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, `${t.name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true }).then(
    () => console.log(`# screenshot of the failed test: ${file}`),
    (error) => console.log(`# no screenshot: ${error.message}`),
  );
}
