import { mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser, closeToasts, expectText, waitUntil } from '../support/browser';
import { Workflow, must } from '../support/launch-helpers';
import {
  ROOT,
  createApiKey,
  createUser,
  gql,
  login,
  startApi,
  startWorker,
  type ApiHandle,
  type Credentials,
  type RunningProcess,
  type TestUser,
} from '../support/stack';
import { simulateTraffic } from '../support/traffic';

/**
 * The analyst's dashboards in the Studio, against the real API and worker: a surface over a collection of live items,
 * then one more item launched onto it, which enters a content test; simulated client traffic gives the test and the
 * surface impressions. An analyst opens the content tests, selects the test, sees its interval against the control and
 * its impressions over time as SVG points, and exports the table as CSV. The other dashboards are screenshotted too.
 */
const RESULTS = resolve(ROOT, 'test-results');
// Fast engine refresh and learning, so the content test starts and counts impressions within seconds.
const ENV = {
  ENGINE_REFRESH_MS: '300',
  LEARN_INTERVAL_MS: '300',
  LABEL_WINDOW_SECONDS: '1',
  FEED_STICKY_SECONDS: '0',
  MIN_TRAINING_ROWS: '200',
  OUTBOUND_ALLOWLIST: '127.0.0.1',
}; // media server on loopback

interface TestRow {
  id: string;
  itemId: string;
  status: string;
  impressions: number;
}

