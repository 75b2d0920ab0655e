import { randomUUID } from 'node:crypto';
import { MarqueeClient, MarqueeError } from './marquee';

/**
 * `node examples/client/dist/main.js --url http://localhost:3000 --key <client API key> [--surface home] [--user user-42]`
 * fetches the user's feed, prints it, and reports an IMPRESSION for every item, as an app does for what it showed.
 */
async function main(argv: string[]): Promise<void> {
  const arg = (name: string, fallback?: string): string => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? argv[i + 1] : fallback;
    if (!v) throw new Error(`--${name} is required; e.g. --url http://localhost:3000 --key <the client API key npm start printed>`);
    return v;
  };
  const client = new MarqueeClient(arg('url', 'http://localhost:3000'), arg('key'));
  const feed = await client.feed({ surface: arg('surface', 'home'), userId: arg('user', 'user-42'), limit: 10, context: { locale: 'en', platform: 'ios' } });
  console.log(`feed ${feed.requestId} (policy ${feed.policyVersion}):`);
  for (const s of feed.items) console.log(`  ${s.position}. ${s.item.title} [${s.item.kind}] ${s.reason} p=${s.propensity.toFixed(3)}`);
  const now = new Date().toISOString();
  const result = await client.track(feed.items.map((s) => ({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: s.trackingToken, occurredAt: now })));
  console.log(`events: ${result.accepted} accepted, ${result.duplicates} duplicates, ${result.rejected.length} rejected`);
  for (const r of result.rejected) console.log(`  event ${r.index}: ${r.code} ${r.message}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof MarqueeError ? `Marquee refused the call: ${e.code}: ${e.message}` : `The example failed: ${(e as Error).message}`);
  process.exit(1);
});
