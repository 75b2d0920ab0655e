import { randomUUID } from 'node:crypto';
import { ApiHandle, RunningProcess, createApiKey, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { seedSurface } from '../support/seed-surface';
import { FinishedImport, importFinished, uploadImport } from '../support/imports';

/** What the fourth probe round found, each against a real API, worker, PostgreSQL and Redis. */

describe('fourth probe round', () => {
  let api: ApiHandle;
  let worker: RunningProcess;
  let token: string;

  beforeAll(async () => {
    [api, worker] = await Promise.all([startApi(), startWorker()]);
    token = await login(api.url, await createUser('editor'));
  }, 120_000);

  afterAll(() => Promise.all([api?.stop(), worker?.stop()]));

  const upload = (filename: string, type: string, body: string): Promise<string> => uploadImport(api.url, token, filename, type, body);
  const finished = (id: string): Promise<FinishedImport> => importFinished(api.url, token, id);

  it('refuses a CSV column named title.__proto__ or attr.constructor as JSON Lines does, instead of polluting (and crashing) the worker', async () => {
    // `title.__proto__` wrote the cell into Object.prototype.title in the worker: the row imported as if the column
    // were not there, and the next metrics observation threw on the polluted label set and killed the worker, again
    // at every restart, since the unfinished import was queued again each time.
    const id = await upload(
      'proto.csv',
      'text/csv',
      [
        'slug,kind,default_locale,locales,title.en,title.__proto__,description.constructor,attr.__proto__,duration',
        'p4-proto-one,meditation,en,en,One,Polluted,Also polluted,x,10:00',
        'p4-proto-two,meditation,en,en,Two,,,,10:00',
      ].join('\n'),
    );
    const job = await finished(id);
    expect({ status: job.status, created: job.createdItems, failed: job.failedRows }).toEqual({ status: 'completed_with_errors', created: 1, failed: 1 });
    expect(job.errors).toEqual([
      {
        row: 2,
        slug: 'p4-proto-one',
        problems: expect.arrayContaining([
          { field: 'localized.__proto__', message: expect.stringMatching(/not a valid locale code/) },
          { field: 'localized.constructor', message: expect.stringMatching(/not a valid locale code/) },
          { field: 'attributes.__proto__', message: expect.stringMatching(/a meditation has no "__proto__"/) },
        ]),
      },
    ]);
    const { rows } = await withDb((c) => c.query(`SELECT slug FROM items WHERE slug LIKE 'p4-proto-%' ORDER BY slug`));
    expect(rows.map((r) => r.slug)).toEqual(['p4-proto-two']);

    // The worker is still the same process and still imports.
    const next = await finished(
      await upload('after.csv', 'text/csv', 'slug,kind,default_locale,locales,title.en,duration\np4-proto-three,meditation,en,en,Three,10:00'),
    );
    expect(next.status).toBe('succeeded');
    expect(worker.proc.exitCode).toBeNull();
    expect(worker.output()).not.toMatch(/labelset|Object\.prototype/);
  });

  it('ends a CSV row at every line ending (CR LF, LF or CR alone), so a mixed file loses no rows and a Mac file is not one wide header', async () => {
    // csv-parse took the first line ending it met as the only one: in a CRLF file, the row after a line ending in LF
    // alone was read as extra cells of the one before and dropped without a word (its text went into that row's last
    // column). A file saved with CR line ends was one long line to the upload's column count, refused as a header of
    // more than 500 columns.
    const header = 'slug,kind,default_locale,locales,duration,title.en';
    const mixed = [
      header,
      'p4-eol-crlf,meditation,en,en,10:00,CRLF row',
      'p4-eol-lf,meditation,en,en,10:00,LF row',
      'p4-eol-cr,meditation,en,en,10:00,CR row',
      'p4-eol-last,meditation,en,en,10:00,Last row',
    ];
    const body = `${mixed[0]}\r\n${mixed[1]}\n${mixed[2]}\r${mixed[3]}\r\n${mixed[4]}\r\n`;
    const job = await finished(await upload('mixed.csv', 'text/csv', body));
    expect({ status: job.status, created: job.createdItems, errors: job.errors }).toEqual({ status: 'succeeded', created: 4, errors: [] });
    const { rows } = await withDb((c) =>
      c.query(
        `SELECT i.slug, v.fields->'localized'->'en'->>'title' AS title FROM items i JOIN item_versions v ON v.item_id = i.id WHERE i.slug LIKE 'p4-eol-%' ORDER BY i.slug`,
      ),
    );
    expect(rows).toEqual([
      { slug: 'p4-eol-cr', title: 'CR row' },
      { slug: 'p4-eol-crlf', title: 'CRLF row' },
      { slug: 'p4-eol-last', title: 'Last row' },
      { slug: 'p4-eol-lf', title: 'LF row' },
    ]);

    const mac = [header, ...Array.from({ length: 120 }, (_, i) => `p4-mac-${i},meditation,en,en,10:00,Mac ${i}`)].join('\r');
    const macJob = await finished(await upload('mac.csv', 'text/csv', mac));
    expect({ status: macJob.status, created: macJob.createdItems }).toEqual({ status: 'succeeded', created: 120 });
  });

  it('answers a long refused value with a small message: item filters, the fallback order, an enum variable', async () => {
    const analyst = await login(api.url, await createUser('analyst'));
    // items(filter: {kinds}) repeated every unknown kind whole: 900 kB sent, 900 kB answered, to any staff role.
    const kinds = await gql(
      api.url,
      'query($f: ItemFilterInput) { items(filter: $f) { totalCount } }',
      { f: { kinds: ['x'.repeat(900_000)] } },
      { token: analyst },
    );
    expect(kinds.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(kinds.errors![0].message).toMatch(/^Unknown kind "x{60}…" \(900000 characters\); use /);
    const many = await gql(
      api.url,
      'query($f: ItemFilterInput) { items(filter: $f) { totalCount } }',
      { f: { kinds: Array.from({ length: 50_000 }, (_, i) => `k${i}`) } },
      { token: analyst },
    );
    expect(many.errors![0].message).toMatch(/^Unknown kind "k0", "k1", "k2", "k3", "k4" and 49995 more; use /);

    // setSurfaceFallback looked up 20,000 unknown ids, then named each one (760 kB), before saying 200 is the most.
    await seedSurface('probe4', 3);
    const admin = await login(api.url, await createUser('admin'));
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const fb = await gql(api.url, 'mutation($ids: [ID!]!) { setSurfaceFallback(key: "probe4", itemIds: $ids) { key } }', { ids }, { token: admin });
    expect({ code: fb.errors?.[0]?.extensions?.code, message: fb.errors?.[0]?.message }).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The fallback order holds at most 200 items (this one has 20000). Choose the items to serve first.',
    });
    const unknown = await gql(
      api.url,
      'mutation($ids: [ID!]!) { setSurfaceFallback(key: "probe4", itemIds: $ids) { key } }',
      { ids: ids.slice(0, 150) },
      { token: admin },
    );
    expect(unknown.errors![0].message).toMatch(/^Unknown item\(s\) in the fallback order: ("[0-9a-f-]{36}", ){4}"[0-9a-f-]{36}" and 145 more\. Remove them/);

    // An enum variable's refused value was quoted twice in graphql-js's message: 49 events of 20,000 characters
    // answered 2 MB. Each quoted value is cut, and the message still says what is wrong.
    const key = (await createApiKey('probe4')).key;
    const events = Array.from({ length: 49 }, (_, i) => ({
      eventId: `e${i}`,
      occurredAt: new Date().toISOString(),
      trackingToken: 't',
      type: 'X'.repeat(20_000),
    }));
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted } }', variables: { e: events } }),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text.length).toBeLessThan(100_000);
    const answer = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(answer.errors).toHaveLength(49);
    expect(answer.errors[0]).toMatchObject({
      message: expect.stringMatching(
        /^Variable "\$e" got invalid value "X{60}…" \(20000 characters\) at "e\[0\]\.type"; Value "X{60}…" \(20000 characters\) does not exist in "EngagementType" enum\.$/,
      ),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
