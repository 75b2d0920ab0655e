import { metricsAccess } from './metrics-access';

const TOKEN = 'm'.repeat(24);

describe('metricsAccess', () => {
  it('is open outside production when no token is set, and off in production', () => {
    expect(metricsAccess({ nodeEnv: 'development', metricsToken: undefined }, undefined)).toBe('allowed');
    expect(metricsAccess({ nodeEnv: 'test', metricsToken: undefined }, undefined)).toBe('allowed');
    expect(metricsAccess({ nodeEnv: 'production', metricsToken: undefined }, `Bearer ${TOKEN}`)).toBe('off');
  });

  it('with a token, wants exactly that bearer token, in any environment', () => {
    for (const nodeEnv of ['development', 'production'] as const) {
      const c = { nodeEnv, metricsToken: TOKEN };
      expect(metricsAccess(c, `Bearer ${TOKEN}`)).toBe('allowed');
      expect(metricsAccess(c, `bearer  ${TOKEN} `)).toBe('allowed');
      expect(metricsAccess(c, undefined)).toBe('unauthorized');
      expect(metricsAccess(c, TOKEN)).toBe('unauthorized');
      expect(metricsAccess(c, `Bearer ${TOKEN}x`)).toBe('unauthorized');
      expect(metricsAccess(c, `Bearer ${TOKEN.slice(1)}`)).toBe('unauthorized');
      expect(metricsAccess(c, `Basic ${TOKEN}`)).toBe('unauthorized');
    }
  });
});
