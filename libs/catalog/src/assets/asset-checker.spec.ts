import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AddressPolicy, OutboundHttp, REFUSED_MESSAGE } from '@marquee/platform-outbound';
import { probeUrl } from './asset-checker';

describe('probeUrl', () => {
  let server: Server;
  let base: string;
  let hits = 0;
  // This server is on loopback, so the checks below reach it only because the allow-list names it.
  const allowed = new OutboundHttp(new AddressPolicy(['127.0.0.1']));
  const strict = new OutboundHttp(new AddressPolicy([]));
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/ok.mp3') return res.writeHead(200, { 'content-type': 'audio/mpeg' }).end();
      if (req.url === '/no-head.jpg') return res.writeHead(req.method === 'HEAD' ? 405 : 206, { 'content-type': 'image/jpeg' }).end('x');
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end(), 2000).unref();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all([allowed.close(), strict.close()]);
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });

  it('reports a reachable file with its content type', async () => {
    const p = await probeUrl(`${base}/ok.mp3`, 1000, allowed);
    expect(p).toMatchObject({ status: 'ok', httpStatus: 200, contentType: 'audio/mpeg', error: null });
  });

  it('falls back to a ranged GET when HEAD is refused', async () => {
    expect(await probeUrl(`${base}/no-head.jpg`, 1000, allowed)).toMatchObject({ status: 'ok', httpStatus: 206 });
  });

  it('reports a 404 as unreachable with what to do', async () => {
    const p = await probeUrl(`${base}/missing.mp3`, 1000, allowed);
    expect(p.status).toBe('unreachable');
    expect(p.error).toMatch(/HTTP 404.*Check the URL/);
  });

  it('times out', async () => {
    const p = await probeUrl(`${base}/slow`, 200, allowed);
    expect(p).toMatchObject({ status: 'unreachable', httpStatus: null });
    expect(p.error).toMatch(/No answer within 200 ms/);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const p = await probeUrl(`http://127.0.0.1:${port}/x.mp3`, 1000, allowed);
    expect(p.error).toMatch(/refused/);
  });

  it('refuses an internal address without touching it, and says the same for an open and a closed port', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const before = hits;
    const open = await probeUrl(`${base}/ok.mp3`, 1000, strict);
    const shut = await probeUrl(`http://127.0.0.1:${closedPort}/ok.mp3`, 1000, strict);
    expect(hits - before).toBe(0);
    expect(open).toEqual({ status: 'unreachable', httpStatus: null, contentType: null, error: REFUSED_MESSAGE, latencyMs: 0 });
    expect(shut).toEqual(open);
    expect(open.error).toMatch(/^refused: internal address/);
  });
});
