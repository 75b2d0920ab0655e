import ipaddr from 'ipaddr.js';

/**
 * What a per-address limit counts a client address as: an IPv4 address as itself (also when written IPv4-mapped,
 * ::ffff:192.0.2.1), an IPv6 address as its /64. One subscriber, host or cloud instance is routinely given a whole
 * /64 and picks any address in it per request, so counting each IPv6 address alone gave whoever has one an unlimited
 * number of addresses: unlimited sign-in guesses at any account (the per-email limit counts per email and address).
 */
export function addressSubject(address: string): string {
  if (!address.includes(':')) return address; // IPv4, or the "unknown" of a request without a peer
  const text = address.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) names the link, not the client
  if (!ipaddr.IPv6.isValid(text)) return address;
  const v6 = ipaddr.IPv6.parse(text);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const prefix = ipaddr.IPv6.networkAddressFromCIDR(`${text}/64`);
  return `${prefix.toString()}/64`;
}
