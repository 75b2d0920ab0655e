import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser, closeToasts, expectText, expectAttr, waitUntil } from '../support/browser';
import { Workflow, must } from '../support/launch-helpers';
import { ROOT, createUser, gql, login, startApi, startWorker, type ApiHandle, type Credentials, type RunningProcess, type TestUser } from '../support/stack';

/**
 * The feed preview in the Studio, against the real API and worker: an admin creates a surface over a collection of
 * live items (through GraphQL), and an analyst previews a persona's slate on it now, then at the instant a scheduled
 * release launches one more item, which shows up marked as scheduled.
 */
const RESULTS = resolve(ROOT, 'test-results');
const REASONS = ['PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED', 'FALLBACK'];

describe('Studio: feed preview', () => {
  let media: Server;
  let mediaBase: string;
  let api: ApiHandle;
  let worker: RunningProcess;
  let browser: TestBrowser;
  let page: Page;
  let analyst: TestUser;
  let analystCreds: Credentials;
  let admin: TestUser;
  let adminCreds: Credentials;
  let scheduledAt: string;
  const run = randomBytes(3).toString('hex');
  const collection = `preview-${run}`;
  const surfaceKey = `preview-${run}`;
  const live = [`quiet-harbour-${run}`, `slow-pines-${run}`];
  const premium = `gold-dunes-${run}`;
  const later = `night-ferry-${run}`;

  const studio = (path = '') => `${api.url}/studio${path}`;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    // Media the asset checks can reach: 200 for /ok/*, 404 otherwise.
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    // Reload engine state and surfaces every 0.5 s, so a new surface reaches the preview quickly.
    api = await startApi({ ENGINE_REFRESH_MS: '500' });
    worker = await startWorker({ RECONCILE_INTERVAL_MS: '1000', OUTBOUND_ALLOWLIST: '127.0.0.1' }); // media server on loopback
    const [anAdmin, editor, reviewer] = await Promise.all([createUser('admin'), createUser('editor'), createUser('reviewer')]);
    admin = anAdmin;
    analyst = await createUser('analyst');
    adminCreds = { token: await login(api.url, admin) };
    const editorCreds = { token: await login(api.url, editor) };
    analystCreds = { token: await login(api.url, analyst) };
    const wf = new Workflow(api, editorCreds, { token: await login(api.url, reviewer) });

    // Three items in one collection go live now; one of them is premium-only, so a free persona does not get it.
    const liveIds: string[] = [];
    for (const slug of [...live, premium]) {
      const id = await wf.createItem(slug, mediaBase, { collections: [collection], ...(slug === premium ? { availability: 'premium' } : {}) });
      await wf.approveLatest(id);
      liveIds.push(id);
    }
    const launchNow = await wf.release(`Preview catalogue ${run}`, liveIds);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: launchNow }, editorCreds));
    await wf.waitFor(launchNow, ['launched']);

    // A fourth item in the collection launches with a release scheduled an hour ahead.
    const laterId = await wf.createItem(later, mediaBase, { collections: [collection] });
    await wf.approveLatest(laterId);
    const scheduled = await wf.release(`Night ferry ${run}`, [laterId]);
    scheduledAt = new Date((await wf.scheduleIn(scheduled, 3600)).scheduledAt).toISOString();
    expect((await wf.releaseState(scheduled)).status).toBe('scheduled');

    // An admin creates the surface over that collection through GraphQL.
    await must(
      gql(
        api.url,
        'mutation($key: String!, $input: SurfaceInputGql) { createSurface(key: $key, name: "Preview shelf", slots: 6, input: $input) { id } }',
        { key: surfaceKey, input: { description: 'A shelf for the preview test.', candidateRule: { collections: [collection] } } },
        adminCreds,
      ),
    );
    // The API picks the surface up at its next engine refresh.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await gql(
        api.url,
        'query($s: String!) { feedPreview(surface: $s, persona: { userId: "warm-up" }) { eligible } }',
        { s: surfaceKey },
        analystCreds,
      );
      if (r.data) break;
      if (Date.now() > deadline) throw new Error(`The surface never reached the preview: ${JSON.stringify(r.errors)}`);
      await new Promise((res) => setTimeout(res, 250));
    }

    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(20000);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await api?.stop();
    media?.closeAllConnections();
    media?.close();
  });

  it('shows an analyst the slate for a persona, now and at the instant a scheduled release launches', async () => {
    // Sign in as the analyst, who reads everything and changes nothing.
    await page.goto(studio('/'));
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-email').fill(analyst.email);
    await page.getByTestId('login-password').fill(analyst.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();

    // Open the preview from the sidebar, choose the surface and a persona, and run it.
    await page.getByTestId('nav-preview').click();
    await page.getByTestId('feed-preview-page').waitFor();
    await page.getByTestId('preview-surface').selectOption(surfaceKey);
    await page.getByTestId('p-user').fill(`persona-${run}`);
    await page.getByTestId('p-locale').fill('de');
    await page.getByTestId('p-platform').selectOption('ios');
    await page.getByTestId('p-tier').selectOption('free');
    await page.getByTestId('preview-run').click();
    await expectText(page.getByTestId('slate-caption'), 'de · iOS · free');
    await page.locator('[data-testid=slate-card][data-state=ready]').waitFor();

    // Now: the two free live items, at positions 1..n, with reasons, propensities and German titles.
    const now = await slate(page);
    expect(now.map((r) => r.position)).toEqual([1, 2]);
    expect(now.map((r) => r.slug).sort()).toEqual([...live].sort());
    for (const r of now) {
      expect(REASONS).toContain(r.reason);
      expect(r.badge.length).toBeGreaterThan(0);
      expect(r.propensity).toBeGreaterThan(0);
      expect(r.propensity).toBeLessThanOrEqual(1);
      expect(r.propensityText).toMatch(/%/);
      expect(r.title).toContain('(de)');
      expect(r.source).toBe('LIVE');
    }
    expect(await page.getByTestId('scheduled-marker').count()).toBe(0);
    await expectText(page.getByTestId('preview-facts'), '2 of 3 candidates');
    await page.getByTestId('reason-legend').waitFor();

    // Re-roll draws with a new seed.
    const seedBefore = await page.getByTestId('preview-seed').textContent();
    await page.getByTestId('preview-reroll').click();
    await waitUntil(async () => (await page.getByTestId('preview-seed').textContent()) !== seedBefore, 'a new seed after Re-roll');
    await page.locator('[data-testid=slate-card][data-state=ready]').waitFor();

    // Keep this draw, then preview the moment the scheduled release launches: the same seed, one more item.
    await page.getByTestId('keep-seed').click();
    const seed = await page.getByTestId('p-seed').inputValue();
    await page.locator(`[data-testid=release-pick][data-instant="${scheduledAt}"]`).click();
    await expectAttr(page.getByTestId('preview-instant'), 'data-instant', scheduledAt);
    await page.locator('[data-testid=slate-card][data-state=ready]').waitFor();
    expect(await page.getByTestId('preview-seed').textContent()).toBe(seed);
    await page.getByTestId('future-note').waitFor();

    const atLaunch = await slate(page);
    expect(atLaunch.map((r) => r.position)).toEqual([1, 2, 3]);
    expect(atLaunch.map((r) => r.slug).sort()).toEqual([...live, later].sort());
    const ferry = atLaunch.find((r) => r.slug === later)!;
    expect(ferry.source).toBe('SCHEDULED');
    expect(ferry.title).toContain('(de)');
    expect(REASONS).toContain(ferry.reason);
    expect(ferry.propensity).toBeGreaterThan(0);
    const ferryRow = page.locator(`[data-testid=slate-row][data-slug="${later}"]`);
    await ferryRow.getByTestId('scheduled-marker').waitFor();
    await expectText(ferryRow.getByTestId('scheduled-marker'), 'Scheduled');
    for (const slug of live) expect(await page.locator(`[data-testid=slate-row][data-slug="${slug}"] [data-testid=scheduled-marker]`).count()).toBe(0);
    // Against the previous slate, the new item is marked new.
    await expectText(ferryRow.locator('.change-chip'), 'new');
    await expectText(page.getByTestId('slate-compare'), '(same draw)');
    await closeToasts(page);
    await page.screenshot({ path: resolve(RESULTS, 'feed-preview.png') });
    await page.getByTestId('slate-table').screenshot({ path: resolve(RESULTS, 'feed-preview-slate.png') });

    // The surface's settings, read-only for the analyst.
    await page.getByTestId('preview-surface-link').click();
    await page.locator(`[data-testid=surface-page][data-key="${surfaceKey}"]`).waitFor();
    await page.getByTestId('surface-settings').waitFor();
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.getByTestId('save-surface').count()).toBe(0);
    expect(await page.getByTestId('s-name').isDisabled()).toBe(true);
    expect(await page.getByTestId('s-budget').inputValue()).toBe('10');
    expect(await page.getByTestId('s-floor').inputValue()).toBe('2');
    // Where tests sit: the engine's default, 2..5, said in the summary as well.
    expect(await page.getByTestId('s-test-last').inputValue()).toBe('5');
    await expectText(page.getByTestId('surface-summary'), 'at positions 2–5 (never position 1)');
    await expectText(page.getByTestId('surface-candidates'), collection);
    await page.screenshot({ path: resolve(RESULTS, 'surface-settings.png') });

    // The surfaces list shows it too.
    await page.getByTestId('nav-surfaces').click();
    await page.locator(`[data-testid=surface-row][data-key="${surfaceKey}"]`).waitFor();
    await page.screenshot({ path: resolve(RESULTS, 'surfaces.png') });
  }, 120_000);

  it("tells an admin, next to the field, that the last test position can't be past the slots, and sends nothing", async () => {
    const SURFACE = 'query($k: String!) { surface(key: $k) { slots testMaxPosition updatedAt } }';
    const before = (await must(gql<{ surface: unknown }>(api.url, SURFACE, { k: surfaceKey }, adminCreds))).surface;
    expect(before).toMatchObject({ slots: 6, testMaxPosition: 5 });
    // Whoever is signed in (the analyst, after the test above) signs out; the admin signs in on the surface's page.
    await page.goto(studio('/surfaces'));
    await page.locator('[data-testid=login-page], [data-testid=sign-out]').first().waitFor();
    if (await page.getByTestId('sign-out').count()) {
      await page.getByTestId('sign-out').click();
      await page.getByTestId('login-page').waitFor();
    }
    await page.goto(studio(`/surfaces/${surfaceKey}`));
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-email').fill(admin.email);
    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.locator(`[data-testid=surface-page][data-key="${surfaceKey}"]`).waitFor();
    await page.getByTestId('surface-settings').waitFor();

    // Every GraphQL operation the page sends from here on: none of them may be updateSurface.
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/graphql')) sent.push(r.postData() ?? '');
    });
    await page.getByTestId('s-test-last').fill('9');
    await page.getByTestId('save-surface').click();
    const error = page.getByTestId('error-s-test-last');
    await expectText(error, "At most 6, the surface's slots: tests go to positions 2 to this one, so it can't be past the last slot.");
    expect(await page.getByTestId('s-test-last').getAttribute('aria-invalid')).toBe('true');
    await closeToasts(page);
    await page.getByTestId('surface-settings').screenshot({ path: resolve(RESULTS, 'surface-test-position-error.png') });
    expect(sent.filter((b) => b.includes('updateSurface'))).toEqual([]);
    expect((await must(gql<{ surface: unknown }>(api.url, SURFACE, { k: surfaceKey }, adminCreds))).surface).toEqual(before);

    // Within the slots it saves.
    await page.getByTestId('s-test-last').fill('6');
    await page.getByTestId('save-surface').click();
    await waitUntil(
      async () => (await must(gql<{ surface: { testMaxPosition: number } }>(api.url, SURFACE, { k: surfaceKey }, adminCreds))).surface.testMaxPosition === 6,
      'the surface to be saved with testMaxPosition 6',
    );
    expect(await page.getByTestId('error-s-test-last').count()).toBe(0);
  }, 120_000);
});

interface SlateRow {
  position: number;
  reason: string;
  badge: string;
  propensity: number;
  propensityText: string;
  title: string;
  slug: string;
  source: string;
}

async function slate(page: Page): Promise<SlateRow[]> {
  const rows = await page.getByTestId('slate-row').all();
  const out: SlateRow[] = [];
  for (const row of rows) {
    const prop = row.getByTestId('propensity');
    out.push({
      position: Number(await row.getAttribute('data-position')),
      reason: (await row.getAttribute('data-reason')) ?? '',
      badge: ((await row.getByTestId('reason-badge').textContent()) ?? '').trim(),
      propensity: Number(await prop.getAttribute('data-value')),
      propensityText: (await prop.textContent()) ?? '',
      title: (await row.getByTestId('slate-title').textContent()) ?? '',
      slug: (await row.getAttribute('data-slug')) ?? '',
      source: (await row.getAttribute('data-source')) ?? '',
    });
  }
  return out;
}
