import { ApiHandle, createApiKey, startApi } from '../support/stack';

/**
 * graphql-js stops coercing variables after 50 errors and adds one error of its own, without a code; Apollo labelled it
 * INTERNAL_SERVER_ERROR (the fast subset of the abuse suite found it with a list of 80 wrong values). It is the client's
 * input like the 50 before it: BAD_USER_INPUT, on the general path and on the lean client path alike.
 */
describe('more than 50 wrong variable values', () => {
  let api: ApiHandle;
  let key: string;
  beforeAll(async () => {
    api = await startApi({});
    key = (await createApiKey('variable errors')).key;
  }, 90000);
  afterAll(() => api?.stop());

  const wrong = Array.from({ length: 80 }, () => 9007199254740992);
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const r = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await r.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: r.status, codes: [...new Set((body.errors ?? []).map((e) => e.extensions?.code))], last: body.errors?.at(-1)?.message };
  };

  it('answers BAD_USER_INPUT for every error, the last one included (general path)', async () => {
    const r = await ask('mutation($v0: ID!, $v2: AudienceInput) { setReleaseRollout(id: $v0, percent: 5, audience: $v2) { status } }', {
      v2: { platforms: wrong },
    });
    expect(r).toEqual({ status: 400, codes: ['BAD_USER_INPUT'], last: expect.stringMatching(/^Too many errors processing variables/) });
  });

  it('answers BAD_USER_INPUT for every error on the lean client path too', async () => {
    const r = await ask('query($u: ID!, $e: [EngagementEventInput!]!) { feed(surface: "home", userId: $u) { requestId } }', {});
    expect(r.codes).not.toContain('INTERNAL_SERVER_ERROR');
    const t = await ask('mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted } }', { e: wrong });
    expect({ status: t.status, codes: t.codes }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
  });

  it('refuses a DateTime the calendar does not have, or outside years 0001–9999, as BAD_USER_INPUT (it used to roll over)', async () => {
    // Date.parse read 2027-02-30 as 2 March; 9999-12-31T23:59:59-23:59 is in the year 10000, which the API then wrote
    // back as "+010000-…", a value it refuses as input.
    const feed = await ask('query($u: ID!, $c: FeedContextInput) { feed(surface: "home", userId: $u, context: $c) { requestId } }', {
      u: 'dt-user',
      c: { localTime: '2027-02-30T10:00:00+01:00' },
    });
    expect(feed).toEqual({ status: 400, codes: ['BAD_USER_INPUT'], last: expect.stringMatching(/2027-02 has 28 days/) });
    const track = await ask('mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted } }', {
      e: [{ eventId: 'dt-event', occurredAt: '9999-12-31T23:59:59-23:59', trackingToken: 'x.y', type: 'IMPRESSION' }],
    });
    expect(track).toEqual({ status: 400, codes: ['BAD_USER_INPUT'], last: expect.stringMatching(/between 0001-01-01 and 9999-12-31 UTC/) });
  });
});
