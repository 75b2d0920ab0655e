import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { animationsDone, launchBrowser, type TestBrowser, closeToasts, expectText, expectAttr, waitForCount } from '../support/browser';
import { Workflow, must } from '../support/launch-helpers';
import { ROOT, createUser, gql, login, startApi, startWorker, type ApiHandle, type Credentials, type RunningProcess, type TestUser } from '../support/stack';

/**
 * The launch workflow in the Studio, against the real API and worker: an editor composes a release of two approved
 * items, schedules it 15 s ahead as wall-clock time in America/Los_Angeles, watches it go live, and rolls it back.
 */
const RESULTS = resolve(ROOT, 'test-results');
const ZONE = 'America/Los_Angeles';

/** Wall-clock time of an instant in a zone, as YYYY-MM-DDTHH:mm:ss (what the schedule dialog's input takes). */
function wallClock(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
    .format(at)
    .replace(' ', 'T');
}

describe('Studio: launch workflow', () => {
  let media: Server;
  let mediaBase: string;
  let api: ApiHandle;
  let worker: RunningProcess;
  let browser: TestBrowser;
  let page: Page;
  let editor: TestUser;
  let editorCreds: Credentials;
  const run = randomBytes(3).toString('hex');
  const slugs = [`harbour-dawn-${run}`, `pine-rain-${run}`];
  const itemIds: string[] = [];

  const studio = (path = '') => `${api.url}/studio${path}`;
  const searches: { variables: unknown; status: number | null; answer: string | null }[] = [];

  /**
   * The add-item picker's row for a slug, once the panel answers that very query: until then it may still show an
   * earlier query's rows (the search waits 250 ms after typing), and a row there is not this search's answer.
   * If the row never shows, the error says what the picker showed instead and what the searches answered.
   */
  async function pickRow(slug: string) {
    const row = page.locator(`[data-testid=release-item-results][data-results-for="${slug}"] [data-testid=pick-row][data-slug="${slug}"]`);
    try {
      await row.waitFor();
      return row;
    } catch (e) {
      const quick = { timeout: 1000 };
      const panel = page.getByTestId('release-item-results');
      const open = (await panel.count()) > 0;
      const seen = {
        typed: await page
          .getByTestId('release-item-search')
          .inputValue(quick)
          .catch(() => '(no search box)'),
        answers: open ? await panel.getAttribute('data-results-for', quick) : '(panel closed)',
        busy: open ? await panel.getAttribute('aria-busy', quick) : null,
        panel: open ? ((await panel.textContent(quick)) ?? '').slice(0, 400) : '(closed)',
        rows: await Promise.all((await page.getByTestId('pick-row').all()).map((r) => r.getAttribute('data-slug', quick))),
      };
      throw new Error(
        `The add-item search never showed the row for ${slug}: ${(e as Error).message.split('\n')[0]}\n` +
          `the picker showed ${JSON.stringify(seen)}\nits last searches: ${JSON.stringify(searches.slice(-4), null, 1)}`,
      );
    }
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    // Media the asset checks can reach: 200 for /ok/*, 404 otherwise.
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    api = await startApi();
    worker = await startWorker({ RECONCILE_INTERVAL_MS: '1000', OUTBOUND_ALLOWLIST: '127.0.0.1' }); // media server on loopback
    editor = await createUser('editor');
    const reviewer = await createUser('reviewer');
    editorCreds = { token: await login(api.url, editor) };
    const wf = new Workflow(api, editorCreds, { token: await login(api.url, reviewer) });
    // Two items, each submitted by the editor and approved by the reviewer, through the API.
    for (const slug of slugs) {
      const id = await wf.createItem(slug, mediaBase);
      expect(await wf.approveLatest(id)).toBe(1);
      itemIds.push(id);
    }
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(20000);
    // The picker's searches, kept so that a row that never shows can be explained by what the API answered.
    page.on('requestfinished', (req) => {
      const body = req.postData() ?? '';
      if (!body.includes('query PickItems')) return;
      void req
        .response()
        .then(async (res) =>
          searches.push({ variables: JSON.parse(body).variables, status: res?.status() ?? null, answer: (await res?.text())?.slice(0, 400) ?? null }),
        )
        .catch((e: Error) => searches.push({ variables: JSON.parse(body).variables, status: null, answer: `unreadable: ${e.message}` }));
    });
    page.on('requestfailed', (req) => {
      const body = req.postData() ?? '';
      if (body.includes('query PickItems'))
        searches.push({ variables: JSON.parse(body).variables, status: null, answer: `failed: ${req.failure()?.errorText}` });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await api?.stop();
    media?.closeAllConnections();
    media?.close();
  });

  async function itemsState(): Promise<{ id: string; state: string; liveVersion: { number: number } | null }[]> {
    const d = await must(
      gql<{ items: { edges: { node: { id: string; state: string; liveVersion: { number: number } | null } }[] } }>(
        api.url,
        'query($ids: [ID!]) { items(filter: { ids: $ids }) { edges { node { id state liveVersion { number } } } } }',
        { ids: itemIds },
        editorCreds,
      ),
    );
    return itemIds.map((id) => d.items.edges.find((e) => e.node.id === id)!.node);
  }

  async function releaseState(id: string) {
    const d = await must(
      gql<{
        release: {
          status: string;
          scheduledAt: string | null;
          timeZone: string | null;
          localTime: string | null;
          launchedAt: string | null;
          latenessMs: number | null;
          actions: { itemId: string; versionNumber: number }[];
        };
      }>(
        api.url,
        'query($id: ID!) { release(id: $id) { status scheduledAt timeZone localTime launchedAt latenessMs actions { itemId versionNumber } } }',
        { id },
        editorCreds,
      ),
    );
    return d.release;
  }

  it('composes a release of two items, schedules it 15 s ahead in America/Los_Angeles, sees it go live, and rolls it back', async () => {
    // Sign in as the editor.
    await page.goto(studio('/'));
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-email').fill(editor.email);
    await page.getByTestId('login-password').fill(editor.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();

    // Create the release.
    await page.getByTestId('nav-releases').click();
    await page.getByTestId('releases-table').waitFor();
    await page.getByTestId('new-release').click();
    await page.getByTestId('release-form-dialog').waitFor();
    await page.getByTestId('release-name').fill(`Dawn and rain ${run}`);
    await page.getByTestId('release-description').fill('Two morning meditations, launched together.');
    await page.getByTestId('release-form-submit').click();
    await page.waitForURL(/\/studio\/releases\/[0-9a-f-]{36}$/);
    await page.getByTestId('release-page').waitFor();
    const releaseId = page.url().split('/').pop()!;
    await expectAttr(page.getByTestId('release-page'), 'data-status', 'DRAFT');
    // An empty release is blocked, and the panel says so.
    await page.locator('[data-testid=validation-panel][data-ok=false]').waitFor();

    // Add both items by search: each publishes its latest approved version (v1) by default.
    for (const slug of slugs) {
      await page.getByTestId('release-item-search').fill(slug);
      const row = await pickRow(slug);
      expect(await row.getByTestId('pick-choice').inputValue()).toBe('publish:1');
      await row.getByTestId('pick-add').click();
      await page.locator(`[data-testid=action-row][data-slug="${slug}"]`).waitFor();
    }
    await page.keyboard.press('Escape');
    await waitForCount(page.getByTestId('action-row'), (n) => n === 2);

    // Validation updates live: with both items in, nothing blocks.
    await page.locator('[data-testid=validation-panel][data-ok=true]').waitFor();
    await page.getByTestId('validation-ok').waitFor();

    // Schedule: pick the zone by searching, then enter the wall-clock time 15 s from now in that zone.
    await page.getByTestId('schedule-release').click();
    const dialog = page.getByTestId('schedule-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('zone-input').click();
    await dialog.getByTestId('zone-input').fill('los angeles');
    await dialog.locator(`[data-testid=zone-option][data-zone="${ZONE}"]`).click();
    await expectAttr(dialog.getByTestId('zone-picker'), 'data-zone', ZONE);
    const target = new Date(Date.now() + 15_000);
    target.setUTCMilliseconds(0);
    // Times on the hour's :00 second are shown without seconds; keep the assertions below simple.
    if (target.getUTCSeconds() === 0) target.setUTCSeconds(1);
    const local = wallClock(target, ZONE);
    await dialog.getByTestId('schedule-local').fill(local);
    await dialog.locator('[data-testid=schedule-resolution][data-kind=OK]').waitFor();

    // The dialog shows the moment in three zones: the editor's (the browser's, UTC here), the release's, and UTC.
    const times = dialog.getByTestId('zoned-times');
    await expectAttr(times, 'data-instant', target.toISOString());
    await expectAttr(times.getByTestId('time-release'), 'data-zone', ZONE);
    await expectAttr(times.getByTestId('time-utc'), 'data-zone', 'UTC');
    await times.getByTestId('time-editor').waitFor();
    const laText = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(target);
    const utcText = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(target);
    await expectText(times.getByTestId('time-release'), laText);
    await expectText(times.getByTestId('time-utc'), utcText);
    await expectText(times.getByTestId('time-release'), ZONE);
    await animationsDone(page); // the dialog has finished animating in
    await page.screenshot({ path: resolve(RESULTS, 'release-schedule-dialog.png') });
    await dialog.getByTestId('schedule-submit').click();
    await dialog.waitFor({ state: 'detached' });

    // Scheduled: the page shows the three times and counts down.
    await expectAttr(page.getByTestId('release-page'), 'data-status', 'SCHEDULED');
    await expectAttr(page.getByTestId('release-times'), 'data-instant', target.toISOString());
    await expectText(page.getByTestId('release-countdown'), 'Launches');
    const scheduled = await releaseState(releaseId);
    expect(scheduled).toMatchObject({ status: 'scheduled', timeZone: ZONE, localTime: local });
    expect(new Date(scheduled.scheduledAt!).toISOString()).toBe(target.toISOString());
    await closeToasts(page);
    await page.screenshot({ path: resolve(RESULTS, 'release-scheduled.png') });

    // It goes live on its own, and the page follows without a reload.
    await page.locator('[data-testid=release-page][data-status=LAUNCHED]').waitFor({ timeout: 45_000 });
    await page.getByTestId('release-launched').waitFor();
    await waitForCount(page.locator('[data-testid=action-row][data-live="1"]'), (n) => n === 2);
    await expectText(page.getByTestId('lateness'), 'after the instant');
    const launched = await releaseState(releaseId);
    expect(launched.status).toBe('launched');
    expect(new Date(launched.launchedAt!).getTime()).toBeGreaterThanOrEqual(target.getTime());
    expect(launched.latenessMs).toBeLessThan(5000);
    for (const it of await itemsState()) expect(it).toMatchObject({ state: 'LIVE', liveVersion: { number: 1 } });
    await page.locator('[data-testid=event][data-kind=launched]').waitFor();
    await closeToasts(page);
    await page.screenshot({ path: resolve(RESULTS, 'release-launched.png') });

    // Roll back through the confirmation, which says what happens to each item.
    await page.getByTestId('rollback-release').click();
    const confirm = page.getByTestId('rollback-dialog');
    await confirm.waitFor();
    await waitForCount(confirm.getByTestId('rollback-plan-item'), (n) => n === 2);
    for (const item of await confirm.getByTestId('rollback-plan-item').all()) await expectText(item, 'live v1 → not live');
    await animationsDone(page);
    await page.screenshot({ path: resolve(RESULTS, 'release-rollback-dialog.png') });
    await confirm.getByTestId('confirm-button').click();
    await confirm.waitFor({ state: 'detached' });

    await expectAttr(page.getByTestId('release-page'), 'data-status', 'ROLLED_BACK');
    await page.getByTestId('release-rolled-back').waitFor();
    await waitForCount(page.locator('[data-testid=action-row][data-live=""]'), (n) => n === 2);
    for (const row of await page.getByTestId('action-row').all()) await expectText(row.getByTestId('action-live'), 'not live');
    await page.locator('[data-testid=event][data-kind=rolled_back]').waitFor();
    expect((await releaseState(releaseId)).status).toBe('rolled_back');
    for (const it of await itemsState()) expect(it).toMatchObject({ state: 'APPROVED', liveVersion: null });
    await closeToasts(page);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: resolve(RESULTS, 'release-rolled-back.png') });

    // The item pages agree: approved v1, nothing live.
    await page.getByTestId('action-item-link').first().click();
    await page.getByTestId('workflow-bar').waitFor();
    await expectText(page.getByTestId('wf-live'), 'none');
    await expectText(page.getByTestId('wf-approved'), 'v1');
    await expectAttr(page.getByTestId('workflow-bar'), 'data-state', 'APPROVED');
  }, 120_000);

  it('a release whose name and description are one long unbroken word does not widen the page', async () => {
    const d = await must(
      gql<{ createRelease: { id: string } }>(
        api.url,
        'mutation($n: String!, $d: String) { createRelease(input: {name: $n, description: $d}) { id } }',
        { n: 'W'.repeat(120), d: 'W'.repeat(2000) },
        editorCreds,
      ),
    );
    const id = d.createRelease.id;
    await must(
      gql(api.url, 'mutation($r: ID!, $i: ID!) { addToRelease(releaseId: $r, itemId: $i, action: PUBLISH) { id } }', { r: id, i: itemIds[0] }, editorCreds),
    );
    await page.goto(studio(`/releases/${id}`));
    // Signed in by the test above; sign in again if this one runs alone.
    if (await page.getByTestId('login-page').isVisible()) {
      await page.getByTestId('login-email').fill(editor.email);
      await page.getByTestId('login-password').fill(editor.password);
      await page.getByTestId('login-submit').click();
    }
    await page.getByTestId('release-page').waitFor();
    await page.getByTestId('action-row').first().waitFor();
    const width = await page.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })');
    await page.screenshot({ path: resolve(RESULTS, 'release-long-word.png') });
    expect(width.scroll).toBeLessThanOrEqual(width.viewport);
    // The actions stay clear of the description: they start right of where the header's text ends.
    const main = await page.locator('.page-header-main').boundingBox();
    const actions = await page.locator('.page-actions').boundingBox();
    expect(main!.x + main!.width).toBeLessThanOrEqual(actions!.x);
  }, 60_000);
});
