import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { Agent, IncomingHttpHeaders, request } from 'node:http';

/**
 * Which process holds the server side of a TCP connection, read from /proc (Linux): the connection's socket inode
 * from /proc/net/tcp{,6}, then the process whose file descriptors include it. For tests of several processes
 * sharing one port, to say which of them served a connection without asking the server.
 */
export function serverSocketOwner(serverPort: number, clientPort: number, candidates: number[]): number | null {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = parseInt(f[1].split(':')[1], 16);
      const remote = parseInt(f[2].split(':')[1], 16);
      if (local === serverPort && remote === clientPort && f[3] === '01') inodes.add(f[9]);
    }
  }
  for (const pid of candidates) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return pid;
      } catch {
        // closed while we looked
      }
    }
  }
  return null;
}

/** The direct children of `parent` whose command line contains `needle`. */
export function childPids(parent: number, needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One kept-alive HTTP connection of its own (one socket, reused), so a test knows which connection each request
 * went over, and from its client port which server process holds it.
 */
export class Connection {
  private readonly agent: Agent;
  clientPort = 0;
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly localAddress?: string,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          localAddress: this.localAddress,
          headers: { ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('socket', (s) => {
        const note = () => (this.clientPort = s.localPort ?? 0);
        if (s.localPort) note();
        else s.once('connect', note);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ status: number; data: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; headers: IncomingHttpHeaders }> {
    const a = await this.send('POST', '/graphql', JSON.stringify({ query, variables }), headers);
    let parsed: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    try {
      parsed = JSON.parse(a.body);
    } catch {
      throw new Error(`Non-JSON answer (${a.status}): ${a.body.slice(0, 300)}`);
    }
    return { status: a.status, data: parsed.data ?? null, errors: parsed.errors, headers: a.headers };
  }

  close(): void {
    this.agent.destroy();
  }
}
