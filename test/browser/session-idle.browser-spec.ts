import IORedis from 'ioredis';
import type { Page } from 'playwright-core';
import { expectText, launchBrowser, type TestBrowser } from '../support/browser';
import { createUser, startApi, type ApiHandle, type TestUser } from '../support/stack';

/**
 * A Studio session unused for SESSION_IDLE_MINUTES ends, and the Studio says so in those words on the sign-in page,
 * whether the tab was left open (the next request is refused) or reloaded. The idle time passing is its Redis key
 * expiring; the test deletes the key rather than wait a minute.
 */
describe('Studio: a session that ended for being unused', () => {
  let api: ApiHandle;
  let browser: TestBrowser;
  let page: Page;
  let user: TestUser;
  let redis: IORedis;
  const prefix = process.env.MARQUEE_TEST_REDIS_PREFIX ?? 'mqtest';
  const MESSAGE = 'Your session ended after 1 minute without activity; sign in again.';

  beforeAll(async () => {
    api = await startApi({ SESSION_IDLE_MINUTES: '1' });
    user = await createUser('editor');
    redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
    await redis.connect();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(30000);
  }, 120000);
  afterAll(async () => {
    await browser?.close();
    redis?.disconnect();
    await api?.stop();
  });

  async function signIn(): Promise<void> {
    await page.goto(`${api.url}/studio/`);
    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();
  }

  /**
   * Lets the signed-in session's idle time run out: its activity key is gone, as when Redis expires it, and the API
   * process's own note of its last refresh (a quarter of the idle time, 15 s here) is old enough to ask Redis again.
   */
  async function idleOut(): Promise<void> {
    const cookie = (await browser.context.cookies(api.url)).find((c) => c.name === 'marquee_session');
    const sid = (JSON.parse(Buffer.from(cookie!.value.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
    expect(await redis.del(`${prefix}:session:active:${sid}`)).toBe(1);
    await new Promise((r) => setTimeout(r, 16_000));
  }

  it('says why on the sign-in page when a page left open makes its next request', async () => {
    await signIn();
    await idleOut();
    // The page may already have asked for something in the background (and gone to the sign-in page): either way.
    await page
      .getByTestId('nav-releases')
      .click({ timeout: 5000 })
      .catch(() => undefined);
    await page.getByTestId('login-page').waitFor();
    await expectText(page.getByTestId('session-ended'), MESSAGE);
  });

  it('says why after a reload too, and signing in again clears it', async () => {
    await signIn();
    await idleOut();
    await page.reload();
    await page.getByTestId('login-page').waitFor();
    await expectText(page.getByTestId('session-ended'), MESSAGE);
    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();
    expect(await page.getByTestId('session-ended').count()).toBe(0);
  });
});
