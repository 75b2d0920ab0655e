import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { createUser, startApi, type ApiHandle, type TestUser } from '../support/stack';

/**
 * Issue 8, #15: the Studio runs under a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval'. A real
 * Chromium signs in and opens every main page; the browser reports each blocked script, style or request as a
 * securitypolicyviolation event, and there must be none.
 */
describe('Studio: Content-Security-Policy', () => {
  let api: ApiHandle;
  let browser: TestBrowser;
  let page: Page;
  let admin: TestUser;

  beforeAll(async () => {
    api = await startApi();
    admin = await createUser('admin');
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(20000);
    // A string, not a function: the typecheck runs without the DOM library, as for the other browser tests.
    await page.addInitScript(`
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber));
    `);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  const violations = () => page.evaluate('window.__csp') as Promise<string[]>;

  it('signs in and opens every main page with no CSP violation', async () => {
    const res = await page.goto(`${api.url}/studio/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-email').fill(admin.email);
    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();
    const seen: Record<string, string[]> = {};
    seen['/content'] = await violations();
    for (const path of [
      '/content/new',
      '/import',
      '/review',
      '/releases',
      '/calendar',
      '/scheduler',
      '/surfaces',
      '/preview',
      '/analytics/content-tests',
      '/analytics/models',
      '/audit-log',
      '/admin/accounts',
      '/admin/api-keys',
      '/admin/webhooks',
    ]) {
      await page.goto(`${api.url}/studio${path}`);
      await page.waitForLoadState('networkidle');
      // The app rendered (not a blank page refused its script): the signed-in shell shows the user's name.
      await page.getByTestId('user-name').waitFor();
      seen[path] = await violations();
    }
    expect(Object.fromEntries(Object.entries(seen).filter(([, v]) => v.length))).toEqual({});
  }, 120000);
});
