import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { animationsDone, closeToasts, launchBrowser, type TestBrowser } from '../support/browser';
import { Workflow } from '../support/launch-helpers';
import { seedSurface } from '../support/seed-surface';
import { ROOT, createUser, login, startApi, withDb, type ApiHandle, type TestUser } from '../support/stack';

/**
 * Every Studio page, and the dialogs, popovers and tabs built on Radix and downshift, checked by axe-core in a real
 * Chromium: no serious or critical accessibility violation anywhere. Each page is screenshotted too (into
 * STUDIO_SHOTS_DIR, by default test-results/pages), so a change to the Studio's look can be compared page by page.
 * The page also runs under the Studio's real Content-Security-Policy, and no CSP violation may appear on the way.
 */
const SHOTS = process.env.STUDIO_SHOTS_DIR ?? resolve(ROOT, 'test-results/pages');
/** The WCAG 2.1 A and AA rules, plus axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

interface Finding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

describe('Studio: every page, accessible and unchanged', () => {
  let media: Server;
  let api: ApiHandle;
  let browser: TestBrowser;
  let page: Page;
  let admin: TestUser;
  let itemId: string;
  let releaseId: string;
  const run = randomBytes(3).toString('hex');
  const surfaceKey = `pages-${run}`;
  const findings: Record<string, Finding[]> = {};
  const consoleErrors: string[] = [];

  const studio = (path = '') => `${api.url}/studio${path}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    const mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    const seeded = await seedSurface(surfaceKey, 6);
    // Content tests of every tone (clearly ahead, clearly behind, undecided), so Content tests is checked with its
    // charts, a selected row and coloured P(beats) figures, whichever spec ran before this one.
    await withDb((c) =>
      c.query(
        `INSERT INTO content_tests (surface_key, item_id, status, quota, max_days, started_at, impressions, exposure, successes)
         SELECT $1, unnest($2::uuid[]), 'RUNNING', 300, 14, now() - interval '1 day', 200, 100, unnest($3::int[])`,
        [surfaceKey, seeded.itemIds.slice(2, 5), [60, 0, 12]],
      ),
    );
    api = await startApi({ OUTBOUND_ALLOWLIST: '127.0.0.1' });
    admin = await createUser('admin');
    const [editor, reviewer] = await Promise.all([createUser('editor'), createUser('reviewer')]);
    const wf = new Workflow(api, { token: await login(api.url, editor) }, { token: await login(api.url, reviewer) });
    itemId = await wf.createItem(`morning-${run}`, mediaBase);
    await wf.approveLatest(itemId);
    releaseId = await wf.release(`Morning ${run}`, [itemId]);
    browser = await launchBrowser();
    page = await browser.newPage();
    // Generous: axe over a large page takes seconds on a busy two-core machine.
    page.setDefaultTimeout(60000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    await page.addInitScript(`
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber));
    `);
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await new Promise((r) => media?.close(r));
  });

  const csp: string[] = [];
  /** Keeps the CSP violations this document reported (the list starts empty on each navigation). */
  async function cspSeen(): Promise<void> {
    for (const v of (await page.evaluate('window.__csp')) as string[]) csp.push(`${page.url()}: ${v}`);
    await page.evaluate('window.__csp = []');
  }

  /** Waits until the page has loaded its data: no request in flight, no loading state or skeleton left. */
  async function settled(): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.getByTestId('user-name').waitFor();
    await page.locator('[data-testid=loading], .skeleton-row').first().waitFor({ state: 'detached' });
    await animationsDone(page);
  }

  /** Runs axe over what is on screen now and keeps the serious and critical findings under `name`. */
  async function check(name: string): Promise<void> {
    const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (bad.length)
      findings[name] = bad.map((v) => ({ rule: v.id, impact: String(v.impact), help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: resolve(SHOTS, `${name}.png`), timeout: 60000 });
  }

  it('passes axe on the sign-in page', async () => {
    await page.goto(studio('/'));
    await page.getByTestId('login-page').waitFor();
    await shoot('login');
    await check('login');
    await page.getByTestId('login-email').fill(admin.email);
    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();
  });

  it('passes axe on every page', async () => {
    const pages: [string, string][] = [
      ['content', '/content'],
      ['content-new', '/content/new'],
      ['content-editor', `/content/${itemId}`],
      ['import', '/import'],
      ['review', '/review'],
      ['releases', '/releases'],
      ['release', `/releases/${releaseId}`],
      ['calendar', '/calendar'],
      ['scheduler', '/scheduler'],
      ['surfaces', '/surfaces'],
      ['surface', `/surfaces/${surfaceKey}`],
      ['preview', `/preview?surface=${surfaceKey}`],
      ['analytics-content-tests', '/analytics/content-tests'],
      ['analytics-exploration', `/analytics/exploration?surface=${surfaceKey}`],
      ['analytics-success', `/analytics/success?surface=${surfaceKey}`],
      ['analytics-evaluation', `/analytics/evaluation?surface=${surfaceKey}`],
      ['analytics-models', `/analytics/models?surface=${surfaceKey}`],
      ['audit-log', '/audit-log'],
      ['admin-accounts', '/admin/accounts'],
      ['admin-api-keys', '/admin/api-keys'],
      ['admin-webhooks', '/admin/webhooks'],
      ['not-found', '/no-such-page'],
    ];
    for (const [name, path] of pages) {
      await page.goto(studio(path));
      await settled();
      await closeToasts(page);
      await shoot(name);
      await check(name);
      await cspSeen();
    }
  }, 900000);

  it('passes axe with a dialog, a combobox, a toast and tabs open', async () => {
    // A dialog: a new surface.
    await page.goto(studio('/surfaces'));
    await settled();
    await page.getByTestId('new-surface').click();
    await page.getByTestId('new-surface-dialog').waitFor();
    await animationsDone(page);
    await shoot('dialog-new-surface');
    await check('dialog-new-surface');
    await cspSeen();
    await page.keyboard.press('Escape');
    await page.getByTestId('new-surface-dialog').waitFor({ state: 'detached' });

    // The schedule dialog with the zone combobox open on a search.
    await page.goto(studio(`/releases/${releaseId}`));
    await settled();
    await page.getByTestId('schedule-release').click();
    const dialog = page.getByTestId('schedule-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('zone-input').click();
    await dialog.getByTestId('zone-input').fill('los angeles');
    await dialog.locator('[data-testid=zone-option][data-zone="America/Los_Angeles"]').waitFor();
    await animationsDone(page);
    await shoot('dialog-schedule-zone-picker');
    await check('dialog-schedule-zone-picker');
    await cspSeen();
    // Escape closes the list first, then the dialog.
    await page.keyboard.press('Escape');
    await dialog.getByTestId('zone-list').waitFor({ state: 'detached' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Tabs on the release list, and a toast after saving a surface's settings.
    await page.goto(studio('/releases'));
    await settled();
    await page.getByTestId('release-filter-draft').click();
    await shoot('releases-tab-draft');
    await check('releases-tab-draft');

    // A toast: saving an edit of the item says which version it wrote.
    await page.goto(studio(`/content/${itemId}`));
    await settled();
    await page.getByTestId('field-min-app-version').fill('2.1.0');
    await page.getByTestId('save-item').click();
    await page.getByTestId('toast').first().waitFor();
    await animationsDone(page);
    await shoot('toast-saved');
    await check('toast-saved');
    await cspSeen();
  }, 300000);

  it('found no serious or critical axe violation, no CSP violation and no console error', async () => {
    // Printed in full when they fail, so the report names the rule, the page and the elements.
    expect(findings).toEqual({});
    expect(csp).toEqual([]);
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
