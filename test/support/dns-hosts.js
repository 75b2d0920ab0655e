/**
 * Preloaded into an API or worker under test (`NODE_OPTIONS=--require …/dns-hosts.js`): the host names in
 * MARQUEE_TEST_HOSTS (JSON, name → IPv4) resolve to those addresses, as an internal DNS zone would; every other name goes
 * to the real resolver. It stands for a company's internal DNS, which a test machine does not have (a Unicode name such
 * as bücher.example cannot be put in /etc/hosts here). Names are compared in the form the URL parser sends (punycode).
 */
const dns = require('node:dns');

const hosts = JSON.parse(process.env.MARQUEE_TEST_HOSTS || '{}');
const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  const opts = typeof options === 'number' ? { family: options } : options || {};
  const ip = hosts[String(hostname).toLowerCase()];
  if (ip === undefined) return realLookup.call(dns, hostname, options, callback);
  process.nextTick(() => (opts.all ? callback(null, [{ address: ip, family: 4 }]) : callback(null, ip, 4)));
  return {};
};
