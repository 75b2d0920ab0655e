import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import { percentile } from '../../bench/lib/common';
import type { Credentials } from '../support/stack';
import { gqlSend } from './http';
import { FuzzOptions, FuzzPools, FuzzStats, REFUSAL_BUDGET_MS, Role, ROLES, runFuzz } from './fuzz';
import { Report, say } from './report';
import { AbuseStack } from './stack';

/** Tables a mutation may write, digested whole (small) or by count and newest id (append-only, large). */
const DIGESTED: Record<string, string[]> = {
  users: ['last_login_at'],
  api_keys: ['last_used_at'],
  items: [],
  item_versions: [],
  releases: [],
  release_actions: [],
  version_reviews: [],
  webhook_endpoints: [],
  surfaces: [],
  surface_pins: [],
  content_tests: [],
  model_versions: [],
  ope_runs: [],
  import_jobs: [],
};
const COUNTED = ['audit_log', 'release_events', 'webhook_deliveries', 'engagement_events', 'engagement_event_ids', 'asset_checks'];

export function fingerprintSql(): string {
  const parts = Object.entries(DIGESTED).map(
    ([t, drop]) =>
      `SELECT '${t}' AS t, md5(coalesce(string_agg(j::text, '|' ORDER BY j::text), '')) AS d FROM (SELECT to_jsonb(x)${drop.map((c) => ` - '${c}'`).join('')} AS j FROM ${t} x) s`,
  );
  for (const t of COUNTED) parts.push(`SELECT '${t}', count(*)::text FROM ${t}`);
  return parts.join(' UNION ALL ');
}

export interface FuzzPhaseOptions extends FuzzOptions {
  roles?: Role[];
  /** A stack to share (its worker is stopped for the fuzz); by default the part brings up its own. */
  stack?: AbuseStack;
}

/**
 * Brings up its own stack (no worker: nothing else writes, so a changed table after a refused mutation is the
 * mutation's doing), builds the pools from the demo workspace plus throwaway objects, and runs the fuzz.
 */
