import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { NGINX_TEMPLATE, nginxPlaceholders, renderNginxSite } from '../../../test/support/nginx';
import { CONFIG_VARIABLES, loadConfig } from './config';

/**
 * docker-compose.yml is shipped but Docker does not run here, so it is checked as text: its services, every
 * environment variable against the config schema (and through loadConfig, as the processes will read it), the secrets
 * and stores the API and the worker must share, and the nginx site it mounts, which is the file the multi-instance
 * integration test runs with a real nginx.
 */
const ROOT = resolve(__dirname, '../../..');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  restart?: string;
  stop_grace_period?: string;
  volumes?: string[];
  ports?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  networks: Record<string, { ipam: { config: { subnet: string }[] } }>;
};
const services = compose.services;
const named = (prefix: string) => Object.keys(services).filter((n) => n.startsWith(prefix));
const apis = named('api-');
const workers = named('worker-');
const marquee = [...apis, ...workers, 'migrate'];

/** Compose's interpolation: ${X:-default} gives the default, ${X:?message} must be set by the operator, ${X} is empty. */
function interpolate(value: string, operator: Record<string, string> = {}): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}/g, (_w, name: string, op: string | undefined, rest: string | undefined) => {
    if (name in operator) return operator[name];
    if (op === ':?') throw new Error(`${name} must be set: ${rest}`);
    return op === ':-' ? (rest ?? '') : '';
  });
}

