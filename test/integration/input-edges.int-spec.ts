import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { ApiHandle, Credentials, createApiKey, createUser, gql, login, startApi, withDb } from '../support/stack';
import { must } from '../support/launch-helpers';
import { seedSurface } from '../support/seed-surface';
import { pollUntil } from '../support/wait';
import { signedToken } from '../support/tokens';

type Problem = { field: string; message: string };
type Err = { message: string; extensions?: { code?: string; problems?: Problem[] } };
type Answer<T = unknown> = { data: T | null; errors?: Err[] };

const FEED = 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId items { trackingToken item { id } } } }';
const EDITORIAL = 'query($s: String!, $u: ID!) { editorialFeed(surface: $s, userId: $u) { requestId } }';
const PREVIEW = 'query($s: String!, $p: PreviewPersonaInput!) { feedPreview(surface: $s, persona: $p) { entries { itemId } } }';
const CATALOG_AT = 'query($p: PersonaInput) { catalogAt(persona: $p) { itemId } }';
const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code message } } }';
const RULE = 'an id must be visible text: no line breaks, control characters (U+0000–U+001F, U+007F–U+009F), bidi controls or zero-width characters';

/**
 * Input edges a hostile client reaches: list limits that refuse instead of clamping, user ids that would lie in staff
 * tools, variables inside JSON literals, and a training run lost during its offline gate. Real API on the real
 * PostgreSQL and Redis (no worker).
 */
