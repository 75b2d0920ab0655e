import { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AddressPolicy } from './address-policy';
import { OutboundHttp, OutboundRefusedError, REFUSED_MESSAGE, TooManyRedirectsError } from './outbound-http';

/**
 * Real sockets to listeners on loopback. Names that must resolve a certain way (a rebinding name, a host on the
 * allow-list) go through a small stand-in resolver; the connect-time check is the code under test either way.
 */
describe('OutboundHttp', () => {
  let target: Server;
  let targetPort: number;
  let targetHits = 0;
  let hop: Server;
  let hopPort: number;
  let hopHits = 0;
  let redirectTo = '';
  const clients: OutboundHttp[] = [];

  /** A resolver that answers for test names and defers to the system for the rest. `rebind.test` answers public, then loopback. */
  let rebindCalls = 0;
  const resolver = ((host: string, opts: unknown, cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
    const answer = (address: string) => cb(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    if (host === 'rebind.test') return answer(rebindCalls++ === 0 ? '93.184.216.34' : '127.0.0.1');
    if (host === 'media.allowed.test') return answer('127.0.0.1');
    if (host === 'mixed.test')
      return cb(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ]);
    return (dnsLookup as unknown as (h: string, o: unknown, c: unknown) => void)(host, opts, cb);
  }) as unknown as typeof dnsLookup;

  function client(allow: string[] = []): OutboundHttp {
    const c = new OutboundHttp(new AddressPolicy(allow), resolver);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    target = createServer((_req, res) => {
      targetHits++;
      res.writeHead(200).end('inside');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetPort = (target.address() as AddressInfo).port;
    hop = createServer((req, res) => {
      hopHits++;
      if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(302, { location: redirectTo }).end();
    });
    await new Promise<void>((r) => hop.listen(0, '127.0.0.2', r));
    hopPort = (hop.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const s of [target, hop]) s.closeAllConnections();
    await Promise.all([target, hop].map((s) => new Promise((r) => s.close(r))));
  });
  beforeEach(() => {
    targetHits = 0;
    hopHits = 0;
    rebindCalls = 0;
  });

  const head = (c: OutboundHttp, url: string, maxRedirects = 5) => c.request(url, { method: 'HEAD', timeoutMs: 2000, maxRedirects });

  it.each([
    'http://127.0.0.1:PORT/metrics',
    'http://0x7f000001:PORT/',
    'http://2130706433:PORT/',
    'http://0177.0.0.1:PORT/',
    'http://127.1:PORT/',
    'http://[::ffff:127.0.0.1]:PORT/',
    'http://localhost:PORT/',
    'http://[::1]:PORT/',
    'http://0.0.0.0:PORT/',
  ])('refuses %s at connect time; the listener sees nothing', async (u) => {
    const err = await head(client(), u.replace('PORT', String(targetPort))).catch((e) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect(err.message).toBe(REFUSED_MESSAGE);
    expect(targetHits).toBe(0);
  });

  it('reaches an internal address the allow-list names, and only that one', async () => {
    const res = await head(client(['127.0.0.1']), `http://127.0.0.1:${targetPort}/`);
    expect(res.status).toBe(200);
    expect(targetHits).toBe(1);
    await expect(head(client(['127.0.0.2']), `http://127.0.0.1:${targetPort}/`)).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(targetHits).toBe(1);
  });

  it('DNS rebinding: a name that resolved public when saved and resolves to loopback at connect time is refused', async () => {
    const c = client();
    await expect(c.assertNotInternal(`http://rebind.test:${targetPort}/hook`)).resolves.toBeUndefined(); // first answer: public
    await expect(head(c, `http://rebind.test:${targetPort}/hook`)).rejects.toBeInstanceOf(OutboundRefusedError); // second: loopback
    expect(targetHits).toBe(0);
  });

  it('a name with one internal address among public ones is refused', async () => {
    await expect(client().assertNotInternal('http://mixed.test/')).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(head(client(), 'http://mixed.test/')).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it('redirects from an allowed host to an internal one are refused at the hop; the target sees nothing', async () => {
    // The hop stands in for an external host: only it is allowed, by address.
    const c = client(['127.0.0.2']);
    rebindCalls = 1; // past its public answer: this test never connects anywhere but loopback
    for (const to of [
      `http://127.0.0.1:${targetPort}/secret`,
      `http://localhost:${targetPort}/`,
      `http://rebind.test:${targetPort}/`,
      `http://[::ffff:7f00:1]:${targetPort}/`,
    ]) {
      redirectTo = to;
      await expect(head(c, `http://127.0.0.2:${hopPort}/go`)).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    expect(hopHits).toBe(4);
    expect(targetHits).toBe(0);
  });

  it('a host name on the allow-list may resolve inside; redirects from it are still checked', async () => {
    const c = client(['media.allowed.test']);
    redirectTo = `http://127.0.0.1:${targetPort}/`;
    const res = await head(c, `http://media.allowed.test:${targetPort}/file.mp3`);
    expect(res.status).toBe(200);
    expect(targetHits).toBe(1);
    await expect(head(c, `http://127.0.0.1:${targetPort}/`)).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(targetHits).toBe(1);
  });

  it('follows at most the allowed number of redirects, and none when told so', async () => {
    const c = client(['127.0.0.2']);
    await expect(head(c, `http://127.0.0.2:${hopPort}/loop`, 3)).rejects.toBeInstanceOf(TooManyRedirectsError);
    expect(hopHits).toBe(4);
    const res = await head(c, `http://127.0.0.2:${hopPort}/loop`, 0);
    expect(res.status).toBe(302);
  });

  it('refuses a webhook URL whose host is internal when it is saved', async () => {
    const c = client();
    for (const u of ['http://127.0.0.1:6379/', 'http://[::1]/', 'http://localhost/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/']) {
      await expect(c.assertNotInternal(u)).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    await expect(c.assertNotInternal('http://93.184.216.34/hook')).resolves.toBeUndefined();
    await expect(client(['localhost']).assertNotInternal('http://localhost/')).resolves.toBeUndefined();
  });
});