describe('Studio: analytics dashboards', () => {
  let media: Server;
  let api: ApiHandle;
  let worker: RunningProcess;
  let browser: TestBrowser;
  let page: Page;
  let analyst: TestUser;
  let admin: Credentials;
  let analystCreds: Credentials;
  let client: Credentials;
  let newItemId: string;
  let testId: string;
  const run = randomBytes(3).toString('hex');
  const collection = `analytics-${run}`;
  const surfaceKey = `analytics-${run}`;
  const newSlug = `first-light-${run}`;

  const studio = (path = '') => `${api.url}/studio${path}`;

  async function contentTests(): Promise<TestRow[]> {
    const d = await must(
      gql<{ contentTests: TestRow[] }>(
        api.url,
        'query($s: String) { contentTests(surface: $s) { id itemId status impressions } }',
        { s: surfaceKey },
        analystCreds,
      ),
    );
    return d.contentTests;
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    const mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    api = await startApi(ENV);
    worker = await startWorker(ENV);
    const [editor, reviewer, adminUser] = await Promise.all([createUser('editor'), createUser('reviewer'), createUser('admin')]);
    analyst = await createUser('analyst');
    const editorCreds = { token: await login(api.url, editor) };
    admin = { token: await login(api.url, adminUser) };
    analystCreds = { token: await login(api.url, analyst) };
    client = { apiKey: (await createApiKey(`analytics ${run}`)).key };
    const wf = new Workflow(api, editorCreds, { token: await login(api.url, reviewer) });

    // The established catalogue: six items in one collection, live before the surface exists.
    const baseline: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await wf.createItem(`calm-${i}-${run}`, mediaBase, { collections: [collection] });
      await wf.approveLatest(id);
      baseline.push(id);
    }
    const first = await wf.release(`Analytics catalogue ${run}`, baseline);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: first }, editorCreds));
    await wf.waitFor(first, ['launched']);

    // The surface over that collection, with a generous exploration budget so the test gets impressions quickly.
    await must(
      gql(
        api.url,
        'mutation($key: String!, $input: SurfaceInputGql) { createSurface(key: $key, name: "Analytics shelf", slots: 4, input: $input) { id } }',
        { key: surfaceKey, input: { candidateRule: { collections: [collection] }, explorationBudget: 0.3, randomFloor: 0.05, testQuota: 400 } },
        admin,
      ),
    );
    await waitUntil(
      async () => !!(await gql(api.url, 'query($s: String!) { feed(surface: $s, userId: "probe") { requestId } }', { s: surfaceKey }, client)).data,
      'the surface to serve feeds',
    );

    // One more item launches after the surface exists, so it enters a content test there.
    newItemId = await wf.createItem(newSlug, mediaBase, { collections: [collection] });
    await wf.approveLatest(newItemId);
    const second = await wf.release(`First light ${run}`, [newItemId]);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: second }, editorCreds));
    await wf.waitFor(second, ['launched']);
    await waitUntil(async () => (await contentTests()).some((t) => t.itemId === newItemId), 'the content test to start', 30_000);
    testId = (await contentTests()).find((t) => t.itemId === newItemId)!.id;

    // Simulated client traffic: the new item is played more often than the rest.
    const t = await simulateTraffic(api, client, { surface: surfaceKey, requests: 260, users: 50, truth: (it) => (it.id === newItemId ? 0.45 : 0.2), seed: 5 });
    expect(t.impressions).toBeGreaterThan(200);
    await waitUntil(async () => ((await contentTests()).find((x) => x.id === testId)?.impressions ?? 0) > 0, 'the content test to count impressions', 30_000);

    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(20_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await api?.stop();
    media?.closeAllConnections();
    media?.close();
  });

  it('shows an analyst a content test plotted against the control and over time, and exports the table as CSV', async () => {
    await page.goto(studio('/'));
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-email').fill(analyst.email);
    await page.getByTestId('login-password').fill(analyst.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('content-table').waitFor();

    // Analytics (its first page is Content tests), narrowed to the surface; select the new item's test.
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('content-tests-table').waitFor();
    await page.getByTestId('tests-surface').selectOption(surfaceKey);
    const row = page.locator(`[data-testid=content-test-row][data-item-id="${newItemId}"]`);
    await row.waitFor();
    await row.locator('td').nth(3).click();
    await page.locator(`[data-testid=test-detail][data-test-id="${testId}"]`).waitFor();
    expect(await row.getAttribute('aria-selected')).toBe('true');

    // The interval plot: one point per test on the surface, at the test's mean success rate, with its interval.
    const forest = page.getByTestId('test-interval-chart');
    await forest.locator('[data-testid=chart-point]').first().waitFor();
    const forestPoints = await points(forest);
    expect(forestPoints.length).toBeGreaterThanOrEqual(1);
    const mine = forestPoints.find((p) => p.testId === testId)!;
    expect(mine).toBeDefined();
    expect(mine.x).toBeGreaterThanOrEqual(mine.lower);
    expect(mine.x).toBeLessThanOrEqual(mine.upper);
    expect(mine.lower).toBeGreaterThanOrEqual(0);
    expect(mine.upper).toBeLessThanOrEqual(1);
    const band = forest.getByTestId('control-band');
    expect(Number(await band.getAttribute('data-lower'))).toBeLessThanOrEqual(Number(await band.getAttribute('data-upper')));

    // Impressions over time: a point per day since the test started, with the running total.
    const timeline = page.getByTestId('test-timeline-chart');
    await timeline.locator('[data-testid=chart-point]').first().waitFor();
    const days = await points(timeline);
    expect(days.length).toBeGreaterThanOrEqual(1);
    const last = days[days.length - 1];
    expect(last.y).toBeGreaterThan(0);
    expect(new Date(last.x).toISOString().slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));

    // Hovering a point's row shows its numbers.
    await forest.locator(`[data-testid=forest-row][data-test-id="${testId}"] .chart-hit`).hover();
    await expectText(forest.getByTestId('chart-tooltip'), 'P(beats control)');
    await page.mouse.move(0, 0);

    await closeToasts(page);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: resolve(RESULTS, 'analytics-content-tests.png') });

    // CSV export of the table: a header row and at least one data row, the new item's among them.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tests-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^marquee-content-tests-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
    const lines = csv.trim().split(/\r\n/);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const header = lines[0].split(',');
    expect(header).toEqual(
      expect.arrayContaining(['surface', 'item_title', 'status', 'impressions', 'quota', 'rate_mean', 'rate_lower_90', 'rate_upper_90', 'prob_beats_control']),
    );
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    const exported = rows.find((r) => r.item_slug === newSlug)!;
    expect(exported).toBeDefined();
    expect(exported.surface).toBe(surfaceKey);
    expect(Number(exported.impressions)).toBeGreaterThan(0);
    expect(Number(exported.prob_beats_control)).toBeGreaterThanOrEqual(0);
    expect(Number(exported.prob_beats_control)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('shows exploration spend against the budget, surface success by policy version, and model versions', async () => {
    // Exploration spend (a tab of the analytics section): stacked bars for the day, with the budget line.
    await page.getByTestId('nav-exploration').click();
    await page.getByTestId('analytics-surface').selectOption(surfaceKey);
    const spend = page.getByTestId('spend-chart');
    await spend.locator('[data-testid=chart-bar]').first().waitFor();
    expect(Number(await spend.getByTestId('budget-line').getAttribute('data-y'))).toBeCloseTo(0.3);
    expect(await page.getByTestId('spend-row').count()).toBeGreaterThanOrEqual(1);
    await page.locator('label', { has: page.getByTestId('spend-by-hour') }).click();
    // The choice goes through the address, so the radio is checked once the router has re-rendered, not at once.
    await waitUntil(() => page.getByTestId('spend-by-hour').isChecked(), 'the per-hour view to be selected', 10_000);
    expect(new URL(page.url()).searchParams.get('surface')).toBe(surfaceKey);
    await spend.locator('[data-testid=chart-bar]').first().waitFor();
    await page.screenshot({ path: resolve(RESULTS, 'analytics-spend.png') });

    // Surface success by policy version.
    await page.getByTestId('nav-surface-success').click();
    await page.getByTestId('analytics-surface').selectOption(surfaceKey);
    await page.getByTestId('success-chart').locator('[data-testid=chart-point]').first().waitFor();
    expect(await page.getByTestId('success-row').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: resolve(RESULTS, 'analytics-success.png') });

    // An admin trains a model on the surface's logs; the analyst watches it on the Models page, read-only.
    const queued = await must(
      gql<{ trainModel: { id: string } }>(api.url, 'mutation($s: String!) { trainModel(surface: $s, days: 1, epochs: 2) { id } }', { s: surfaceKey }, admin),
    );
    await page.getByTestId('nav-models').click();
    await page.getByTestId('analytics-surface').selectOption(surfaceKey);
    const modelRow = page.locator(`[data-testid=model-row][data-model-id="${queued.trainModel.id}"]`);
    await modelRow.waitFor();
    expect(await page.getByTestId('train-open').count()).toBe(0);
    // The page polls while it trains; wait for it to leave training and the gate, whatever the outcome.
    await waitUntil(
      async () => !['TRAINING', 'CANDIDATE'].includes((await modelRow.getAttribute('data-status')) ?? 'TRAINING'),
      'the model to finish training and the gate',
      90_000,
    );
    await modelRow.getByTestId('model-status').waitFor();
    // A model that reached the gate shows both of its parts: the estimate and its own holdout fit.
    if ((await modelRow.getAttribute('data-status'))?.startsWith('GATE_')) {
      expect(await modelRow.getByTestId('gate-result').count()).toBe(1);
      expect(await modelRow.getByTestId('gate-fit').textContent()).toMatch(/^(fit better than chance and the base rate|fit: .+)$/);
    }
    expect(await page.getByTestId('start-canary').count()).toBe(0);
    await closeToasts(page);
    await page.screenshot({ path: resolve(RESULTS, 'analytics-models.png') });
  }, 150_000);
});

interface Point {
  x: number;
  y: number;
  lower: number;
  upper: number;
  testId: string | null;
}

/** The SVG points of a chart, with their data attributes as numbers (each must be one). */
async function points(chart: Locator): Promise<Point[]> {
  const els = await chart.locator('[data-testid=chart-point]').all();
  const out: Point[] = [];
  for (const el of els) {
    expect(await el.evaluate((n) => n.tagName.toLowerCase())).toBe('circle');
    const num = async (name: string) => {
      const v = await el.getAttribute(name);
      return v === null ? NaN : Number(v);
    };
    const p = {
      x: await num('data-x'),
      y: await num('data-y'),
      lower: await num('data-lower'),
      upper: await num('data-upper'),
      testId: await el.getAttribute('data-test-id'),
    };
    expect(Number.isFinite(p.x)).toBe(true);
    expect(Number.isFinite(p.y)).toBe(true);
    out.push(p);
  }
  return out;
}
