import { ConfigError, loadConfig } from './config';

describe('loadConfig: outbound, webhook and metrics settings', () => {
  it('allows no internal address by default', () => {
    const cfg = loadConfig({});
    expect(cfg.outboundAllowlist).toEqual([]);
    expect(cfg.webhookTimeoutMs).toBe(10000);
    expect(cfg.metricsToken).toBeUndefined();
  });

  it('reads OUTBOUND_ALLOWLIST as IPs, CIDRs and host names, lower-cased', () => {
    expect(loadConfig({ OUTBOUND_ALLOWLIST: ' 10.0.0.5, 192.168.0.0/16,fd00::/8, [::1], Media.Internal. ' }).outboundAllowlist).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      'fd00::/8',
      '::1',
      'media.internal',
    ]);
  });

  it('stores Unicode host names in the punycode form URLs have, so they match', () => {
    expect(loadConfig({ OUTBOUND_ALLOWLIST: 'Bücher.Example, xn--mnchen-3ya.example, ｍedia.internal, straße.example.' }).outboundAllowlist).toEqual([
      'xn--bcher-kva.example',
      'xn--mnchen-3ya.example',
      'media.internal',
      'xn--strae-oqa.example',
    ]);
  });

  it.each([
    ['xn--zz.example', /entry "xn--zz\.example" cannot be converted to an ASCII \(punycode\) host name: IDNA refuses it/],
    ['bad_host.example', /entry "bad_host\.example" contains "_", which no host name may contain/],
    ['ex%41mple.com', /entry "ex%41mple\.com" contains "%"/],
    ['bü cher.example', /entry "bü cher\.example" contains " "/],
    [`${'ü'.repeat(70)}.example`, /which is not a host name \(labels of 1 to 63/],
  ])('refuses the allow-list entry %s, naming it and why', (entry, why) => {
    expect(() => loadConfig({ OUTBOUND_ALLOWLIST: `10.0.0.1, bücher.example, ${entry}` })).toThrow(why);
    expect(() => loadConfig({ OUTBOUND_ALLOWLIST: entry })).toThrow(/Fix that entry in OUTBOUND_ALLOWLIST \(or remove it\) and start again/);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', 'http://media.internal', 'a/b/c', 'bad host', '10.0.0.0/x'])(
    'refuses the allow-list entry %s with the expected form',
    (entry) => {
      expect(() => loadConfig({ OUTBOUND_ALLOWLIST: `10.0.0.1,${entry}` })).toThrow(ConfigError);
      expect(() => loadConfig({ OUTBOUND_ALLOWLIST: entry })).toThrow(/OUTBOUND_ALLOWLIST must be comma-separated IP addresses, CIDR ranges or host names/);
    },
  );

  it('bounds WEBHOOK_TIMEOUT_MS and asks for a long METRICS_TOKEN without printing it', () => {
    expect(loadConfig({ WEBHOOK_TIMEOUT_MS: '2500' }).webhookTimeoutMs).toBe(2500);
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '5' })).toThrow(/WEBHOOK_TIMEOUT_MS must be a whole number from 100 to 120000/);
    expect(loadConfig({ METRICS_TOKEN: 't'.repeat(16) }).metricsToken).toBe('t'.repeat(16));
    try {
      loadConfig({ METRICS_TOKEN: 'short-secret' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as Error).message).toMatch(/METRICS_TOKEN must be at least 16 characters long/);
      expect((e as Error).message).not.toContain('short-secret');
    }
  });

  it('normalises PUBLIC_URL, so an upper-case HTTPS scheme still counts as https', () => {
    expect(loadConfig({ PUBLIC_URL: 'HTTPS://Marquee.Example.com/' }).publicUrl).toBe('https://marquee.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000/cms/' }).publicUrl).toBe('http://localhost:3000/cms');
  });
});
