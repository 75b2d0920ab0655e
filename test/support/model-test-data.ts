import type { Client } from 'pg';
import { ApiHandle, Credentials, gql } from './stack';
import { pollUntil } from './wait';

/**
 * The training data of models.int-spec.ts, in one place, so test/measure/model-holdout.measure.ts measures exactly what
 * the test trains on: the catalogue's kinds, the processes' settings, the simulated traffic and its hidden truth.
 */
export const MODEL_TEST_ENV = {
  ENGINE_REFRESH_MS: '300',
  LEARN_INTERVAL_MS: '500',
  LABEL_WINDOW_SECONDS: '1',
  FEED_STICKY_SECONDS: '0',
  CANARY_CHECK_MS: '500',
  CANARY_MIN_IMPRESSIONS: '200',
  MIN_TRAINING_ROWS: '200',
  AUTO_CANARY: 'false',
  OPE_DRAWS: '8',
  OPE_MAX_REQUESTS: '300',
  OUTBOUND_ALLOWLIST: '127.0.0.1', // the media server is on loopback
};

export const MODEL_TEST_KINDS = ['sleep_story', 'sleep_story', 'sleep_story', 'meditation', 'meditation', 'music', 'talk', 'meditation', 'music', 'talk'];

/** Sleep stories are what these users play; everything else rarely. */
export const modelTestTruth = (item: { kind: string }) => (item.kind === 'sleep_story' ? 0.6 : 0.04);

/**
 * The surface the training test logs on. Half its impressions are placed uniformly at random (the most a surface
 * allows), so the latest fifth of the log, which the trainer holds out, still shows every kind of item.
 *
 * With 5% (as before), the live policy had learned to show sleep stories by then: 81–88% of the ~120 held-out
 * impressions were sleep stories, whose plays are coin flips at 0.6. Ranking them by the truth itself reached only
 * AUC 0.60–0.73, and the model 0.55–0.76 (median 0.65; 12 traffic runs × 6 training seeds). The traffic decided it
 * (the seed moved a run by 0.04 typically); the mean sat 3.1 standard deviations above 0.5, a tail a suite run now and
 * then hits (issue 8, defect 14). With 50%: 28–66% sleep stories, truth AUC 0.77–0.88, model 0.77–0.91 (median 0.82,
 * 8.7 standard deviations above 0.5). test/measure/model-holdout.measure.ts, bench/results/model-holdout-*.json.
 */
export const MODEL_TEST_SURFACE = { randomFloor: 0.5, explorationBudget: 0.5 };

/**
 * The traffic the training test logs before it trains. One request at a time, so the seeded draws (who visits, what
 * they look at, what they play) happen in the same order every run; with four at once they interleaved by response
 * time. The slates themselves stay the server's own (seeded by a random request id).
 */
export const MODEL_TEST_TRAFFIC = { requests: 250, users: 60, seed: 11, concurrency: 1 };

/** A new surface serves personalised slates once the API's engine has loaded it; until then the feed says NOT_FOUND. */
export async function surfaceServable(api: ApiHandle, client: Credentials, key: string): Promise<void> {
  await pollUntil(
    async () => gql(api.url, 'query($k: String!) { feed(surface: $k, userId: "probe") { requestId } }', { k: key }, client),
    (r) => !!r.data,
    { what: `surface "${key}" to serve a feed`, timeoutMs: 20_000 },
  );
}

/** Feed logs are written in batches after the response: waits until every simulated request of a surface is logged. */
export async function simulatedRequestsLogged(db: Pick<Client, 'query'>, surface: string, requests: number): Promise<number> {
  const count = async () =>
    Number((await db.query(`SELECT count(*) AS n FROM feed_requests WHERE surface = $1 AND user_id LIKE 'sim-%'`, [surface])).rows[0].n);
  return pollUntil(count, (n) => n >= requests, { what: `the feed log of ${requests} simulated requests on "${surface}"`, timeoutMs: 20_000 });
}
