import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser, closeToasts, expectText, waitForCount } from '../support/browser';
import { ROOT, createUser, gql, login, startApi, startWorker, type ApiHandle, type RunningProcess, type TestUser } from '../support/stack';

/**
 * The Studio against the real API and worker: sign in through the form, create an item in two locales, save it
 * twice, restore v1 as a draft from the history, and search the content list.
 */
const RESULTS = resolve(ROOT, 'test-results');

describe('Studio: catalogue', () => {
  let api: ApiHandle;
  let worker: RunningProcess;
  let browser: TestBrowser;
  let page: Page;
  let editor: TestUser;
  const run = randomBytes(3).toString('hex');

  const studio = (path = '') => `${api.url}/studio${path}`;

  async function signIn(user: TestUser): Promise<void> {
    await page.goto(studio('/'));
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    api = await startApi();
    worker = await startWorker({ PUBLIC_URL: api.url }); // the demo media URLs are the API's own, verified in-process
    editor = await createUser('editor');
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(20000);
    // Leaving a form with unsaved changes asks first; the tests always mean to leave.
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await api?.stop();
  });

  it('creates an item in two locales, saves it twice, and restores v1 as a draft', async () => {
    await signIn(editor);
    await expectText(page.getByTestId('user-name'), 'Test editor');
    await expectText(page.getByTestId('role-badge'), 'editor');

    // Create: a meditation in English and German.
    await page.getByTestId('new-item').click();
    await page.getByTestId('item-editor').waitFor();
    const slug = `quiet-harbour-${run}`;
    await page.getByTestId('field-kind').selectOption('meditation');
    await page.getByTestId('field-slug').fill(slug);
    await page.getByTestId('field-title').fill('Quiet Harbour');
    await page.getByTestId('field-subtitle').fill('Ten minutes by the water');
    await page.getByTestId('field-description').fill('Listen to the boats settle as the evening comes in.');
    await page.getByTestId('add-locale').click();
    await page.getByTestId('new-locale-input').fill('de');
    await page.getByTestId('add-locale-confirm').click();
    await page.getByTestId('locale-panel-de').waitFor();
    await page.getByTestId('field-title').fill('Stiller Hafen');
    await page.getByTestId('field-description').fill('Hör zu, wie die Boote zur Ruhe kommen, während der Abend hereinbricht.');
    expect(await page.getByTestId('locale-tab-de').getAttribute('data-complete')).toBe('true');
    await page.getByTestId('field-duration').fill('10:00');
    await page.getByTestId('field-audioUrl').fill(`${api.url}/demo-media/audio/${slug}.wav`);
    await page.getByTestId('field-artworkUrl').fill(`${api.url}/demo-media/artwork/${slug}.svg`);
    await page.getByTestId('attr-narrator').fill('Ana Ruiz');
    await page.getByTestId('save-item').click();

    await page.waitForURL(/\/studio\/content\/[0-9a-f-]{36}$/);
    await expectText(page.getByTestId('latest-version'), 'v1');
    await expectText(page.getByTestId('page-title'), 'Quiet Harbour');
    const itemId = page.url().split('/').pop()!;

    // Second save: a change in the English title.
    await page.getByTestId('locale-tab-en').click();
    await page.getByTestId('field-title').fill('Quiet Harbour at Dusk');
    await page.getByTestId('save-item').click();
    await expectText(page.getByTestId('latest-version'), 'v2');
    await expectText(page.getByTestId('page-title'), 'Quiet Harbour at Dusk');

    // The media were checked by the worker after the save.
    await page.getByTestId('readiness-ok').waitFor();
    await page.locator('[data-testid=asset-row][data-status=OK]').nth(1).waitFor({ timeout: 30000 });

    // History: two versions, and the diff between them names the changed field.
    await page.getByTestId('tab-history').click();
    await page.getByTestId('versions-table').waitFor();
    await waitForCount(page.getByTestId('version-row'), (n) => n === 2);
    expect(await page.getByTestId('version-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-version')))).toEqual(['2', '1']);
    await page.locator('[data-testid=diff-row][data-path="localized.en.title"]').waitFor();
    await expectText(page.locator('[data-testid=diff-row][data-path="localized.en.title"]'), 'Quiet Harbour at Dusk');

    // Restore v1 as a draft: the dialog says nothing is published.
    await page.getByTestId('restore-version-1').click();
    const dialog = page.getByTestId('restore-dialog');
    await dialog.waitFor();
    await expectText(dialog, 'Nothing is published');
    await dialog.getByTestId('confirm-button').click();
    await dialog.waitFor({ state: 'detached' });

    await waitForCount(page.getByTestId('version-row'), (n) => n === 3);
    const v3 = page.locator('[data-testid=version-row][data-version="3"]');
    await expectText(v3.getByTestId('restored-from'), 'restored from v1');
    await expectText(page.getByTestId('latest-version'), 'v3');
    await expectText(page.getByTestId('live-version'), 'Not live');
    await expectText(page.getByTestId('page-title'), 'Quiet Harbour');
    await closeToasts(page);
    await page.screenshot({ path: resolve(RESULTS, 'catalog-history.png') });

    // The API agrees: v3 is a copy of v1, and nothing went live.
    const token = await login(api.url, editor);
    const r = await gql<{
      item: {
        latestVersionNumber: number;
        state: string;
        liveVersion: null | { number: number };
        latestVersion: { restoredFrom: number | null; fields: { localized: { locale: string; title: string }[] } };
      };
    }>(
      api.url,
      'query($id: ID!) { item(id: $id) { latestVersionNumber state liveVersion { number } latestVersion { restoredFrom fields { localized { locale title } } } } }',
      { id: itemId },
      { token },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.item).toMatchObject({ latestVersionNumber: 3, state: 'DRAFT', liveVersion: null, latestVersion: { restoredFrom: 1 } });
    expect(r.data!.item.latestVersion.fields.localized.find((l) => l.locale === 'en')?.title).toBe('Quiet Harbour');

    // Back on the details tab, the form holds the restored text.
    await page.getByTestId('tab-details').click();
    await page.getByTestId('locale-tab-en').click();
    expect(await page.getByTestId('field-title').inputValue()).toBe('Quiet Harbour');
    await page.getByTestId('locale-tab-de').click();
    expect(await page.getByTestId('field-title').inputValue()).toBe('Stiller Hafen');
    await page.evaluate('window.scrollTo(0, 0)');
    await closeToasts(page);
    await page.screenshot({ path: resolve(RESULTS, 'catalog-editor.png') });
  });

  it('shows field problems inline and keeps the item unsaved', async () => {
    await page.goto(studio('/content/new'));
    await page.getByTestId('item-editor').waitFor();
    await page.getByTestId('field-slug').fill('Not A Slug');
    await page.getByTestId('field-title').fill('Broken on purpose');
    await page.getByTestId('field-artworkUrl').fill('not-a-url');
    await page.getByTestId('save-item').click();
    await page.getByTestId('error-banner').waitFor();
    await expectText(page.getByTestId('error-f-slug'), 'lowercase letters');
    await expectText(page.getByTestId('error-f-media-artworkUrl'), 'not an http(s) URL');
    expect(page.url()).toMatch(/\/studio\/content\/new$/);
  });

  it('filters the content list by search text', async () => {
    const token = await login(api.url, editor);
    const create = async (slug: string, title: string) => {
      const r = await gql(
        api.url,
        'mutation($input: ItemInput!) { createItem(input: $input) { id } }',
        { input: { slug, kind: 'talk', defaultLocale: 'en', localized: [{ locale: 'en', title, description: 'A talk for the search test.' }] } },
        { token },
      );
      expect(r.errors).toBeUndefined();
    };
    await create(`zephyr-lantern-${run}`, 'Zephyr Lantern');
    await create(`quartz-meadow-${run}`, 'Quartz Meadow');

    await page.goto(studio('/content'));
    await page.getByTestId('content-table').waitFor();
    await waitForCount(page.getByTestId('content-row'), (n) => n >= 3);

    await page.getByTestId('content-search').fill('zephyr');
    await page.locator(`[data-testid=content-row][data-slug="zephyr-lantern-${run}"]`).waitFor();
    await waitForCount(page.getByTestId('content-row'), (n) => n === 1);
    await expectText(page.getByTestId('content-total'), '1 item');
    expect(new URL(page.url()).searchParams.get('q')).toBe('zephyr');

    await page.getByTestId('content-search').fill('quartz mead');
    await page.locator(`[data-testid=content-row][data-slug="quartz-meadow-${run}"]`).waitFor();
    await waitForCount(page.getByTestId('content-row'), (n) => n === 1);

    await page.getByTestId('content-search').fill('nothing-matches-this');
    await page.getByTestId('empty-state').waitFor();
    await waitForCount(page.getByTestId('content-row'), (n) => n === 0);

    await page.getByTestId('clear-filters').click();
    await waitForCount(page.getByTestId('content-row'), (n) => n >= 3);
    await closeToasts(page);
    await page.screenshot({ path: resolve(RESULTS, 'catalog-list.png') });
  });

  it('signs out, and sends a signed-out visitor back where they were going after signing in', async () => {
    await page.goto(studio('/content'));
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-page').waitFor();

    await page.goto(studio('/content/new'));
    await page.getByTestId('login-page').waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/studio/login');
    expect(url.searchParams.get('next')).toBe('/content/new');
    await page.getByTestId('login-email').fill(editor.email);
    await page.getByTestId('login-password').fill(editor.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('item-editor').waitFor();
    expect(new URL(page.url()).pathname).toBe('/studio/content/new');
  });
});
