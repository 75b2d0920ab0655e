import { randomUUID } from 'node:crypto';
import { Rng } from '../../libs/platform-core/src/random';
import { ApiHandle, Credentials, gql } from './stack';

export interface TrafficOptions {
  surface: string;
  requests: number;
  users: number;
  /** True success probability of an examined item, the simulation's hidden truth. */
  truth: (item: { id: string; kind: string }) => number;
  /** Probability that position k (from 1) is looked at. */
  examine?: (position: number) => number;
  successType?: string;
  seed?: number;
  concurrency?: number;
}

const FEED = `query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId policyVersion items { position trackingToken reason item { id kind } } } }`;
const TRACK = `mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted rejected { code } } }`;

/** Simulated client traffic through the real API: feeds, impressions for what is looked at, successes by the truth. */
export async function simulateTraffic(
  api: ApiHandle,
  client: Credentials,
  o: TrafficOptions,
): Promise<{ requests: number; impressions: number; successes: number; byPolicy: Map<string, { n: number; s: number }> }> {
  const rng = new Rng(o.seed ?? 1);
  const examine = o.examine ?? ((k: number) => Math.pow(k, -0.7));
  const byPolicy = new Map<string, { n: number; s: number }>();
  let impressions = 0;
  let successes = 0;
  let done = 0;
  const one = async () => {
    const user = `sim-${rng.int(o.users)}`;
    const r = await gql<{ feed: { policyVersion: string; items: { position: number; trackingToken: string; item: { id: string; kind: string } }[] } }>(
      api.url,
      FEED,
      { s: o.surface, u: user },
      client,
    );
    if (!r.data) throw new Error(`feed failed: ${JSON.stringify(r.errors)}`);
    const now = new Date().toISOString();
    const events: { eventId: string; type: string; trackingToken: string; occurredAt: string }[] = [];
    const stats = byPolicy.get(r.data.feed.policyVersion) ?? byPolicy.set(r.data.feed.policyVersion, { n: 0, s: 0 }).get(r.data.feed.policyVersion)!;
    for (const it of r.data.feed.items) {
      if (rng.next() >= examine(it.position)) continue;
      events.push({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: it.trackingToken, occurredAt: now });
      impressions++;
      stats.n++;
      if (rng.next() < o.truth(it.item)) {
        events.push({ eventId: randomUUID(), type: o.successType ?? 'PLAY_START', trackingToken: it.trackingToken, occurredAt: now });
        successes++;
        stats.s++;
      }
    }
    if (events.length) {
      const t = await gql(api.url, TRACK, { e: events }, client);
      if (!t.data) throw new Error(`trackEvents failed: ${JSON.stringify(t.errors)}`);
    }
  };
  const workers = Array.from({ length: o.concurrency ?? 4 }, async () => {
    while (done < o.requests) {
      done++;
      await one();
    }
  });
  await Promise.all(workers);
  return { requests: o.requests, impressions, successes, byPolicy };
}
