/**
 * Screenshots an HTML report page with headless Chromium (Debian's /usr/bin/chromium), so that
 * what users see gets looked at:  node --import tsx scripts/screenshot.ts PAGE.html OUT.png [width]
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function screenshot(page: string, out: string, width = 1200, colorScheme: 'light' | 'dark' = 'light'): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(path.resolve(page)).href, { waitUntil: 'load' });
    await tab.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  const [page, out, width, scheme] = process.argv.slice(2);
  screenshot(page, out, width ? Number(width) : undefined, scheme === 'dark' ? 'dark' : 'light').catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
