import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';

export type AddressVerdict = { internal: false } | { internal: true; range: string };

const PUBLIC: AddressVerdict = { internal: false };
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * Whether an IP address is internal: anything but public unicast. IPv4: loopback, private, link-local, CGNAT,
 * multicast, broadcast, unspecified, reserved, documentation, benchmarking, AS112, AMT. IPv6: anything outside
 * global unicast 2000::/3 or in one of its special ranges (Teredo, documentation, ORCHID, benchmarking…). IPv6
 * forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) are judged by the IPv4 address inside. The deprecated IPv4-compatible form ::a.b.c.d and the
 * local-use NAT64 prefix 64:ff9b:1::/48 are always internal. Whatever does not parse counts as internal.
 */
export function classifyAddress(ip: string): AddressVerdict {
  const text = canonical(ip);
  if (text === null || !ipaddr.isValid(text)) return { internal: true, range: 'not an IP address' };
  const addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv4') {
    const range = addr.range();
    return range === 'unicast' ? PUBLIC : { internal: true, range };
  }
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  const embedded = embeddedIPv4(v6, range);
  if (embedded) {
    const inner = classifyAddress(embedded.toString());
    return inner.internal ? { internal: true, range: `${range} form of ${inner.range}` } : PUBLIC;
  }
  const parts = v6.parts;
  if (parts.slice(0, 6).every((p) => p === 0)) {
    // ::/96 holds ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d; none is reachable in public.
    return { internal: true, range: range === 'unicast' ? 'ipv4Compatible' : range };
  }
  if (range !== 'unicast') return { internal: true, range };
  return v6.match(GLOBAL_UNICAST_V6) ? PUBLIC : { internal: true, range: 'reserved' };
}

/**
 * IPv6 text as the URL standard serialises it (so `::8.8.8.8` is `::808:808`, which ipaddr.js would otherwise read
 * as IPv4-mapped); IPv4 text as given, since ipaddr.js reads the odd literals (hex, octal, decimal) as inet_aton does.
 */
function canonical(ip: string): string | null {
  const text = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!text.includes(':')) return text;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

function embeddedIPv4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = v6.parts;
  const last32 = () => new ipaddr.IPv4([p[6] >> 8, p[6] & 0xff, p[7] >> 8, p[7] & 0xff]);
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return last32();
    case 'rfc6052':
      return v6.match(NAT64_WELL_KNOWN) ? last32() : null;
    case '6to4':
      return new ipaddr.IPv4([p[1] >> 8, p[1] & 0xff, p[2] >> 8, p[2] & 0xff]);
    default:
      return null;
  }
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The outbound address policy: internal addresses are refused unless OUTBOUND_ALLOWLIST names them, by address,
 * CIDR range or exact host name (compared in ASCII/punycode form, as the URL parser gives a URL's hostname).
 */
export class AddressPolicy {
  private readonly names = new Set<string>();
  private readonly ranges: Cidr[] = [];

  constructor(allowlist: readonly string[] = []) {
    for (const raw of allowlist) {
      const entry = raw
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1');
      if (!entry) continue;
      if (entry.includes('/')) this.ranges.push(normalise(ipaddr.parseCIDR(entry)));
      else if (ipaddr.isValid(entry)) {
        const a = ipaddr.process(entry);
        this.ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]);
      } else {
        // The punycode form a URL's hostname has (config already stores names so; this keeps other callers right).
        const name = entry.replace(/\.$/, '');
        this.names.add(domainToASCII(name) || name);
      }
    }
  }

  /** A host name the allow-list names exactly: whatever it resolves to may be reached. */
  allowsName(hostname: string): boolean {
    return this.names.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  /** Null when `ip` may be reached; otherwise the internal range it falls in. */
  refusal(ip: string): string | null {
    const verdict = classifyAddress(ip);
    if (!verdict.internal) return null;
    if (this.allowsAddress(ip)) return null;
    return verdict.range;
  }

  private allowsAddress(ip: string): boolean {
    if (!this.ranges.length) return false;
    const text = canonical(ip);
    if (text === null || !ipaddr.isValid(text)) return false;
    const a = ipaddr.process(text); // an IPv4-mapped address is matched as the IPv4 address it carries
    return this.ranges.some(([net, bits]) => net.kind() === a.kind() && (a as ipaddr.IPv4).match(net as ipaddr.IPv4, bits));
  }
}

function normalise([net, bits]: Cidr): Cidr {
  if (net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) return [(net as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [net, bits];
}
