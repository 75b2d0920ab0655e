import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

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
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
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

// Waiting helpers: Playwright's own expect is not available under Jest, so these poll with a deadline and say what
// they last saw when they give up.

/** Waits until the page's finite animations (a dialog sliding in) have finished, so a screenshot shows where they end. */
export async function animationsDone(page: Page): Promise<void> {
  await page.evaluate(
    'Promise.all(document.getAnimations().filter((a) => Number.isFinite(a.effect && a.effect.getComputedTiming().endTime)).map((a) => a.finished.catch(() => null))).then(() => true)',
  );
}

/** Closes every toast, so screenshots and clicks are not covered by one. */
export async function closeToasts(page: Page): Promise<void> {
  await page.evaluate("document.querySelectorAll('.toast-close').forEach((b) => b.click())");
  await page
    .locator('.toast')
    .first()
    .waitFor({ state: 'detached', timeout: 2000 })
    .catch(() => undefined);
}

export async function waitUntil(check: () => Promise<boolean>, what: string, timeout = 15000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Waits until the element's text contains `text`. */
export async function expectText(locator: Locator, text: string, timeout = 15000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => null)) ?? '';
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Expected text "${text}", found "${last}"`);
}

/** Waits until an attribute has the value. */
export async function expectAttr(locator: Locator, name: string, value: string, timeout = 15000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.getAttribute(name, { timeout: Math.max(1, deadline - Date.now()) }).catch(() => null);
    if (last === value) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Expected ${name}="${value}", found "${last}"`);
}

/** Waits until the number of matching elements satisfies `ok`. */
export async function waitForCount(locator: Locator, ok: (n: number) => boolean, timeout = 15000): Promise<void> {
  const deadline = Date.now() + timeout;
  let n = -1;
  while (Date.now() < deadline) {
    n = await locator.count();
    if (ok(n)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Unexpected number of elements: ${n}`);
}
