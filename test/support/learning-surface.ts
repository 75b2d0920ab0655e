import { ApiHandle, Credentials, RunningProcess, createApiKey, createUser, gql, login, startApi, startWorker } from './stack';
import { seedSurface } from './seed-surface';
import { waitUntil } from './wait';

/** A seeded surface with an API and a worker that learn fast, as the learning specs (collab, person history) need. */
export interface LearningSurface {
  api: ApiHandle;
  worker: RunningProcess;
  client: Credentials;
  admin: Credentials;
  itemIds: string[];
}

/**
 * Seeds `items` items on `surface` and starts an API and a worker that refresh and learn every 300 ms with a 1 s label
 * window and no sticky slates. A generous feed budget: on a loaded machine a 50 ms budget serves some feeds from the
 * editorial fallback, whose impressions the model does not learn from, and these specs need thousands of labelled
 * impressions. Resolves once the surface serves personalised feeds.
 */
export async function startLearningSurface(surface: string, items: number, keyName: string): Promise<LearningSurface> {
  const { itemIds } = await seedSurface(surface, items);
  const env = { ENGINE_REFRESH_MS: '300', LEARN_INTERVAL_MS: '300', LABEL_WINDOW_SECONDS: '1', FEED_STICKY_SECONDS: '0', FEED_BUDGET_MS: '2000' };
  const api = await startApi(env);
  const worker = await startWorker(env);
  const admin = { token: await login(api.url, await createUser('admin')) };
  const client = { apiKey: (await createApiKey(keyName)).key };
  await waitUntil(
    async () => {
      const r = await gql<{ feed: { items: unknown[]; stateRevision: number | null } }>(
        api.url,
        `query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { stateRevision items { position } } }`,
        { s: surface, u: 'warmup' },
        client,
      );
      return (r.data?.feed?.items.length ?? 0) > 0 && r.data!.feed.stateRevision !== null;
    },
    { timeoutMs: 30_000, what: 'the seeded surface to serve personalised feeds' },
  );
  return { api, worker, client, admin, itemIds };
}

/** Deterministic luck in [0, 1) per (a, b, c), so a simulated audience behaves the same in every run. */
export function hashLuck(a: number, b: number, c: number): number {
  let h = Math.imul(a + 0x9e37, 0x85ebca6b) ^ Math.imul(b + 0x7f4a, 0xc2b2ae35) ^ Math.imul(c + 0x1234, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return ((h ^ (h >>> 13)) >>> 0) / 4294967296;
}
