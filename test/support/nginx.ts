import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The one nginx site for Marquee: docker-compose.yml mounts this file, and the multi-instance test renders it. */
export const NGINX_TEMPLATE = resolve(__dirname, '../../deploy/nginx/marquee.conf.template');

/**
 * Fills in ${NAME} for each given NAME, as the official nginx image's envsubst does for the variables it has, and
 * refuses a template that still holds a ${MARQUEE_…} placeholder nobody set (nginx's own $variables are left alone).
 */
export function renderNginxSite(template: string, vars: Record<string, string>): string {
  const out = template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => (name in vars ? vars[name] : whole));
  const left = [...out.matchAll(/\$\{(MARQUEE_[A-Z0-9_]+)\}/g)].map((m) => m[1]);
  if (left.length) throw new Error(`The nginx template needs ${[...new Set(left)].join(', ')}; set them.`);
  return out;
}

/** The placeholders a template needs. */
export function nginxPlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\$\{(MARQUEE_[A-Z0-9_]+)\}/g)].map((m) => m[1]))].sort();
}

/** Debian's nginx (apt-get install nginx; .ci/run installs it when missing), or NGINX_PATH. */
export function nginxBinary(): string {
  const candidates = [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`nginx is not installed (looked at ${candidates.join(', ')}). Install it: apt-get install nginx (.ci/run does), or set NGINX_PATH.`);
  return found;
}

export interface RunningNginx {
  url: string;
  port: number;
  dir: string;
  config: string;
  /** Its error log (nginx writes there, not to stderr, once it runs). */
  errors(): string;
  stop(): Promise<void>;
}

const portOpen = (port: number) =>
  new Promise<boolean>((r) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
  });

/**
 * Starts nginx in the foreground with the Marquee site rendered for `upstreams` (host:port of each API) on
 * 127.0.0.1:`port`, everything (config, pid, logs, temp files) in a temp dir: not a system service, nothing outside.
 */
export async function startNginx(port: number, upstreams: string[]): Promise<RunningNginx> {
  const bin = nginxBinary();
  const dir = mkdtempSync(join(tmpdir(), 'marquee-nginx-'));
  const site = renderNginxSite(readFileSync(NGINX_TEMPLATE, 'utf8'), {
    MARQUEE_LISTEN: `127.0.0.1:${port}`,
    MARQUEE_UPSTREAM_SERVERS: upstreams.map((u) => `server ${u} max_fails=1 fail_timeout=5s;`).join(' '),
  });
  writeFileSync(join(dir, 'marquee.conf'), site);
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];
  for (const t of temps) {
    mkdirSync(join(dir, t));
    chmodSync(join(dir, t), 0o777); // nginx's workers run as an unprivileged user when the master is root
  }
  chmodSync(dir, 0o755);
  const config = join(dir, 'nginx.conf');
  writeFileSync(
    config,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      ...temps.map((t) => `  ${t}_temp_path ${join(dir, t)};`),
      `  include ${join(dir, 'marquee.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const check = spawnSync(bin, ['-t', '-p', dir, '-c', config, '-e', join(dir, 'error.log')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx refused the rendered config (${config}):\n${check.stderr}`);
  const proc: ChildProcess = spawn(bin, ['-p', dir, '-c', config, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  const errors = () => {
    try {
      return `${stderr}${readFileSync(join(dir, 'error.log'), 'utf8')}`;
    } catch {
      return stderr;
    }
  };
  const deadline = Date.now() + 10000;
  while (!(await portOpen(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`nginx did not listen on 127.0.0.1:${port} (exit ${proc.exitCode}):\n${errors()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    config,
    errors,
    stop: () =>
      new Promise<void>((res) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          res();
        };
        if (proc.exitCode !== null || proc.signalCode !== null) return done();
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(t);
          done();
        });
        proc.kill('SIGQUIT'); // graceful: finish open requests
      }),
  };
}
