/**
 * The machine's floor for the feed: a bare node:http server, in a process of its own like the API, answering every
 * request with the same bytes a real personalized feed response had (body, content type). Every run measures it with
 * the same load generator and connections as the feed, so the feed's figure is a ratio against this machine, now.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from './stack';
import { sleep } from './common';

const SERVER = `
const http = require('node:http');
const body = Buffer.from(process.env.BARE_BODY, 'base64');
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
}).listen(Number(process.env.BARE_PORT), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

export interface BareServer {
  url: string;
  pid: number;
  bytes: number;
  stop(): Promise<void>;
}

export async function startBare(body: Buffer): Promise<BareServer> {
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, ['-e', SERVER], {
    env: { ...process.env, BARE_BODY: body.toString('base64'), BARE_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready = false;
  proc.stdout!.on('data', (d) => (ready ||= String(d).includes('ready')));
  for (let i = 0; i < 100 && !ready; i++) await sleep(50);
  if (!ready) {
    proc.kill('SIGKILL');
    throw new Error('The bare node:http baseline did not start within 5 s.');
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid!,
    bytes: body.length,
    stop: () =>
      new Promise<void>((res) => {
        if (proc.exitCode !== null) return res();
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  };
}
