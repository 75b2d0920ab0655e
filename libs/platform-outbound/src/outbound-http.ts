import { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, Response, buildConnector, fetch } from 'undici';
import { AddressPolicy } from './address-policy';

/** What an editor or admin reads when a URL points inside: the same words whatever the port or address does. */
export const REFUSED_MESSAGE =
  'refused: internal address. Marquee does not fetch loopback, private, link-local or other internal addresses. ' +
  'Use a public URL, or ask an operator to add the host to OUTBOUND_ALLOWLIST.';

/**
 * Thrown, at connect time, before any packet reaches an internal address. It carries what was refused for the
 * operator's log (`detail`); its message is the same for every internal address, so it tells nothing about a port.
 */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUND_REFUSED';
  constructor(readonly detail: string) {
    super(REFUSED_MESSAGE);
    this.name = 'OutboundRefusedError';
  }
}

export class TooManyRedirectsError extends Error {
  constructor(max: number) {
    super(`More than ${max} redirects. Point the URL at the file itself.`);
    this.name = 'TooManyRedirectsError';
  }
}

/** A redirect Marquee will not follow: to a scheme other than http(s), or to a Location that is not a URL. */
export class UnfollowableRedirectError extends Error {
  constructor(what: string) {
    super(`The server redirected to ${what}, which cannot be followed. Point the URL at the file itself (an http or https address).`);
    this.name = 'UnfollowableRedirectError';
  }
}

export interface OutboundRequest {
  method: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Redirects are followed by hand, each hop checked again at connect time; 0 returns the 3xx itself. */
  maxRedirects: number;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupOptions = { family?: number | string; hints?: number; all?: boolean };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The one way server code makes outbound HTTP requests to URLs users typed (asset checks, webhooks). Every socket
 * is checked where it is opened: an IP literal before connecting, a host name on each address DNS gives for that
 * very connection. So DNS rebinding (a name that resolves public at check time and internal later) and redirects
 * to internal hosts are refused like a direct internal URL.
 *
 * undici is the npm package, used with its own `fetch`, so the Agent and the fetch are always the same version
 * (Node 20's bundled fetch accepts only dispatchers of its own undici 6).
 */
export class OutboundHttp {
  private readonly agent: Agent;

  constructor(
    readonly policy: AddressPolicy,
    private readonly resolve: typeof dnsLookup = dnsLookup,
  ) {
    const filtered = buildConnector({ lookup: this.lookup.bind(this) as never });
    const unfiltered = buildConnector({ lookup: this.resolve as never });
    this.agent = new Agent({
      connect: (opts, cb) => {
        const host = opts.hostname.replace(/^\[(.*)\]$/, '$1');
        if (isIP(host)) {
          const range = this.policy.refusal(host);
          if (range) return cb(new OutboundRefusedError(`${host} is ${range}`), null);
          return unfiltered(opts, cb);
        }
        // A host name on the allow-list may resolve inside; any other name is checked on every address it gives.
        return (this.policy.allowsName(host) ? unfiltered : filtered)(opts, cb);
      },
    });
  }

  /** Sends one request, following up to `maxRedirects` redirects by hand. Rejects with OutboundRefusedError before touching an internal address. */
  async request(url: string, req: OutboundRequest): Promise<Response> {
    const signal = AbortSignal.timeout(req.timeoutMs);
    let current = new URL(url);
    let method = req.method;
    let body = req.body;
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') {
        if (hop === 0) throw new Error(`Only http and https URLs can be fetched, not ${current.protocol}`);
        throw new UnfollowableRedirectError(`a ${current.protocol.slice(0, 20)} URL`);
      }
      const res = await this.send(current, { method, headers: req.headers, body, signal });
      if (!REDIRECTS.has(res.status) || req.maxRedirects === 0) return res;
      const location = res.headers.get('location');
      if (!location) return res;
      await res.body?.cancel().catch(() => undefined);
      if (hop >= req.maxRedirects) throw new TooManyRedirectsError(req.maxRedirects);
      const next = URL.canParse(location, current.href) ? new URL(location, current) : null;
      if (!next) throw new UnfollowableRedirectError('an address that is not a URL');
      current = next;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  /** For a URL being saved (a webhook endpoint): refuses a host that resolves to an internal address now. Unresolvable hosts pass; delivery checks again. */
  async assertNotInternal(url: string, timeoutMs = 3000): Promise<void> {
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) {
      const range = this.policy.refusal(host);
      if (range) throw new OutboundRefusedError(`${host} is ${range}`);
      return;
    }
    if (this.policy.allowsName(host)) return;
    const addresses = await new Promise<LookupAddress[]>((res) => {
      const t = setTimeout(() => res([]), timeoutMs);
      this.resolve(host, { all: true }, (err, a) => {
        clearTimeout(t);
        res(err ? [] : a);
      });
    });
    const refused = addresses.map((a) => [a.address, this.policy.refusal(a.address)] as const).find(([, r]) => r);
    if (refused) throw new OutboundRefusedError(`${host} resolves to ${refused[0]} (${refused[1]})`);
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(url: URL, init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal }): Promise<Response> {
    try {
      return await fetch(url, { ...init, redirect: 'manual', dispatcher: this.agent });
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause;
      if (cause instanceof OutboundRefusedError) throw cause;
      throw e;
    }
  }

  /** net.connect's lookup: resolves as usual, then refuses the connection if any address is internal and not allowed. */
  private lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
    this.resolve(hostname, { ...options, all: true } as never, (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
      if (err) return callback(err, []);
      const refused = addresses.map((a) => [a.address, this.policy.refusal(a.address)] as const).find(([, r]) => r);
      if (refused) return callback(new OutboundRefusedError(`${hostname} resolves to ${refused[0]} (${refused[1]})`) as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  }
}