describe('input edges: limits, client user ids, JSON literals, lost candidates', () => {
  const SURFACE = `edges-${Date.now() % 100000}`;
  let api: ApiHandle;
  let admin: Credentials;
  let client: { id: string; key: string };

  beforeAll(async () => {
    await seedSurface(SURFACE, 6);
    client = await createApiKey('input edges client');
    api = await startApi({ RATE_LIMIT_FEED_PER_KEY: '0', RATE_LIMIT_FEED_PER_ADDRESS: '0' });
    admin = { token: await login(api.url, await createUser('admin')) };
  });
  afterAll(() => api?.stop());

  function refused(r: Answer, code: string, field?: string): Err {
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe(code);
    if (field) expect(r.errors?.[0].extensions?.problems?.map((p) => p.field)).toContain(field);
    return r.errors![0];
  }

  describe('webhookDeliveries(limit:)', () => {
    it.each([-5, 0, 201, 250])('refuses limit %d with BAD_USER_INPUT naming limit and its range', async (limit) => {
      const e = refused(await gql(api.url, 'query($l: Int) { webhookDeliveries(limit: $l) { id } }', { l: limit }, admin), 'BAD_USER_INPUT', 'limit');
      expect(e.message).toBe('limit must be from 1 to 200.');
    });

    it('takes 1, 200 and no limit at all', async () => {
      for (const l of [1, 200, null]) await must(gql(api.url, 'query($l: Int) { webhookDeliveries(limit: $l) { id } }', { l }, admin));
    });
  });

  describe('client user ids', () => {
    const BAD: [string, string, string, number][] = [
      ['line feed', 'user\nadmin', 'line break U+000A', 5],
      ['carriage return', 'a\r', 'line break U+000D', 2],
      ['line separator', 'a\u2028b', 'line break U+2028', 2],
      ['tab', 'a\tb', 'control character U+0009', 2],
      ['escape', '\u001b[31mred', 'control character U+001B', 1],
      ['C1 control', 'x\u0085', 'line break U+0085', 2],
      ['C1 CSI', 'x\u009b', 'control character U+009B', 2],
      ['RTL override', 'user-\u202Egnp.exe', 'bidirectional control character U+202E', 6],
      ['LRE', '\u202Au', 'bidirectional control character U+202A', 1],
      ['isolate', 'u\u2066x\u2069', 'bidirectional control character U+2066', 2],
      ['zero width space', 'ad\u200Bmin', 'zero-width character U+200B', 3],
      ['zero width joiner', 'a\u200Db', 'zero-width character U+200D', 2],
      ['word joiner', 'a\u2060', 'zero-width character U+2060', 2],
      ['BOM', '\uFEFFuser', 'zero-width character U+FEFF', 1],
    ];

    it.each(BAD)('feed refuses a %s with BAD_USER_INPUT naming the character, where it is and the rule, and logs nothing', async (_name, userId, what, at) => {
      const e = refused(await gql(api.url, FEED, { s: SURFACE, u: userId }, { apiKey: client.key }), 'BAD_USER_INPUT', 'userId');
      expect(e.extensions?.problems).toEqual([{ field: 'userId', message: `contains the ${what} at character ${at}; ${RULE}` }]);
      expect(e.message).toContain(`userId contains the ${what} at character ${at}`);
      refused(await gql(api.url, EDITORIAL, { s: SURFACE, u: userId }, { apiKey: client.key }), 'BAD_USER_INPUT', 'userId');
      refused(await gql(api.url, PREVIEW, { s: SURFACE, p: { userId } }, admin), 'BAD_USER_INPUT', 'persona.userId');
      const c = refused(await gql(api.url, CATALOG_AT, { p: { userId } }, admin), 'BAD_USER_INPUT', 'persona.userId');
      expect(c.extensions?.problems).toEqual([{ field: 'persona.userId', message: `contains the ${what} at character ${at}; ${RULE}` }]);
      expect(c.message).toContain(`persona.userId contains the ${what} at character ${at}`);
      // A good feed after it is logged, so a refused one would have been by now too.
      const ok = `ok-${randomUUID()}`;
      await must(gql(api.url, FEED, { s: SURFACE, u: ok }, { apiKey: client.key }));
      await pollUntil(
        () => withDb((c) => c.query('SELECT count(*)::int AS n FROM feed_requests WHERE user_id = $1', [ok])).then((r) => r.rows[0].n),
        (n) => n > 0,
        { what: 'the valid feed being logged' },
      );
      const logged = await withDb((c) => c.query('SELECT count(*)::int AS n FROM feed_requests WHERE user_id = $1', [userId]));
      expect(logged.rows[0].n).toBe(0);
    });

    it('keeps ids of visible characters, any script', async () => {
      for (const u of ['user@example.com', 'Zoë 😀', 'مستخدم-7', 'a b']) {
        await must(gql(api.url, FEED, { s: SURFACE, u }, { apiKey: client.key }));
        await must(gql(api.url, CATALOG_AT, { p: { userId: u } }, admin));
      }
    });

    it.each([
      ['empty', ''],
      ['129 characters', 'u'.repeat(129)],
    ])('catalogAt refuses a persona userId that is %s, as feedPreview does', async (_name, userId) => {
      const c = refused(await gql(api.url, CATALOG_AT, { p: { userId } }, admin), 'BAD_USER_INPUT', 'persona.userId');
      expect(c.extensions?.problems).toEqual([{ field: 'persona.userId', message: 'must be 1 to 128 characters' }]);
      refused(await gql(api.url, PREVIEW, { s: SURFACE, p: { userId } }, admin), 'BAD_USER_INPUT', 'persona.userId');
      await must(gql(api.url, CATALOG_AT, { p: { userId: 'u'.repeat(128) } }, admin));
    });

    it.each([
      ['a locale that is not BCP 47', { locale: 'not a locale!' }, 'locale'],
      ['a locale over 64 characters', { locale: 'en-' + 'a'.repeat(70) }, 'locale'],
      ['an unknown platform', { platform: 'windows' }, 'platform'],
      ['a tier that is not a short lowercase name', { tier: 'Premium Plus!' }, 'tier'],
    ])('catalogAt refuses a persona with %s, naming the field as feedPreview does, and writes nothing', async (_name, context, field) => {
      // Feeds logged by earlier tests are still being flushed, so feed_requests is counted for this persona only.
      const userId = `persona-${randomUUID()}`;
      const counts = () =>
        withDb((c) =>
          c.query(
            'SELECT (SELECT count(*) FROM audit_log)::int AS audit, (SELECT count(*) FROM feed_requests WHERE user_id = $1)::int AS feeds, (SELECT count(*) FROM items)::int AS items',
            [userId],
          ),
        ).then((r) => r.rows[0]);
      const before = await counts();
      const c = refused(await gql(api.url, CATALOG_AT, { p: { userId, ...context } }, admin), 'BAD_USER_INPUT', `persona.${field}`);
      const p = refused(await gql(api.url, PREVIEW, { s: SURFACE, p: { userId, ...context } }, admin), 'BAD_USER_INPUT', `persona.${field}`);
      // One implementation: the same problem, word for word.
      expect(c.extensions?.problems).toEqual(p.extensions?.problems);
      expect(c.message).toMatch(new RegExp(`^The catalogue was not read: persona\\.${field} `));
      expect(await counts()).toEqual(before);
    });

    it('catalogAt names every bad persona field at once, and takes good ones in any case', async () => {
      const c = refused(await gql(api.url, CATALOG_AT, { p: { userId: 'a\tb', locale: 'xx_!!', platform: 'tv', tier: '9lives' } }, admin), 'BAD_USER_INPUT');
      expect(c.extensions?.problems?.map((p) => p.field)).toEqual(['persona.userId', 'persona.locale', 'persona.platform', 'persona.tier']);
      await must(gql(api.url, CATALOG_AT, { p: { userId: 'persona', locale: 'pt_BR', platform: 'IOS', tier: 'Premium' } }, admin));
    });

    it('trackEvents rejects, alone and typed, an event whose token carries such a user id, and keeps the valid event', async () => {
      const good = (
        await must(
          gql<{ feed: { items: { trackingToken: string; item: { id: string } }[] } }>(api.url, FEED, { s: SURFACE, u: 'tracked' }, { apiKey: client.key }),
        )
      ).feed;
      // A token the feed signed before it refused such ids (tokens live 7 days).
      const forged = signedToken({ surface: SURFACE, userId: 'user-\u202Egnp.exe', itemId: good.items[0].item.id, apiKeyId: client.id });
      const events = [
        { eventId: randomUUID(), type: 'IMPRESSION', trackingToken: forged, occurredAt: new Date().toISOString() },
        { eventId: randomUUID(), type: 'IMPRESSION', trackingToken: good.items[0].trackingToken, occurredAt: new Date().toISOString() },
      ];
      const r = await must(gql<{ trackEvents: unknown }>(api.url, TRACK, { e: events }, { apiKey: client.key }));
      expect(r.trackEvents).toEqual({
        accepted: 1,
        duplicates: 0,
        rejected: [
          {
            index: 0,
            code: 'INVALID_TOKEN',
            message: `The tracking token's user id contains the bidirectional control character U+202E at character 6; ${RULE}. The event was not stored; request the feed again with such a user id and send the event with its new token.`,
          },
        ],
      });
      const stored = await withDb((c) => c.query('SELECT event_id FROM engagement_event_ids WHERE event_id = ANY($1)', [events.map((e) => e.eventId)]));
      expect(stored.rows.map((x) => x.event_id)).toEqual([events[1].eventId]);
      const users = await withDb((c) => c.query('SELECT count(*)::int AS n FROM engagement_events WHERE user_id = $1', ['user-\u202Egnp.exe']));
      expect(users.rows[0].n).toBe(0);
    });
  });

  describe('variables and bare words inside a JSON literal', () => {
    const EVAL = (config: string) => `mutation($x: Int) { evaluatePolicy(surface: "${SURFACE}", target: CONFIG, days: 1, config: ${config}) { id config } }`;
    const runs = () => withDb((c) => c.query('SELECT count(*)::int AS n FROM ope_runs WHERE surface_key = $1', [SURFACE])).then((r) => r.rows[0].n as number);

    beforeAll(async () => {
      await must(gql(api.url, FEED, { s: SURFACE, u: `json-${randomUUID()}` }, { apiKey: client.key }));
      await pollUntil(
        () => withDb((c) => c.query('SELECT count(*)::int AS n FROM feed_requests WHERE surface = $1 AND NOT fallback', [SURFACE])).then((r) => r.rows[0].n),
        (n) => n > 0,
        { what: `a logged feed on ${SURFACE}` },
      );
    });

    it('takes the variable value where it sits (it used to become null)', async () => {
      const r = await must(gql<{ evaluatePolicy: { config: unknown } }>(api.url, EVAL('{slots: $x}'), { x: 3 }, admin));
      expect(r.evaluatePolicy.config).toEqual({ slots: 3 });
    });

    it('refuses a variable the request does not give, with BAD_USER_INPUT naming where it sits, and queues nothing', async () => {
      const before = await runs();
      const e = refused(await gql(api.url, EVAL('{slots: $x}'), {}, admin), 'BAD_USER_INPUT', 'config.slots');
      expect(e.message).toMatch(/^config\.slots is the variable \$x, which this request does not give a value, inside a JSON value; give \$x a value/);
      expect(await runs()).toBe(before);
    });

    it('refuses a bare word, saying to quote it, and queues nothing', async () => {
      const before = await runs();
      const e = refused(await gql(api.url, EVAL('{slots: FAST}'), {}, admin), 'GRAPHQL_VALIDATION_FAILED');
      expect(e.message).toMatch(/A JSON value has no bare words: FAST is not JSON\. Write it as a string, "FAST"/);
      expect(await runs()).toBe(before);
    });
  });

  describe('a training run lost during its offline gate', () => {
    it('is marked failed by the next trainModel on its surface, instead of "running the offline gate" for good', async () => {
      const id = randomUUID();
      await withDb((c) =>
        c.query(
          `INSERT INTO model_versions (id, surface_key, version, status, progress, progress_message, created_at)
           VALUES ($1, $2, $3, 'candidate', 0.85, 'Trained; running the offline gate', now() - interval '10 minutes')`,
          [id, SURFACE, `tfjs-${SURFACE}-lost-${id.slice(0, 6)}`],
        ),
      );
      const q = new Queue('training', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${process.env.REDIS_PREFIX}:bull` });
      try {
        expect(await q.getJob(`train_${id}`)).toBeFalsy();
      } finally {
        await q.close();
      }
      const next = await must(gql<{ trainModel: { id: string } }>(api.url, 'mutation($s: String!) { trainModel(surface: $s) { id } }', { s: SURFACE }, admin));
      const rows = await withDb((c) => c.query('SELECT id, status, status_reason FROM model_versions WHERE surface_key = $1 ORDER BY created_at', [SURFACE]));
      expect(rows.rows).toEqual([
        { id, status: 'failed', status_reason: expect.stringMatching(/^The training job was lost .* before the offline gate decided\.$/) },
        { id: next.trainModel.id, status: 'training', status_reason: null },
      ]);
      const audit = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'model.failed'`, [id]));
      expect(audit.rows[0].n).toBe(1);
    });
  });
});
