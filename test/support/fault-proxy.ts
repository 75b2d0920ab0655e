import { AddressInfo, createServer, Server, Socket } from 'node:net';

type Mode = 'open' | 'refuse' | 'blackhole';

/**
 * A TCP proxy between a process under test and PostgreSQL or Redis, that a test can break the way real outages do:
 * `refuse()` closes every connection and the port (connect answers ECONNREFUSED: the server is down), `blackhole()`
 * keeps connections open but passes nothing either way (the server hangs), `restore()` forwards again. The shared
 * servers themselves are never touched.
 */
export class FaultProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private mode: Mode = 'open';
  port = 0;
  /**
   * Holds what Redis pushes to a pub/sub subscriber (a connection that has sent SUBSCRIBE) this long before the client
   * gets it, in order; other connections are not delayed. A lagging subscriber, for races that a fast local Redis
   * hides.
   */
  subscriberDelayMs = 0;
  /**
   * Holds every reply to every connection this long (read at each reply, so a test can slow a running Redis and speed
   * it up again), in order per connection. Only when `delayReplies` was set before `start`: a slow server, for races
   * that a fast local one hides.
   */
  replyDelayMs = 0;
  delayReplies = false;

  constructor(private readonly target: { host: string; port: number }) {}

  static forUrl(url: string): FaultProxy {
    const u = new URL(url);
    return new FaultProxy({ host: u.hostname, port: Number(u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)) });
  }

  /** `url` with its host and port replaced by this proxy's. */
  via(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async start(): Promise<void> {
    await this.listen(0);
  }

  refuse(): void {
    this.mode = 'refuse';
    this.server?.close();
    this.server = null;
    this.dropAll();
  }

  blackhole(): void {
    this.mode = 'blackhole';
    for (const p of this.pairs) this.freeze(p);
  }

  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = 'open';
    if (was === 'blackhole') this.dropAll(); // clients notice, reconnect, and get a working connection
    if (!this.server) await this.listen(this.port);
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    const upstream = new Socket();
    const pair = { client, upstream };
    this.pairs.add(pair);
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    if (this.mode === 'blackhole') {
      client.pause(); // accepted, and never answered
      return;
    }
    upstream.connect(this.target.port, this.target.host);
    client.pipe(upstream);
    if (this.subscriberDelayMs > 0) {
      const ms = this.subscriberDelayMs;
      let subscriber = false;
      client.on('data', (chunk: Buffer) => (subscriber ||= /subscribe/i.test(chunk.toString('latin1'))));
      upstream.on('data', (chunk: Buffer) => (subscriber ? setTimeout(() => client.writable && client.write(chunk), ms) : client.write(chunk)));
    } else if (this.delayReplies) {
      let until = 0; // the time the last reply is written: a later one never overtakes it
      upstream.on('data', (chunk: Buffer) => {
        until = Math.max(Date.now() + this.replyDelayMs, until);
        const wait = until - Date.now();
        if (wait <= 0) client.write(chunk);
        else setTimeout(() => client.writable && client.write(chunk), wait);
      });
    } else upstream.pipe(client);
  }

  private freeze(p: { client: Socket; upstream: Socket }): void {
    p.client.unpipe(p.upstream);
    p.upstream.unpipe(p.client);
    p.client.pause();
    p.upstream.pause();
  }

  private dropAll(): void {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
  }
}
