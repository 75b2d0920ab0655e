import { ApiHandle, RunningProcess, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { pollUntil } from '../support/wait';

/** What the fourth probe round found, each against a real API, worker, PostgreSQL and Redis. */

type Job = {
  status: string;
  createdItems: number;
  failedRows: number;
  errors: { row: number; slug: string | null; problems: { field: string; message: string }[] }[];
};

describe('fourth probe round', () => {
  let api: ApiHandle;
  let worker: RunningProcess;
  let token: string;

  beforeAll(async () => {
    [api, worker] = await Promise.all([startApi(), startWorker()]);
    token = await login(api.url, await createUser('editor'));
  }, 120_000);

  afterAll(() => Promise.all([api?.stop(), worker?.stop()]));

  const upload = async (filename: string, type: string, body: string): Promise<string> => {
    const res = await fetch(`${api.url}/api/imports?filename=${filename}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const finished = (id: string): Promise<Job> =>
    pollUntil(
      async () =>
        (
          await gql<{ importJob: Job }>(
            api.url,
            'query($id: ID!) { importJob(id: $id) { status createdItems failedRows errors { row slug problems { field message } } } }',
            { id },
            { token },
          )
        ).data!.importJob,
      (j) => !['queued', 'running'].includes(j.status),
      { what: `import ${id} to finish` },
    );

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
});
