import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@agent-runtime/test-harness';
import type { Page } from 'playwright-core';

/** Where the screenshots of docs/console.md go; taken only when AR_CONSOLE_SCREENSHOTS=1. */
const screenshotDirectory = path.join(repoRoot, 'docs/console');

/**
 * Saves a screenshot of the page as docs/console/<name>.png when the run asks for them
 * (`AR_CONSOLE_SCREENSHOTS=1 npx vitest run test/e2e/console`), else does nothing.
 */
export async function takeScreenshot(page: Page, name: string): Promise<void> {
  if (process.env['AR_CONSOLE_SCREENSHOTS'] !== '1') return;
  await mkdir(screenshotDirectory, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDirectory, `${name}.png`), fullPage: false });
}
