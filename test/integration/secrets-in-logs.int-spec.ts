import { randomBytes } from 'node:crypto';
import { ApiHandle, Credentials, createUser, gql, login, startApi, withDb } from '../support/stack';

/**
 * A failed INSERT used to print its parameters: a webhook's signing secret and an API key's hash ended up in the
 * API's log. Here real INSERTs fail on a real constraint, and the API process's whole output is searched.
 */
describe('secrets never reach the logs', () => {
  let api: ApiHandle;
  let admin: Credentials;
  const marker = `fail-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    // Constraints that refuse only this run's marker, so nothing else in the shared test database is affected.
    await withDb(async (c) => {
      await c.query(`ALTER TABLE webhook_endpoints ADD CONSTRAINT "ck_test_${marker}" CHECK (description IS DISTINCT FROM '${marker}')`);
      await c.query(`ALTER TABLE api_keys ADD CONSTRAINT "ck_test_key_${marker}" CHECK (name <> '${marker}')`);
    });
    api = await startApi();
    admin = { token: await login(api.url, await createUser('admin')) };
  });
  afterAll(async () => {
    await api?.stop();
    await withDb(async (c) => {
      await c.query(`ALTER TABLE webhook_endpoints DROP CONSTRAINT IF EXISTS "ck_test_${marker}"`);
      await c.query(`ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS "ck_test_key_${marker}"`);
    });
  });

  async function waitForOutput(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 10000;
    while (!pattern.test(api.output())) {
      if (Date.now() > deadline) throw new Error(`The API never logged ${pattern}. Its output:\n${api.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return api.output();
  }

  it('a failing INSERT of a webhook endpoint logs the statement and the error, not the signing secret', async () => {
    const r = await gql(
      api.url,
      'mutation($d: String!) { createWebhookEndpoint(input: {url: "https://93.184.216.34/m", description: $d}) { secret } }',
      { d: marker },
      admin,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const out = await waitForOutput(new RegExp(`ck_test_${marker}`));
    // The secret is generated server-side and never returned here, so look for its form anywhere in the output.
    expect(out.match(/whsec_[0-9a-f]{8,}/g) ?? []).toEqual([]);
    expect(out).not.toContain('93.184.216.34/m');
    const failed = out.split('\n').filter((l) => l.includes('Query failed'));
    expect(failed.join('\n')).toMatch(/INSERT INTO "webhook_endpoints"/);
    expect(failed.join('\n')).toMatch(/parameters withheld from the log/);
  });

  it('a failing INSERT of an API key does not print the key hash', async () => {
    const r = await gql(api.url, 'mutation($n: String!) { createApiKey(name: $n) { secret } }', { n: marker }, admin);
    expect(r.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const out = await waitForOutput(new RegExp(`ck_test_key_${marker}`));
    expect(out.match(/\b[0-9a-f]{64}\b/g) ?? []).toEqual([]);
    expect(out).toMatch(/Query failed: .*INSERT INTO "api_keys"/);
  });
});
