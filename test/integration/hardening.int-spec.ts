import { ApiHandle, createUser, startApi } from '../support/stack';

/** Issue 8, #15: the Studio's security headers, the session cookie over https, and who may read /metrics. */
describe('hardening of the API process', () => {
  const signIn = async (api: ApiHandle) => {
    const user = await createUser('editor');
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
        variables: { e: user.email, p: user.password },
      }),
    });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie') ?? '';
  };

  describe('on plain http, outside production', () => {
    let api: ApiHandle;
    beforeAll(async () => {
      api = await startApi();
    });
    afterAll(() => api?.stop());

    it('serves the Studio with a CSP without unsafe-inline, never framed, not sniffed, no referrer', async () => {
      for (const path of ['/studio/', '/studio/content/some-deep-link']) {
        const res = await fetch(`${api.url}${path}`);
        await res.body?.cancel();
        const csp = res.headers.get('content-security-policy') ?? '';
        expect({ path, csp }).toEqual({ path, csp: expect.stringContaining("frame-ancestors 'none'") });
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("style-src 'self'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
        expect(csp).not.toContain('upgrade-insecure-requests'); // it would send a plain-http Studio's own requests to https
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
    });

    it('sends nosniff and DENY on API answers too, and lets other origins load demo media', async () => {
      const res = await fetch(`${api.url}/demo-media/artwork/calm.svg`);
      await res.body?.cancel();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cross-origin-resource-policy')).toBeNull();
    });

    it('sets the session cookie without Secure, which a plain-http browser would drop', async () => {
      const cookie = await signIn(api);
      expect(cookie).toMatch(/^marquee_session=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).not.toMatch(/;\s*Secure/i);
    });

    it('keeps /metrics open for a local install', async () => {
      const res = await fetch(`${api.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('marquee_http_request_duration_seconds');
    });
  });

  describe('behind https, in production', () => {
    let api: ApiHandle;
    let bare: ApiHandle;
    const token = 'metrics-token-0123456789abcdef';
    beforeAll(async () => {
      // An upper-case scheme, as an operator may type it: still https.
      api = await startApi({ NODE_ENV: 'production', PUBLIC_URL: 'HTTPS://Marquee.Example.com', METRICS_TOKEN: token });
      bare = await startApi({ NODE_ENV: 'production', PUBLIC_URL: 'https://marquee.example.com' });
    });
    afterAll(() => Promise.all([api?.stop(), bare?.stop()]));

    it('marks the session cookie Secure and sends HSTS', async () => {
      expect(await signIn(api)).toMatch(/;\s*Secure/i);
      const res = await fetch(`${api.url}/studio/`);
      await res.body?.cancel();
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    });

    it('protects /metrics with METRICS_TOKEN, and turns it off when no token is set', async () => {
      const none = await fetch(`${api.url}/metrics`);
      expect({ status: none.status, auth: none.headers.get('www-authenticate'), body: await none.text() }).toEqual({
        status: 401,
        auth: 'Bearer realm="metrics"',
        body: expect.stringContaining('METRICS_TOKEN'),
      });
      const wrong = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
      await wrong.body?.cancel();
      expect(wrong.status).toBe(401);
      const ok = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('marquee_http_request_duration_seconds');
      const off = await fetch(`${bare.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect({ status: off.status, body: await off.text() }).toEqual({
        status: 404,
        body: expect.stringContaining('Metrics are off in production until METRICS_TOKEN is set'),
      });
    });
  });
});
