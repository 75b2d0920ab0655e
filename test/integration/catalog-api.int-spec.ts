import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiHandle, Credentials, RunningProcess, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { pollUntil } from '../support/wait';
import { must } from '../support/launch-helpers';

const ITEM_FIELDS = `id slug kind state title locales completeLocales latestVersionNumber liveVersionId
  latestVersion { number fields { slug defaultLocale locales localized { locale title subtitle description } durationSeconds topics attributes media { audioUrl artworkUrl } } }`;
const CREATE = `mutation($input: ItemInput!) { createItem(input: $input) { ${ITEM_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: ItemInput!, $base: Int) { updateItem(id: $id, input: $input, baseVersion: $base) { ${ITEM_FIELDS} } }`;

function meditation(slug: string, overrides: Record<string, unknown> = {}) {
  return {
    slug,
    kind: 'meditation',
    defaultLocale: 'en',
    locales: ['en', 'de'],
    localized: [
      { locale: 'en', title: `Title ${slug}`, description: 'A calm practice.' },
      { locale: 'de', title: `Titel ${slug}`, description: 'Eine ruhige Übung.' },
    ],
    durationSeconds: 600,
    topics: ['sleep'],
    attributes: { narrator: 'Ana' },
    ...overrides,
  };
}

async function counts() {
  return withDb(async (c) => {
    const { rows } = await c.query(
      `SELECT (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM item_versions)::int AS versions, (SELECT count(*) FROM audit_log)::int AS audit`,
    );
    return rows[0];
  });
}

