import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const cfg = loadConfig({});
    expect(cfg.port).toBe(3000);
    expect(cfg.databaseUrl).toBeUndefined();
    expect(cfg.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(cfg.publicUrl).toBe('http://localhost:3000');
    expect(cfg.jwtSecretIsEphemeral).toBe(true);
  });

  it('names the variable and the expected form for a bad value', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc' });
    } catch (e) {
      expect((e as ConfigError).lines).toEqual([
        'PORT must be a whole number from 1 to 65535, but it is "abc". Fix PORT in the environment (or unset it to use the default) and start again.',
      ]);
    }
  });

  it('hides passwords in a bad DATABASE_URL', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://me:secret@host/db' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as Error).message).toContain('DATABASE_URL');
      expect((e as Error).message).not.toContain('secret');
    }
  });

  it('requires a JWT secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).logFormat).toBe('json');
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: '0', LOG_LEVEL: 'loud', ALLOW_SELF_APPROVAL: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).lines.map((l) => l.split(' ')[0])).toEqual(['PORT', 'LOG_LEVEL', 'ALLOW_SELF_APPROVAL']);
    }
  });

  it('answers introspection by default in development and test, not in production, unless GRAPHQL_INTROSPECTION says so', () => {
    const secret = 'x'.repeat(32);
    expect(loadConfig({}).graphqlIntrospection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'off' }).graphqlIntrospection).toBe(false);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'sometimes' })).toThrow(/GRAPHQL_INTROSPECTION must be "true" or "false"/);
  });

  it('has the documented query-limit defaults and validates each limit', () => {
    expect(loadConfig({})).toMatchObject({
      graphqlMaxDepth: 12,
      graphqlMaxComplexity: 5000,
      graphqlMaxAliases: 15,
      graphqlMaxDirectives: 50,
      graphqlMaxTokens: 1000,
      graphqlMaxFragments: 100,
      graphqlMaxFields: 300,
      graphqlListSize: 10,
    });
    try {
      loadConfig({ GRAPHQL_MAX_TOKENS: '10', GRAPHQL_LIST_SIZE: '0', GRAPHQL_MAX_ALIASES: 'many' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).lines.map((l) => l.split(' ')[0])).toEqual(['GRAPHQL_MAX_ALIASES', 'GRAPHQL_MAX_TOKENS', 'GRAPHQL_LIST_SIZE']);
    }
  });
});

describe('limits and proxies', () => {
  it('trusts no proxy by default and has the documented limits', () => {
    const cfg = loadConfig({});
    expect(cfg.trustedProxies).toEqual([]);
    expect([
      cfg.rateLimitWindowSeconds,
      cfg.rateLimitFeedPerKey,
      cfg.rateLimitFeedPerAddress,
      cfg.rateLimitEventsPerKey,
      cfg.rateLimitEventsPerAddress,
      cfg.loginMaxPerAddress,
    ]).toEqual([10, 2000, 1000, 20000, 10000, 30]);
  });

  it('accepts IPs and CIDRs in TRUSTED_PROXIES and names the bad entries', () => {
    expect(loadConfig({ TRUSTED_PROXIES: ' 10.0.0.1, 10.1.0.0/16 ,fd00::/8,::1' }).trustedProxies).toEqual(['10.0.0.1', '10.1.0.0/16', 'fd00::/8', '::1']);
    for (const bad of ['loopback', '10.0.0.0/33', '10.0.0.1/8/2', 'example.com', '::1/129']) {
      expect(() => loadConfig({ TRUSTED_PROXIES: `127.0.0.1,${bad}` })).toThrow(
        new RegExp(`TRUSTED_PROXIES must be .*\\(bad: ${bad.replace(/[.*/]/g, '\\$&')}\\)`),
      );
    }
  });

  it('refuses an event limit whose window cannot hold one full batch', () => {
    expect(() => loadConfig({ RATE_LIMIT_EVENTS_PER_KEY: '40' })).toThrow(
      /RATE_LIMIT_EVENTS_PER_KEY must be 0 \(off\) or at least 50 with RATE_LIMIT_WINDOW_SECONDS=10/,
    );
    expect(loadConfig({ RATE_LIMIT_EVENTS_PER_KEY: '0', RATE_LIMIT_EVENTS_PER_ADDRESS: '50' }).rateLimitEventsPerKey).toBe(0);
  });

  it('runs one API process per core by default, and takes API_PROCESSES as a whole number from 1', () => {
    expect(loadConfig({}).apiProcesses).toBe(availableParallelism());
    expect(loadConfig({ API_PROCESSES: '1' }).apiProcesses).toBe(1);
    expect(loadConfig({ API_PROCESSES: ' 6 ' }).apiProcesses).toBe(6);
    for (const bad of ['0', '-2', 'auto', '1.5', '257']) {
      expect(() => loadConfig({ API_PROCESSES: bad })).toThrow(
        new RegExp(`API_PROCESSES must be a whole number from 1 to 256, but it is "${bad.replace('.', '\\.')}"`),
      );
    }
  });
});