export async function fuzzPhase(report: Report, o: FuzzPhaseOptions): Promise<FuzzStats> {
  const G = 'fuzz';
  const stack = o.stack ?? (await AbuseStack.up({ worker: false }));
  // Nothing but the fuzz may write while it reads back: no worker.
  if (o.stack) await stack.worker.stop('SIGTERM');
  try {
    const admin: Credentials = { token: await stack.adminToken() };
    const analyst = await stack.user(admin, 'analyst');
    const throwaway = await stack.user(admin, 'editor');
    const intro = await gqlSend(stack.url, getIntrospectionQuery(), {}, admin);
    if (!intro.body?.data) throw new Error(`Introspection as admin failed (${intro.status}): ${intro.text.slice(0, 500)}`);
    const schema = buildClientSchema(intro.body.data as never);

    // Throwaway objects for the mutations that destroy: revoke, disable, reset, delete.
    const key = await gqlSend(stack.url, 'mutation { createApiKey(name: "fuzz throwaway") { apiKey { id } } }', {}, admin);
    const hook = await gqlSend(
      stack.url,
      'mutation { createWebhookEndpoint(input: {url: "https://hooks.example.com/fuzz", events: ["release.launched"]}) { endpoint { id } } }',
      {},
      admin,
    );
    const rel = await gqlSend(stack.url, 'mutation { createRelease(input: {name: "fuzz throwaway"}) { id } }', {}, admin);
    const rows = await stack.db(async (c) => ({
      items: (await c.query('SELECT id, slug FROM items ORDER BY slug')).rows as { id: string; slug: string }[],
      releases: (await c.query('SELECT id FROM releases')).rows.map((r) => r.id as string),
    }));
    const pools: FuzzPools = {
      itemIds: rows.items.map((r) => r.id),
      itemSlugs: rows.items.map((r) => r.slug),
      releaseIds: rows.releases,
      userIds: [throwaway.id],
      apiKeyIds: [(key.body?.data as { createApiKey?: { apiKey: { id: string } } } | null)?.createApiKey?.apiKey.id].filter((x): x is string => !!x),
      endpointIds: [(hook.body?.data as { createWebhookEndpoint?: { endpoint: { id: string } } } | null)?.createWebhookEndpoint?.endpoint.id].filter(
        (x): x is string => !!x,
      ),
      emails: [throwaway.email, 'nobody@abuse.local'],
      surfaces: ['home', 'sleep', 'nope'],
    };
    void rel;

    // The read-back must be able to fail: a real write has to change the fingerprint.
    const sql = fingerprintSql();
    const fingerprint = () => stack.db(async (c) => Object.fromEntries((await c.query(sql)).rows.map((r) => [r.t, r.d])) as Record<string, string>);
    const fp0 = await fingerprint();
    await gqlSend(stack.url, 'mutation { createRelease(input: {name: "fuzz read-back self-test"}) { id } }', {}, admin);
    const fp1 = await fingerprint();
    const seen = Object.keys(fp1).filter((k) => fp1[k] !== fp0[k]);
    report.add(G, 'read-back self-test: a real write is seen', seen.join(', ') || 'nothing changed', 'a change', seen.length > 0);

    const creds: Record<Role, Credentials> = { anonymous: undefined, client: { apiKey: stack.seeded.apiKey }, analyst: analyst.creds, admin };
    const started = Date.now();
    const stats = await runFuzz(
      schema,
      pools,
      {
        url: () => stack.url,
        creds: (r) => creds[r],
        refresh: async (r) => {
          if (r === 'admin') creds.admin = { token: await stack.adminToken() };
          if (r === 'analyst') {
            const t = await gqlSend(stack.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
              e: analyst.email,
              p: analyst.password,
            });
            const token = (t.body?.data as { login?: { token: string } } | null)?.login?.token;
            if (token) creds.analyst = { token };
          }
        },
        fingerprint,
        restartApi: async () => {
          await stack.api.stop('SIGKILL');
          await stack.startApi();
        },
      },
      { ...o, log: o.log ?? say },
      o.roles ?? ROLES,
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    const timed = stats.refusalServerMs;
    report.figure(G, {
      seed: stats.seed,
      seconds,
      requests: stats.requests,
      operationsCovered: `${stats.operationsCovered}/${stats.operationsInSchema}`,
      byShape: stats.byShape,
      byStatus: stats.byStatus,
      byCode: stats.byCode,
      internalByOperation: countBy([...stats.http5xx, ...stats.internal].map((x) => x.label.replace(/ \[.*$/, ''))),
      refusals: stats.refusals,
      refusalsOverBudgetAtFirstTry: stats.refusalsOverBudgetOnce,
      refusalServerMs: timed.length ? { p50: percentile(timed, 0.5), p99: percentile(timed, 0.99), max: Math.max(...timed) } : null,
      mutationsReadBack: stats.mutationsChecked,
      relogins: stats.relogins,
      live: stats.live,
    });
    report.add(
      G,
      'operations fuzzed (of the schema)',
      `${stats.operationsCovered}/${stats.operationsInSchema}`,
      'all',
      stats.operationsCovered === stats.operationsInSchema,
    );
    report.atMost(G, `answers with HTTP 5xx (of ${stats.requests})`, stats.http5xx.length, 0, stats.http5xx.slice(0, 15));
    report.atMost(G, 'INTERNAL_SERVER_ERROR or uncoded errors', stats.internal.length, 0, stats.internal.slice(0, 15));
    report.atMost(G, 'requests without an answer (timeout/reset)', stats.noAnswer.length, 0, stats.noAnswer.slice(0, 10));
    report.atMost(G, 'API frozen (killed and restarted)', stats.freezes.length, 0, stats.freezes.slice(0, 10));
    report.atMost(G, `refusals without server-timing (of ${stats.refusals})`, stats.refusalsWithoutTiming, 0, {
      header: 'server-timing: app;dur=<ms>',
      refusals: stats.refusals,
    });
    report.atMost(
      G,
      `refusals over ${REFUSAL_BUDGET_MS} ms server time (best of 3)`,
      stats.refusalsOverBudget.length,
      0,
      stats.refusalsOverBudget.sort((a, b) => (b.serverMs ?? 0) - (a.serverMs ?? 0)).slice(0, 15),
    ).timing = true;
    report.atMost(G, '/health/live probes slower than 1 s or failed', stats.live.slow + stats.live.failed, 0, stats.live).timing = true;
    if (o.hygiene !== 'off') {
      report.atMost(
        G,
        `NUL/lone-surrogate inputs not refused BAD_USER_INPUT with problems, HTTP 400 (of ${stats.hygieneProbes})`,
        stats.hygieneMisses.length,
        0,
        {
          operations: countBy(stats.hygieneMisses.map((x) => x.label.replace(/^hygiene /, '').replace(/\(.*$/, ''))),
          samples: stats.hygieneMisses.slice(0, 12),
        },
      );
    }
    report.atMost(G, `half-written mutations (of ${stats.mutationsChecked} read back)`, stats.halfWrites.length, 0, stats.halfWrites.slice(0, 15));
    return stats;
  } finally {
    if (!o.stack) await stack.down();
  }
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}