describe('catalogue over HTTP', () => {
  let api: ApiHandle;
  let worker: RunningProcess;
  let editor: Credentials;
  let analyst: Credentials;
  let media: Server;
  let mediaUrl: string;

  beforeAll(async () => {
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok') ? 200 : 404, { 'content-type': 'audio/mpeg' }).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    api = await startApi();
    worker = await startWorker({ ASSET_CHECK_TIMEOUT_MS: '2000', OUTBOUND_ALLOWLIST: '127.0.0.1' }); // the media server is on loopback
    editor = { token: await login(api.url, await createUser('editor')) };
    analyst = { token: await login(api.url, await createUser('analyst')) };
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await new Promise((r) => media.close(r));
  });

  it('creates an item as draft v1 and lists it', async () => {
    const r = await gql<{ createItem: { id: string; state: string; latestVersionNumber: number; completeLocales: string[] } }>(
      api.url,
      CREATE,
      { input: meditation('api-create') },
      editor,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.createItem).toMatchObject({ state: 'DRAFT', latestVersionNumber: 1, completeLocales: ['en', 'de'] });
    const list = await gql<{ items: { totalCount: number; edges: { node: { slug: string } }[] } }>(
      api.url,
      '{ items(filter: {text: "api-create"}) { totalCount edges { node { slug } } } }',
      {},
      analyst,
    );
    expect(list.data!.items.edges.map((e) => e.node.slug)).toEqual(['api-create']);
  });

  it('makes a new immutable version on every save, with a diff, and restores without publishing', async () => {
    const created = await gql<{ createItem: { id: string } }>(api.url, CREATE, { input: meditation('api-versions') }, editor);
    const id = created.data!.createItem.id;
    const changed = meditation('api-versions', { durationSeconds: 900 });
    const v2 = await gql<{ updateItem: { latestVersionNumber: number } }>(api.url, UPDATE, { id, input: changed, base: 1 }, editor);
    expect(v2.data!.updateItem.latestVersionNumber).toBe(2);

    const versions = await gql<{ itemVersions: { number: number; author: { email: string } }[] }>(
      api.url,
      'query($id: ID!) { itemVersions(itemId: $id) { number author { email } } }',
      { id },
      analyst,
    );
    expect(versions.data!.itemVersions.map((v) => v.number)).toEqual([2, 1]);
    expect(versions.data!.itemVersions[0].author.email).toMatch(/^editor-/);

    const diff = await gql<{ versionDiff: { path: string; before: unknown; after: unknown }[] }>(
      api.url,
      'query($id: ID!) { versionDiff(itemId: $id, from: 1, to: 2) { path before after } }',
      { id },
      analyst,
    );
    expect(diff.data!.versionDiff).toEqual([{ path: 'durationSeconds', before: 600, after: 900 }]);

    const restored = await gql<{
      restoreItemVersion: { latestVersionNumber: number; state: string; liveVersionId: string | null; latestVersion: { fields: { durationSeconds: number } } };
    }>(api.url, `mutation($id: ID!) { restoreItemVersion(itemId: $id, number: 1) { ${ITEM_FIELDS} } }`, { id }, editor);
    expect(restored.data!.restoreItemVersion).toMatchObject({
      latestVersionNumber: 3,
      state: 'DRAFT',
      liveVersionId: null,
      latestVersion: { fields: { durationSeconds: 600 } },
    });

    // The database itself refuses to change a stored version.
    await expect(withDb((c) => c.query(`UPDATE item_versions SET fields = '{}' WHERE item_id = $1`, [id]))).rejects.toThrow(/immutable/);
  });

  it('refuses a stale save with CONFLICT and writes nothing', async () => {
    const created = await gql<{ createItem: { id: string } }>(api.url, CREATE, { input: meditation('api-stale') }, editor);
    const id = created.data!.createItem.id;
    await gql(api.url, UPDATE, { id, input: meditation('api-stale', { durationSeconds: 700 }), base: 1 }, editor);
    const before = await counts();
    const stale = await gql(api.url, UPDATE, { id, input: meditation('api-stale', { durationSeconds: 800 }), base: 1 }, editor);
    expect(stale.errors![0].extensions!.code).toBe('CONFLICT');
    expect(stale.errors![0].message).toMatch(/saved as version 2 after you opened version 1/);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['an unknown id', UPDATE, () => ({ id: '00000000-0000-4000-8000-000000000000', input: meditation('nobody') }), 'NOT_FOUND', null],
    ['a malformed id', UPDATE, () => ({ id: 'not-a-uuid', input: meditation('nobody') }), 'BAD_USER_INPUT', 'id'],
    ['a slug conflict', CREATE, () => ({ input: meditation('api-create') }), 'CONFLICT', 'slug'],
    ['an invalid locale code', CREATE, () => ({ input: meditation('bad-locale', { locales: ['en', 'klingon!'] }) }), 'BAD_USER_INPUT', 'locales[1]'],
    [
      'a field that is too long',
      CREATE,
      () => ({ input: meditation('too-long', { localized: [{ locale: 'en', title: 'x'.repeat(121) }] }) }),
      'BAD_USER_INPUT',
      'localized.en.title',
    ],
    [
      'a missing required field',
      CREATE,
      () => ({ input: meditation('no-title', { localized: [{ locale: 'en', description: 'no title' }] }) }),
      'BAD_USER_INPUT',
      'localized.en.title',
    ],
    ['an unknown kind', CREATE, () => ({ input: meditation('podcast', { kind: 'podcast' }) }), 'BAD_USER_INPUT', 'kind'],
    [
      'a session that does not exist',
      CREATE,
      () => ({ input: { ...meditation('course-x', { kind: 'course', attributes: { instructor: 'I' } }), sessions: ['no-such-item'] } }),
      'BAD_USER_INPUT',
      'sessions[0]',
    ],
    [
      'a media URL on port 0',
      CREATE,
      () => ({ input: meditation('port-zero', { media: { artworkUrl: 'http://example.com:0/a.png' } }) }),
      'BAD_USER_INPUT',
      'media.artworkUrl',
    ],
    [
      'a media URL with a user:password part',
      CREATE,
      () => ({ input: meditation('creds', { media: { artworkUrl: 'https://user:pass@example.com/a.png' } }) }),
      'BAD_USER_INPUT',
      'media.artworkUrl',
    ],
    [
      'a locale given twice in localized (the second title was kept, the first dropped)',
      CREATE,
      () => ({
        input: meditation('twice-en', {
          localized: [
            { locale: 'en', title: 'a' },
            { locale: 'en', title: 'b' },
          ],
        }),
      }),
      'BAD_USER_INPUT',
      'localized[1].locale',
    ],
    [
      'a locale given twice as "en" and "EN"',
      CREATE,
      () => ({
        input: meditation('twice-en-case', {
          localized: [
            { locale: 'en', title: 'a' },
            { locale: 'EN', title: 'b' },
          ],
        }),
      }),
      'BAD_USER_INPUT',
      'localized[1].locale',
    ],
    [
      'a number for a text attribute (it was stored as "12")',
      CREATE,
      () => ({ input: meditation('attr-num', { attributes: { narrator: 12 } }) }),
      'BAD_USER_INPUT',
      'attributes.narrator',
    ],
  ])('rejects %s with a typed error and writes nothing', async (_name, mutation, vars, code, field) => {
    const before = await counts();
    const r = await gql(api.url, mutation, vars(), editor);
    expect(r.data).toBeNull();
    expect(r.errors![0].extensions!.code).toBe(code);
    if (field) expect((r.errors![0].extensions!.problems as { field: string }[]).map((p) => p.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('says why a media URL is refused: port 0 has no server, and a user:password part must go (and is not echoed)', async () => {
    const port0 = await gql(api.url, CREATE, { input: meditation('why-port0', { media: { artworkUrl: 'http://example.com:0/a.png' } }) }, editor);
    expect(port0.errors![0].message).toMatch(/port 0, which no server can listen on: give a port from 1 to 65535/);
    const creds = await gql(api.url, CREATE, { input: meditation('why-creds', { media: { audioUrl: 'https://user:s3cret@example.com/a.mp3' } }) }, editor);
    expect(creds.errors![0].message).toMatch(/"https:\/\/\*\*\*@example\.com\/a\.mp3" has a user:password part: remove it/);
    expect(JSON.stringify(creds)).not.toContain('s3cret');
  });

  it('refuses a baseVersion that was never saved with BAD_USER_INPUT naming the versions there are, not CONFLICT, and writes nothing', async () => {
    const created = await gql<{ createItem: { id: string } }>(api.url, CREATE, { input: meditation('api-base-missing') }, editor);
    const id = created.data!.createItem.id;
    await gql(api.url, UPDATE, { id, input: meditation('api-base-missing', { durationSeconds: 700 }), base: 1 }, editor);
    const before = await counts();
    for (const base of [2147483647, 99, 3, 0, -1]) {
      const r = await gql(api.url, UPDATE, { id, input: meditation('api-base-missing', { durationSeconds: 800 }), base }, editor);
      expect({ base, code: r.errors?.[0]?.extensions?.code }).toEqual({ base, code: 'BAD_USER_INPUT' });
      expect(r.errors![0].message).toBe(
        `Version ${base} of "api-base-missing" does not exist; it has versions 1 to 2. Pass the version you opened as baseVersion, or leave baseVersion out to save over the latest.`,
      );
      expect((r.errors![0].extensions!.problems as { field: string }[]).map((p) => p.field)).toEqual(['baseVersion']);
    }
    // A version that exists but is not the latest is still someone else's save.
    expect((await gql(api.url, UPDATE, { id, input: meditation('api-base-missing'), base: 1 }, editor)).errors![0].extensions!.code).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
  });

  it('keeps URL credentials out of the worker log and the stored check error, for a media URL saved before they were refused', async () => {
    const slug = 'api-assets-creds';
    const created = await gql<{ createItem: { id: string } }>(
      api.url,
      CREATE,
      { input: meditation(slug, { media: { artworkUrl: `${mediaUrl}/ok.jpg` } }) },
      editor,
    );
    const id = created.data!.createItem.id;
    // A version 2 stored as older releases of Marquee accepted it (versions are immutable: a new row, as a save makes).
    const withCreds = mediaUrl.replace('http://', 'http://probe:hunter2-secret@') + '/missing-creds.jpg';
    await withDb(async (c) => {
      const { rows } = await c.query(
        `INSERT INTO item_versions (item_id, number, fields, author_id)
         SELECT item_id, 2, jsonb_set(fields, '{media,artworkUrl}', to_jsonb($1::text)), author_id FROM item_versions WHERE item_id = $2 AND number = 1
         RETURNING id`,
        [withCreds, id],
      );
      await c.query(`UPDATE items SET latest_version_id = $1, latest_version_number = 2 WHERE id = $2`, [rows[0].id, id]);
    });
    type Asset = { role: string; status: string; error: string | null };
    // recheckAssets queues a check of the latest version (it used to queue nothing: the hook was not injected).
    await must(gql(api.url, 'mutation($id: ID!) { recheckAssets(itemId: $id) { role } }', { id }, editor));
    const line = await pollUntil(
      async () =>
        worker
          .output()
          .split('\n')
          .find((l) => l.includes('[AssetCheck]') && l.includes(slug)),
      (l) => l !== undefined,
      { what: 'the worker to log the unreachable artwork', timeoutMs: 60000, intervalMs: 250, describe: () => worker.output().slice(-3000) },
    );
    expect(line).toContain(`artwork ${mediaUrl.replace('http://', 'http://***@')}/missing-creds.jpg`);
    const assets = await pollUntil(
      async () =>
        (await gql<{ item: { assets: Asset[] } }>(api.url, 'query($id: ID!) { item(id: $id) { assets { role status error } } }', { id }, analyst)).data!.item
          .assets,
      (list) => list.some((a) => a.role === 'ARTWORK' && a.status === 'UNREACHABLE'),
      { what: 'the artwork check to end', timeoutMs: 60000, intervalMs: 250 },
    );
    expect(JSON.stringify(assets)).not.toContain('hunter2-secret');
    expect(worker.output()).not.toContain('hunter2-secret');
    expect(api.output()).not.toContain('hunter2-secret');
  }, 90000);

  it('searches, filters by kind/state/topic/locale status, sorts and pages with cursors', async () => {
    for (let i = 0; i < 5; i++) {
      const input = meditation(`page-${i}`, {
        topics: ['paging'],
        locales: i % 2 ? ['en', 'fr'] : ['en'],
        localized: [{ locale: 'en', title: `Paging ${String.fromCharCode(69 - i)}`, description: 'd' }],
      });
      expect((await gql(api.url, CREATE, { input }, editor)).errors).toBeUndefined();
    }
    const q = `query($f: ItemFilterInput, $s: ItemSort, $first: Int, $after: String) { items(filter: $f, sort: $s, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { slug title } } } }`;
    type Page = { items: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { slug: string; title: string } }[] } };
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const r: { data: Page | null } = await gql<Page>(api.url, q, { f: { topic: 'paging' }, s: 'TITLE_ASC', first: 2, after }, analyst);
      expect(r.data!.items.totalCount).toBe(5);
      seen.push(...r.data!.items.edges.map((e) => e.node.title));
      after = r.data!.items.pageInfo.hasNextPage ? r.data!.items.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['Paging A', 'Paging B', 'Paging C', 'Paging D', 'Paging E']);

    const incompleteFr = await gql<Page>(api.url, q, { f: { topic: 'paging', locale: 'fr', localeStatus: 'INCOMPLETE' } }, analyst);
    expect(incompleteFr.data!.items.edges.map((e) => e.node.slug).sort()).toEqual(['page-1', 'page-3']);
    const missingFr = await gql<Page>(api.url, q, { f: { topic: 'paging', locale: 'fr', localeStatus: 'MISSING' } }, analyst);
    expect(missingFr.data!.items.totalCount).toBe(3);
    const prefix = await gql<Page>(api.url, q, { f: { text: 'pagi', kinds: ['meditation'], states: ['DRAFT'] } }, analyst);
    expect(prefix.data!.items.totalCount).toBe(5);
    const none = await gql<Page>(api.url, q, { f: { topic: 'paging', kinds: ['music'] } }, analyst);
    expect(none.data!.items.totalCount).toBe(0);
    const bad = await gql(api.url, q, { f: {}, after: 'garbage' }, analyst);
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    // A well-formed cursor with the wrong contents is refused as bad input too, never passed to SQL.
    const id = '0c3b6e02-7f88-441e-bf16-5dd25c1823f1';
    for (const [s, forged] of [
      ['UPDATED_DESC', ['x', 'y']],
      ['UPDATED_DESC', ['2026-02-31T00:00:00.000Z', id]],
      ['UPDATED_DESC', ['+275760-09-13T00:00:00.000Z', id]],
      ['UPDATED_ASC', ['-271821-04-20T00:00:00.000Z', id]],
      ['UPDATED_DESC', [null, null]],
      ['TITLE_ASC', ['paging a', 'y']],
      ['TITLE_ASC', [{ a: 1 }, id]],
      ['TITLE_ASC', ['paging\u0000a', id]],
    ] as const) {
      const r = await gql(api.url, q, { f: {}, s, after: Buffer.from(JSON.stringify(forged)).toString('base64url') }, analyst);
      expect({ s, forged, code: r.errors?.[0]?.extensions?.code }).toEqual({ s, forged, code: 'BAD_USER_INPUT' });
    }
  });

  it('finds an item by a slug or title word that reads like a number ("00e1e2", "1e5a3f")', async () => {
    // PostgreSQL's parser reads "00e1e2" inside a slug as one word, but the same word typed alone as the number
    // "00e1" then "e2"; about 3% of random hex suffixes are like that, so slugs like these were unfindable.
    const input = meditation('pine-rain-00e1e2', { localized: [{ locale: 'en', title: 'Storm 1e5a3f', description: 'd' }], locales: ['en'] });
    expect((await gql(api.url, CREATE, { input }, editor)).errors).toBeUndefined();
    const q = 'query($t: String) { items(filter: { text: $t }) { totalCount edges { node { slug } } } }';
    type Found = { items: { totalCount: number; edges: { node: { slug: string } }[] } };
    const found: Record<string, string[]> = {};
    for (const t of ['pine-rain-00e1e2', '00e1e2', '00e1', 'rain 00e1', 'storm 1e5a3f', '1e5a3f', 'PINE-RAIN-00E1E2']) {
      const r = await gql<Found>(api.url, q, { t }, analyst);
      expect(r.errors).toBeUndefined();
      found[t] = r.data!.items.edges.map((e) => e.node.slug);
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((t) => [t, ['pine-rain-00e1e2']])));
    // Every word must still match: a word the item does not have finds nothing.
    const miss = await gql<Found>(api.url, q, { t: 'pine-rain-00e1e3' }, analyst);
    expect(miss.data!.items.totalCount).toBe(0);
    // The longest search is 200 characters, even as one word (PostgreSQL refuses a query word over 2,047 bytes);
    // a longer one is refused as bad input, not failed.
    const longest = await gql<Found>(api.url, q, { t: 'ü'.repeat(200) }, analyst);
    expect(longest.errors).toBeUndefined();
    expect(longest.data!.items.totalCount).toBe(0);
    const tooLong = await gql<Found>(api.url, q, { t: 'a'.repeat(3000) }, analyst);
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooLong.errors?.[0]?.message).toMatch(/at most 200 characters \(this one has 3000\)/);
  });

  it('checks media URLs in the worker and reports unreachable ones on the item', async () => {
    const input = meditation('api-assets', { media: { audioUrl: `${mediaUrl}/ok.mp3`, artworkUrl: `${mediaUrl}/missing.jpg` } });
    const created = await gql<{ createItem: { id: string } }>(api.url, CREATE, { input }, editor);
    const id = created.data!.createItem.id;
    type Assets = { item: { assets: { role: string; status: string; httpStatus: number | null; error: string | null }[] } };
    // The failing URL is retried with backoff before it is declared unreachable, so allow a while.
    const assets = await pollUntil(
      async () =>
        (await gql<Assets>(api.url, 'query($id: ID!) { item(id: $id) { assets { role status httpStatus error } } }', { id }, analyst)).data!.item.assets,
      (list) => list.every((a) => a.status !== 'PENDING') && list.find((a) => a.role === 'ARTWORK')?.status === 'UNREACHABLE',
      { what: 'both media checks to end, the artwork as unreachable', timeoutMs: 60000, intervalMs: 250 },
    );
    expect(assets.find((a) => a.role === 'AUDIO')).toMatchObject({ status: 'OK', httpStatus: 200 });
    expect(assets.find((a) => a.role === 'ARTWORK')).toMatchObject({ status: 'UNREACHABLE', httpStatus: 404 });
    expect(assets.find((a) => a.role === 'ARTWORK')!.error).toMatch(/HTTP 404/);
  }, 90000);

  it('rejects malformed GraphQL and over-complex queries before running them', async () => {
    const malformed = await gql(api.url, '{ items( ', {}, analyst);
    expect(malformed.status).toBe(400);
    expect(malformed.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');

    const fine = await gql(api.url, '{ items(first: 5) { edges { node { slug completeness { locale missing } } } } }', {}, analyst);
    expect(fine.errors).toBeUndefined();
    // 100 items × many fields each, priced before anything executes.
    const fields = 'id slug kind state title defaultLocale locales completeLocales topics updatedAt latestVersionNumber createdAt';
    const complex = await gql(
      api.url,
      `{ items(first: 100) { edges { node { ${fields} latestVersion { number note createdAt } releases { id name status } completeness { locale missing } } } } }`,
      {},
      analyst,
    );
    expect(complex.status).toBe(400);
    expect(complex.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'cost', max: 5000 });
    expect(complex.errors![0].message).toMatch(/the limit is 5000/);
  });

  it('rejects a query nested beyond the depth limit', async () => {
    const api2 = await startApi({ GRAPHQL_MAX_DEPTH: '4' });
    try {
      const r = await gql(api2.url, `{ items(first: 1) { edges { node { latestVersion { fields { media { audioUrl } } } } } } }`, {}, { token: editor!.token });
      expect(r.status).toBe(400);
      expect(r.errors![0].extensions!.code).toBe('QUERY_TOO_DEEP');
      expect(r.errors![0].message).toMatch(/nests 7 levels deep; the limit is 4/);
    } finally {
      await api2.stop();
    }
  });

  it('refuses over-long lists and huge values with a small answer: at most 20 problems, values cut to 60 characters', async () => {
    const before = await counts();
    const cases: [string, Record<string, unknown>, RegExp][] = [
      // 200,000 topics used to answer 200,000 problems (41 MB); 70,000 attribute keys 7 MB.
      ['topics', meditation('amp-topics', { topics: Array.from({ length: 200_000 }, () => '') }), /topics has 200000 entries; the limit is 20/],
      ['locales', meditation('amp-locales', { locales: Array.from({ length: 150_000 }, () => 'x') }), /locales has 150000 entries; the limit is 30/],
      [
        'attributes',
        meditation('amp-attrs', { attributes: Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, 'v'])) }),
        /attributes has more than 50 attributes/,
      ],
      ['kind', meditation('amp-kind', { kind: 'k'.repeat(900_000) }), /"k{60}…" \(900000 characters\) is not a content kind/],
      ['defaultLocale', meditation('amp-locale', { defaultLocale: 'e'.repeat(900_000) }), /"e{60}…" \(900000 characters\) is not a valid locale code/],
      [
        '25 bad topics',
        meditation('amp-25', { topics: Array.from({ length: 20 }, (_, i) => `Bad ${i}`), collections: ['Bad A', 'Bad B', 'Bad C', 'Bad D', 'Bad E'] }),
        /needs? fixing/,
      ],
    ];
    for (const [what, input, message] of cases) {
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${editor!.token}` },
        body: JSON.stringify({ query: CREATE, variables: { input } }),
      });
      const text = await res.text();
      const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string; problems: unknown[] } }[] };
      expect({ what, code: body.errors[0].extensions.code }).toEqual({ what, code: 'BAD_USER_INPUT' });
      expect(body.errors[0].message).toMatch(message);
      expect(body.errors[0].extensions.problems.length).toBeLessThanOrEqual(21);
      expect({ what, small: text.length < 8_000 }).toEqual({ what, small: true });
    }
    expect(await counts()).toEqual(before);
  });

  it('echoes a 900 kB email in createUser cut to 60 characters', async () => {
    const admin = { token: await login(api.url, await createUser('admin')) };
    const r = await gql(
      api.url,
      'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }',
      { i: { email: 'e'.repeat(900_000), displayName: 'X', role: 'EDITOR' } },
      admin,
    );
    expect(r.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(r.errors).length).toBeLessThan(4_000);
    expect(r.errors![0].message).toMatch(/"e{60}…" \(900000 characters\) is not an email address/);
  });

  it('answers 413 for a body over 1 MB, and writes nothing', async () => {
    const before = await counts();
    const huge = meditation('huge', { localized: [{ locale: 'en', title: 'Huge', description: 'x'.repeat(1_100_000) }] });
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${editor!.token}` },
      body: JSON.stringify({ query: CREATE, variables: { input: huge } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors[0].message).toMatch(/1 MB/);
    expect(await counts()).toEqual(before);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    const ready = (await (await fetch(`${api.url}/health/ready`)).json()) as { checks: { name: string; ok: boolean }[] };
    expect(ready.checks.map((c) => [c.name, c.ok])).toEqual([
      ['postgres', true],
      ['redis', true],
    ]);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/marquee_http_request_duration_seconds_bucket\{/);
    expect(metrics).toMatch(/marquee_process_cpu_user_seconds_total/);
  });
});