function ms(duration: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!m) throw new Error(`not a compose duration: ${duration}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2] as 'ms' | 's' | 'm'];
}

function inSubnet(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  const mask = 2 ** 32 - 2 ** (32 - Number(bits));
  return (n(ip) & mask) >>> 0 === (n(net) & mask) >>> 0;
}

const scripts = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
const OPERATOR = { JWT_SECRET: 'x'.repeat(64) };

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Redis, the migrations once, at least two APIs and two workers, and nginx', () => {
    expect(apis.length).toBeGreaterThanOrEqual(2);
    expect(workers.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(services).sort()).toEqual(['migrate', 'nginx', 'postgres', 'redis', ...apis, ...workers].sort());
    expect(services.postgres.image).toMatch(/^postgres:1[5-9]/);
    expect(services.redis.image).toMatch(/^redis:[6-9]/);
    expect(services.redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    expect(services.nginx.image).toMatch(/^nginx:/);
  });

  it('runs each Marquee process from the built image with the command its npm script runs', () => {
    const entry = (script: string) => /(dist\/apps\/\w+\/src\/main\.js)/.exec(scripts[script])![1];
    for (const s of marquee) {
      expect({ s, build: services[s].build, image: services[s].image }).toEqual({ s, build: '.', image: 'marquee:latest' });
      expect(existsSync(resolve(ROOT, services[s].build!, 'Dockerfile'))).toBe(true);
    }
    for (const s of apis) expect(services[s].command).toContain(entry('start:api'));
    for (const s of workers) expect(services[s].command).toContain(entry('start:worker'));
    expect(services.migrate.command).toEqual(['node', 'dist/apps/cli/src/main.js', 'migrate']);
    expect(scripts['migration:run']).toContain('dist/apps/cli/src/main.js migrate');
    const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN npm run build\b/);
    expect(dockerfile).toMatch(/COPY --from=build \/srv\/marquee\/dist \.\/dist/);
  });

  it('sets only variables the config knows, with values it accepts', () => {
    const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
    for (const s of marquee) {
      const env = services[s].environment ?? {};
      expect({ s, unknown: Object.keys(env).filter((k) => !known.has(k)) }).toEqual({ s, unknown: [] });
      const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v), OPERATOR)]));
      // loadConfig throws a ConfigError naming every bad value, exactly as the process would at start.
      const cfg = loadConfig(resolved);
      expect({ s, nodeEnv: cfg.nodeEnv, ephemeralSecret: cfg.jwtSecretIsEphemeral }).toEqual({ s, nodeEnv: 'production', ephemeralSecret: false });
    }
    expect(() => interpolate(services[apis[0]].environment!.JWT_SECRET)).toThrow(/JWT_SECRET must be set: Set JWT_SECRET to 32\+ random characters/);
  });

  it('gives every API, worker and the migrations the same PostgreSQL, Redis and JWT secret', () => {
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'NODE_ENV']) {
      const values = new Set(marquee.filter((s) => name !== 'JWT_SECRET' || s !== 'migrate').map((s) => services[s].environment?.[name]));
      expect({ name, values: [...values] }).toEqual({ name, values: [services[apis[0]].environment![name]] });
    }
    const db = new URL(interpolate(services.migrate.environment!.DATABASE_URL));
    const pg = services.postgres.environment!;
    expect({ host: db.hostname, user: db.username, password: db.password, database: db.pathname.slice(1) }).toEqual({
      host: 'postgres',
      user: pg.POSTGRES_USER,
      password: interpolate(pg.POSTGRES_PASSWORD),
      database: pg.POSTGRES_DB,
    });
    expect(new URL(services.migrate.environment!.REDIS_URL).hostname).toBe('redis');
  });

  it('starts the APIs and workers after the migrations succeeded, and restarts every long-running service', () => {
    const deps = (s: string) => services[s].depends_on as Record<string, { condition: string }>;
    expect(deps('migrate').postgres.condition).toBe('service_healthy');
    expect(services.migrate.restart).toBe('no');
    const shutdown = loadConfig({}).shutdownTimeoutMs;
    for (const s of [...apis, ...workers]) {
      expect({ s, migrate: deps(s).migrate?.condition, redis: deps(s).redis?.condition }).toEqual({
        s,
        migrate: 'service_completed_successfully',
        redis: 'service_healthy',
      });
      // SIGTERM, SHUTDOWN_TIMEOUT_MS for in-flight work, then the kill: the grace period must outlast it.
      expect({ s, grace: ms(services[s].stop_grace_period!) > shutdown }).toEqual({ s, grace: true });
    }
    for (const s of [...apis, ...workers, 'postgres', 'redis', 'nginx']) expect({ s, restart: services[s].restart }).toEqual({ s, restart: 'unless-stopped' });
    for (const s of apis) expect(services[s].healthcheck!.test.join(' ')).toContain('/health/ready');
  });

  it('keeps every process within PostgreSQL max_connections', () => {
    const max = Number(services.postgres.command![services.postgres.command!.indexOf('-c') + 1].split('=')[1]);
    const processes =
      apis.reduce(
        (n, s) => n + loadConfig(Object.fromEntries(Object.entries(services[s].environment!).map(([k, v]) => [k, interpolate(v, OPERATOR)]))).apiProcesses,
        0,
      ) +
      workers.length +
      1;
    const pool = Number(services[apis[0]].environment!.DATABASE_POOL_SIZE);
    expect({ connections: processes * pool, below: processes * pool <= max - 3 }).toEqual({ connections: processes * pool, below: true });
  });

  it('puts nginx in front of every API, trusted as the only proxy, with the site the multi-instance test runs', () => {
    const nginx = services.nginx;
    const mount = nginx.volumes!.find((v) => v.includes('/etc/nginx/templates/'))!;
    const [source, target] = mount.split(':');
    expect(resolve(ROOT, source)).toBe(NGINX_TEMPLATE);
    expect(target).toMatch(/^\/etc\/nginx\/templates\/[\w.-]+\.conf\.template$/);
    const template = readFileSync(NGINX_TEMPLATE, 'utf8');
    const env = nginx.environment!;
    expect(nginxPlaceholders(template)).toEqual(
      Object.keys(env)
        .filter((k) => k.startsWith('MARQUEE_'))
        .sort(),
    );
    const site = renderNginxSite(template, env);
    const block = /upstream marquee_api \{([^}]*)\}/.exec(site.replace(/#.*$/gm, ''))![1];
    const upstreams = [...block.matchAll(/\bserver\s+([\w.-]+):(\d+)\b/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstreams.sort()).toEqual(apis.map((s) => `${s}:${services[s].environment!.PORT}`).sort());
    expect(site).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(site).toMatch(new RegExp(`listen ${env.MARQUEE_LISTEN};`));
    expect(nginx.ports).toEqual([expect.stringMatching(new RegExp(`:${env.MARQUEE_LISTEN}$`))]);

    const address = (nginx.networks as Record<string, { ipv4_address: string }>).marquee.ipv4_address;
    expect(isIP(address)).toBe(4);
    expect(inSubnet(address, compose.networks.marquee.ipam.config[0].subnet)).toBe(true);
    for (const s of apis)
      expect({ s, trusted: loadConfig({ TRUSTED_PROXIES: services[s].environment!.TRUSTED_PROXIES }).trustedProxies }).toEqual({ s, trusted: [address] });
  });
});
