import * as fc from 'fast-check';
import { AddressPolicy, classifyAddress } from './address-policy';

/**
 * The internal IPv4 ranges, written out here independently of ipaddr.js's tables, so the property below checks the
 * classifier against a second source rather than against itself.
 */
const INTERNAL_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
// Special-purpose but not internal-looking; excluded from the "public" side so the test does not decide them.
const SPECIAL_V4: [string, number][] = [
  ['192.88.99.0', 24],
  ['192.175.48.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
];

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toDotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const inRange = (n: number, [base, bits]: [string, number]) => bits === 0 || n >>> (32 - bits) === toInt(base) >>> (32 - bits);
const hex4 = (n: number) => [(n >>> 16).toString(16), (n & 0xffff).toString(16)];

const internalV4 = fc
  .tuple(fc.constantFrom(...INTERNAL_V4), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([[base, bits], r]) => toDotted(((toInt(base) >>> (32 - bits)) * 2 ** (32 - bits) + (bits === 32 ? 0 : r % 2 ** (32 - bits))) >>> 0));
const publicV4 = fc
  .integer({ min: 0, max: 0xffffffff })
  .filter((n) => ![...INTERNAL_V4, ...SPECIAL_V4].some((r) => inRange(n, r)))
  .map(toDotted);

/** Every way an IPv4 address can be written or carried as IPv6, as a host string a URL or a resolver gives. */
function forms(v4: string): string[] {
  const n = toInt(v4);
  const [hi, lo] = hex4(n);
  return [
    v4,
    `::ffff:${v4}`, // IPv4-mapped, dotted
    `::ffff:${hi}:${lo}`, // IPv4-mapped, hex
    `[::ffff:${v4}]`, // as a URL writes it
    `::ffff:0:${hi}:${lo}`, // IPv4-translated (RFC 6145)
    `64:ff9b::${hi}:${lo}`, // NAT64 well-known prefix
    `2002:${hi}:${lo}::1`, // 6to4
  ];
}

/** What a URL's host parser makes of odd IPv4 literals: the classifier sees the host as the URL gives it. */
function urlHost(literal: string): string {
  return new URL(`http://${literal}/`).hostname;
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'teredo'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
    ['64:ff9b:1::a00:1', 'rfc6052'],
    ['::ffff:127.0.0.1', 'ipv4Mapped form of loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped form of loopback'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052 form of linkLocal'],
    ['2002:c0a8:101::1', '6to4 form of private'],
    ['fe80::1%eth0', 'linkLocal'],
    ['not-an-ip', 'not an IP address'],
  ])('%s is internal (%s)', (ip, range) => {
    expect(classifyAddress(ip)).toEqual({ internal: true, range });
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is public',
    (ip) => expect(classifyAddress(ip)).toEqual({ internal: false }),
  );

  it.each([
    ['0x7f000001', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
    ['[0:0:0:0:0:ffff:7f00:0001]', '[::ffff:7f00:1]'],
    ['0xa9fea9fe', '169.254.169.254'],
  ])('the odd literal %s is read as %s, internal', (literal, host) => {
    expect(urlHost(literal)).toBe(host);
    expect(classifyAddress(urlHost(literal)).internal).toBe(true);
    // And the classifier refuses the raw literal too, should it ever get one unparsed.
    expect(classifyAddress(literal).internal).toBe(true);
  });

  it('every form of an internal IPv4 address is internal (property)', () => {
    fc.assert(
      fc.property(internalV4, (v4) => {
        for (const f of forms(v4)) expect([f, classifyAddress(f).internal]).toEqual([f, true]);
        // Decimal, hex and octal spellings, as a URL reads them.
        const n = toInt(v4);
        for (const literal of [
          String(n),
          `0x${n.toString(16)}`,
          v4
            .split('.')
            .map((o) => `0${Number(o).toString(8)}`)
            .join('.'),
        ]) {
          expect([literal, classifyAddress(urlHost(literal)).internal]).toEqual([literal, true]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('public IPv4 addresses are public in every form that can reach them (property)', () => {
    fc.assert(
      fc.property(publicV4, (v4) => {
        for (const f of forms(v4)) expect([f, classifyAddress(f)]).toEqual([f, { internal: false }]);
        expect(classifyAddress(`::${v4}`).internal).toBe(true); // IPv4-compatible is deprecated: never
      }),
      { numRuns: 500 },
    );
  });

  it('any IPv6 address outside global unicast 2000::/3 is internal (property)', () => {
    const outside = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
      .filter((p) => p[0] >> 13 !== 1)
      .map((p) => p.map((x) => x.toString(16)).join(':'));
    fc.assert(
      fc.property(outside, (ip) => {
        const v = classifyAddress(ip);
        // Outside 2000::/3 only the IPv4-carrying forms can be public, and only when the IPv4 address inside is.
        if (!v.internal) expect(ip).toMatch(/^(0:0:0:0:0:ffff|64:ff9b:0:0:0:0|0:0:0:0:ffff:0):/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('AddressPolicy', () => {
  it('refuses internal addresses by default and names the range for the log', () => {
    const p = new AddressPolicy([]);
    expect(p.refusal('127.0.0.1')).toBe('loopback');
    expect(p.refusal('::ffff:10.0.0.1')).toBe('ipv4Mapped form of private');
    expect(p.refusal('8.8.8.8')).toBeNull();
  });

  it('allows exactly what OUTBOUND_ALLOWLIST lists: addresses, CIDRs (also when IPv4-mapped) and host names', () => {
    const p = new AddressPolicy(['127.0.0.2', '10.1.0.0/16', 'fd00::/8', 'Media.Internal.', '[::1]']);
    expect(p.refusal('127.0.0.2')).toBeNull();
    expect(p.refusal('127.0.0.1')).toBe('loopback');
    expect(p.refusal('10.1.200.3')).toBeNull();
    expect(p.refusal('::ffff:10.1.200.3')).toBeNull();
    expect(p.refusal('10.2.0.1')).toBe('private');
    expect(p.refusal('fd12::1')).toBeNull();
    expect(p.refusal('::1')).toBeNull();
    expect(p.refusal('fe80::1')).toBe('linkLocal');
    expect(p.allowsName('media.internal')).toBe(true);
    expect(p.allowsName('MEDIA.internal.')).toBe(true);
    expect(p.allowsName('other.internal')).toBe(false);
    expect(p.allowsName('evil-media.internal')).toBe(false);
  });

  it('matches a Unicode allow-list name against the punycode hostname a URL has', () => {
    const p = new AddressPolicy(['Bücher.Example', 'xn--mnchen-3ya.example']);
    expect(p.allowsName(new URL('http://bücher.example/x').hostname)).toBe(true);
    expect(p.allowsName('xn--bcher-kva.example')).toBe(true);
    expect(p.allowsName(new URL('http://münchen.example/').hostname)).toBe(true);
    expect(p.allowsName('bucher.example')).toBe(false);
  });
});
