import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { ApiHandle, login, spawnProcess, startApi, withDb } from '../support/stack';

/** `npm run marquee -- admin create`: the compiled CLI against the test database, as an operator would run it. */
async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const p = spawnProcess('cli', env, ['admin', ...args]);
  const [code] = (await once(p.proc, 'exit')) as [number | null];
  return { code, output: p.output() };
}

const users = async (email: string) => (await withDb((c) => c.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]))).rows[0].n as number;

describe('admin create on the command line', () => {
  let api: ApiHandle;
  beforeAll(async () => {
    api = await startApi();
  }, 60000);
  afterAll(async () => {
    await api?.stop();
  });

  it('creates an admin who can sign in, and refuses a second one with the same email without writing anything', async () => {
    const email = `cli-admin-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'a-long-cli-password-1';
    const ok = await runCli(['create', '--email', email, '--password', password, '--name', 'Ops']);
    expect({ code: ok.code, output: ok.output }).toMatchObject({ code: 0 });
    expect(ok.output).toContain(`Created admin ${email}`);
    expect(await login(api.url, { email, password })).toBeTruthy();
    const audits = (await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'user.created' AND summary LIKE $1`, [`%${email}%`])))
      .rows[0].n;
    expect(audits).toBe(1);

    const again = await runCli(['create', '--email', email, '--password', 'another-long-password']);
    expect(again.code).toBe(3);
    expect(again.output).toMatch(/already exists.*CONFLICT; nothing was written/);
    expect(await users(email)).toBe(1);
  }, 60000);

  it('gives a typed error and writes nothing for a short password, a bad email or a missing --email', async () => {
    const email = `cli-short-${randomUUID().slice(0, 8)}@example.com`;
    const short = await runCli(['create', '--email', email, '--password', 'short']);
    expect(short.code).toBe(2);
    expect(short.output).toMatch(/password must be at least 12 characters.*BAD_USER_INPUT; nothing was written/);
    expect(await users(email)).toBe(0);
    const bad = await runCli(['create', '--email', 'not-an-email', '--password', 'a-long-cli-password-2']);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/"not-an-email" is not an email address/);
    const missing = await runCli(['create']);
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/--email is required/);
  }, 60000);

  it('prints a temporary password once when none is given', async () => {
    const email = `cli-temp-${randomUUID().slice(0, 8)}@example.com`;
    const r = await runCli(['create', '--email', email]);
    expect(r.code).toBe(0);
    const temp = /Temporary password \(shown once; keep it\): (\S+)/.exec(r.output)?.[1];
    expect(temp).toBeTruthy();
    expect(await login(api.url, { email, password: temp! })).toBeTruthy();
  }, 60000);
});
