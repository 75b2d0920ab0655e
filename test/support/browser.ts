import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * The system Chromium, headless, with a fresh profile per launch and nothing that phones home.
 * Never run `npx playwright install`: the browser is /usr/bin/chromium (override with CHROMIUM_PATH).
 */
export interface TestBrowser {
  context: BrowserContext;
  userDataDir: string;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export const VIEWPORT = { width: 1280, height: 800 };

export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'marquee-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: options.viewport ?? VIEWPORT,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // A persistent context opens with one blank page: hand that out first.
  let initial: Page | undefined = context.pages()[0];
  return {
    context,
    userDataDir,
    newPage: async () => {
      const page = initial ?? (await context.newPage());
      initial = undefined;
      return page;
    },
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
