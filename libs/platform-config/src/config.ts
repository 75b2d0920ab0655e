import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { domainToASCII } from 'node:url';

/**
 * All configuration comes from the environment and is validated once, at start-up. Each variable has one
 * parser that either returns a value or explains the expected form; `loadConfig` collects every problem so an
 * operator fixes them in one pass.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** API processes `npm start` and `npm run start:api` run on this machine, sharing PORT (node:cluster); 1 runs one plain process. */
  apiProcesses: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  embeddedPostgresPort: number;
  jwtSecret: string;
  jwtSecretIsEphemeral: boolean;
  sessionTtlHours: number;
  /** Minutes a Studio session may go unused before it ends (tracked in Redis); 0 turns the idle timeout off. */
  sessionIdleMinutes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'json' | 'pretty';
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  seedDemo: boolean;
  assetCheckTimeoutMs: number;
  graphqlMaxDepth: number;
  graphqlMaxComplexity: number;
  graphqlMaxAliases: number;
  graphqlMaxDirectives: number;
  graphqlMaxTokens: number;
  graphqlMaxFragments: number;
  graphqlMaxFields: number;
  graphqlListSize: number;
  graphqlIntrospection: boolean;
  /** Answer the client operations on the lean path (apps/api/src/client-path.ts); false sends everything through Apollo. */
  graphqlFastPath: boolean;
  importMaxBytes: number;
  shutdownTimeoutMs: number;
  /** How long a client may take to send a request's headers and body (Node's requestTimeout and headersTimeout). */
  httpRequestTimeoutMs: number;
  loginMaxAttempts: number;
  loginWindowSeconds: number;
  allowSelfApproval: boolean;
  reconcileIntervalMs: number;
  webhookBackoffMs: number;
  feedBudgetMs: number;
  feedRedisWaitMs: number;
  feedStickySeconds: number;
  /** Users whose per-user engine state (profile) each API process keeps in memory. */
  userStateCacheSize: number;
  /** How often each API process re-reads the user states changed lately (a backstop: the learner announces changes on Redis). */
  userStateRefreshMs: number;
  engineRefreshMs: number;
  learnIntervalMs: number;
  labelWindowSeconds: number;
  snapshotRetentionHours: number;
  trainCron: string;
  minTrainingRows: number;
  autoCanary: boolean;
  canaryShare: number;
  gateMargin: number;
  canaryMinImpressions: number;
  opeDraws: number;
  opeMaxRequests: number;
  canaryCheckMs: number;
  outboundAllowlist: string[];
  webhookTimeoutMs: number;
  metricsToken: string | undefined;
  testPauseFile: string | undefined;
  /** Proxies whose x-forwarded-for is believed (IPs and CIDRs); empty: nobody's, req.ip is the TCP peer. */
  trustedProxies: string[];
  apiKeyRefreshMs: number;
  rateLimitWindowSeconds: number;
  /** Per second, averaged over the window; 0 turns that limit off. */
  rateLimitFeedPerKey: number;
  rateLimitFeedPerAddress: number;
  rateLimitEventsPerKey: number;
  rateLimitEventsPerAddress: number;
  loginMaxPerAddress: number;
}

export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

type Env = Record<string, string | undefined>;

class Problems {
  readonly lines: string[] = [];
  add(name: string, expected: string, got: string | undefined) {
    this.lines.push(`${name} must be ${expected}, but it is "${got}". Fix ${name} in the environment (or unset it to use the default) and start again.`);
  }
}

function int(env: Env, p: Problems, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    p.add(name, `a whole number from ${min} to ${max}`, raw);
    return def;
  }
  return n;
}

function bool(env: Env, p: Problems, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  p.add(name, '"true" or "false"', raw);
  return def;
}

function oneOf<T extends string>(env: Env, p: Problems, name: string, def: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!allowed.includes(raw as T)) {
    p.add(name, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, raw);
    return def;
  }
  return raw as T;
}

function url(env: Env, p: Problems, name: string, def: string | undefined, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  try {
    const u = new URL(raw);
    if (!protocols.includes(u.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    p.add(name, `a URL starting with ${protocols.map((x) => x + '//').join(' or ')}`, redact(raw));
    return def;
  }
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Comma-separated IPs, CIDRs or host names; each entry validated. Host names are stored in their ASCII form as the
 * WHATWG URL parser writes a URL's host (IDNA/punycode via `domainToASCII`, lower case): outbound requests compare
 * the URL's hostname, which is always that form, so a Unicode entry such as "bücher.example" kept as typed never
 * matched "xn--bcher-kva.example". An entry that cannot be normalised is refused, naming the entry and why.
 */
function allowlist(env: Env, p: Problems, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const out: string[] = [];
  for (const typed of raw.split(',')) {
    const entry = typed.trim().replace(/\.$/, '');
    if (!entry) continue;
    const { value, why } = allowlistEntry(entry);
    if (value !== null) out.push(value);
    else
      p.lines.push(
        `${name} must be comma-separated IP addresses, CIDR ranges or host names, like "10.0.0.5, 192.168.0.0/16, media.internal", but its entry "${entry.slice(0, 100)}" ${why}. Fix that entry in ${name} (or remove it) and start again.`,
      );
  }
  return out;
}

/** One allow-list entry in the form AddressPolicy compares (IP, CIDR, or ASCII host name), or why it cannot be. */
function allowlistEntry(entry: string): { value: string; why?: undefined } | { value: null; why: string } {
  const lower = entry.toLowerCase();
  if (lower.includes('/')) {
    const [addr, bits, ...rest] = lower.split('/');
    const kind = isIP(addr.replace(/^\[(.*)\]$/, '$1'));
    if (rest.length || !kind || !/^\d{1,3}$/.test(bits) || Number(bits) > (kind === 4 ? 32 : 128))
      return { value: null, why: 'is not a CIDR range (an IP address, "/", and a prefix length of at most 32 for IPv4 or 128 for IPv6) nor a host name' };
    return { value: lower.replace(/^\[(.*)\]$/, '$1') };
  }
  const ip = lower.replace(/^\[(.*)\]$/, '$1');
  if (isIP(ip)) return { value: ip };
  // ASCII punctuation other than "-" and "." is in no host name; IDNA would also quietly percent-decode or drop some.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  const bad = /[\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/.exec(entry);
  if (bad) return { value: null, why: `contains ${JSON.stringify(bad[0])}, which no host name may contain` };
  const ascii = domainToASCII(entry);
  if (!ascii) {
    return {
      value: null,
      why: 'cannot be converted to an ASCII (punycode) host name: IDNA refuses it (check for an empty or over-long label, a "-" at a label\'s start or end, or a malformed "xn--" label)',
    };
  }
  if (!HOST_NAME.test(ascii)) {
    return {
      value: null,
      why: `has the ASCII form "${ascii.slice(0, 100)}", which is not a host name (labels of 1 to 63 letters, digits or "-", at most 253 characters in all)`,
    };
  }
  return { value: ascii };
}

function normaliseUrl(raw: string): string {
  try {
    return new URL(raw).href;
  } catch {
    return raw;
  }
}

/** Comma-separated IPv4/IPv6 addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`). */
function addressList(env: Env, p: Problems, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const items = raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = items.filter((item) => {
    const [addr, bits, extra] = item.split('/');
    const family = isIP(addr);
    if (!family || extra !== undefined) return true;
    if (bits === undefined) return false;
    return !/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128);
  });
  if (bad.length) {
    p.add(name, 'a comma-separated list of IP addresses or CIDR ranges such as "10.0.0.1, 10.1.0.0/16" (bad: ' + bad.join(', ') + ')', raw);
    return [];
  }
  return items;
}

function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

export const CONFIG_VARIABLES: ConfigVariable[] = [
  { name: 'PORT', default: '3000', description: 'HTTP port of the API (GraphQL, Studio, health, metrics).' },
  { name: 'HOST', default: '0.0.0.0', description: 'Interface the API listens on.' },
  {
    name: 'API_PROCESSES',
    default: '(one per core)',
    description:
      'API processes on this machine, sharing `PORT`; each is restarted with backoff if it stops. 1 runs a single process. Each opens its own `DATABASE_POOL_SIZE` connections (see "Running the processes").',
  },
  { name: 'PUBLIC_URL', default: 'http://localhost:$PORT', description: 'Base URL users reach Marquee at; used in links and demo media URLs.' },
  {
    name: 'DATABASE_URL',
    default: '(embedded)',
    description: 'PostgreSQL URL. Unset: `npm start` runs an embedded PostgreSQL with data in `$DATA_DIR/postgres`.',
  },
  { name: 'DATABASE_POOL_SIZE', default: '10', description: 'Connections per process.' },
  {
    name: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    description: 'Redis for BullMQ. If nothing answers and `redis-server` is installed, `npm start` runs one with data in `$DATA_DIR/redis`.',
  },
  {
    name: 'REDIS_PREFIX',
    default: 'marquee',
    description: 'Prefix of every Redis key (queues, rate limits), so several Marquee installs can share one Redis.',
  },
  { name: 'DATA_DIR', default: '.data', description: 'Where embedded PostgreSQL, Redis and generated secrets live.' },
  { name: 'EMBEDDED_POSTGRES_PORT', default: '54329', description: 'Port of the embedded PostgreSQL.' },
  {
    name: 'JWT_SECRET',
    default: '(generated)',
    description:
      'At least 32 characters; signs sessions and tracking tokens. Required when NODE_ENV=production. `npm start` generates one into `$DATA_DIR/secrets.json`.',
  },
  { name: 'SESSION_TTL_HOURS', default: '12', description: 'Lifetime of a Studio session.' },
  {
    name: 'SESSION_IDLE_MINUTES',
    default: '60',
    description:
      'A Studio session (cookie or bearer token) unused this long ends before its lifetime, and the Studio says so. Activity is noted in Redis at most about once a minute per session and API process; 0 turns the idle timeout off.',
  },
  { name: 'NODE_ENV', default: 'development', description: '`development`, `production` or `test`.' },
  { name: 'LOG_LEVEL', default: 'info', description: '`debug`, `info`, `warn` or `error`.' },
  { name: 'LOG_FORMAT', default: 'pretty (json in production)', description: '`pretty` or `json` (one JSON object per line).' },
  { name: 'MARQUEE_ADMIN_EMAIL', default: 'admin@marquee.local', description: 'Email of the demo admin created on first start.' },
  { name: 'MARQUEE_ADMIN_PASSWORD', default: '(generated, printed once)', description: 'Password of that admin; at least 12 characters.' },
  { name: 'MARQUEE_SEED_DEMO', default: 'true', description: 'Create the demo workspace on the first start against an empty database.' },
  { name: 'ASSET_CHECK_TIMEOUT_MS', default: '5000', description: 'Timeout of each media URL check.' },
  { name: 'GRAPHQL_MAX_DEPTH', default: '12', description: 'Deepest GraphQL selection accepted.' },
  {
    name: 'GRAPHQL_MAX_COMPLEXITY',
    default: '5000',
    description: 'Highest estimated query cost accepted: each field costs 1 plus its children times the items it returns (see "Query limits").',
  },
  { name: 'GRAPHQL_MAX_ALIASES', default: '15', description: 'Most aliased fields in one GraphQL operation, counted at every fragment spread.' },
  { name: 'GRAPHQL_MAX_DIRECTIVES', default: '50', description: 'Most directive uses in one GraphQL operation, counted at every fragment spread.' },
  {
    name: 'GRAPHQL_MAX_TOKENS',
    default: '1000',
    description: 'Longest GraphQL document accepted, in lexical tokens (and 100 characters per token); the parser stops there.',
  },
  { name: 'GRAPHQL_MAX_FRAGMENTS', default: '100', description: 'Most fragment spreads in one operation once every fragment is expanded.' },
  { name: 'GRAPHQL_MAX_FIELDS', default: '300', description: 'Most field selections in one operation once every fragment is expanded.' },
  {
    name: 'GRAPHQL_LIST_SIZE',
    default: '10',
    description: 'Items a list without a page argument (such as `item.releases`) is assumed to hold when a query is priced.',
  },
  {
    name: 'GRAPHQL_INTROSPECTION',
    default: 'true (false in production)',
    description: 'Answer GraphQL introspection (`__schema`, `__type`); off, field suggestions are hidden from errors too.',
  },
  {
    name: 'GRAPHQL_FAST_PATH',
    default: 'true',
    description:
      'Answer `feed`, `editorialFeed` and `trackEvents` on the lean path (same checks, errors and answers, without Express and Apollo in between); false sends every request through Apollo.',
  },
  { name: 'IMPORT_MAX_BYTES', default: '20971520', description: 'Largest import file accepted by `POST /api/imports` (GraphQL bodies are capped at 1 MB).' },
  { name: 'SHUTDOWN_TIMEOUT_MS', default: '9000', description: 'How long SIGTERM waits for in-flight work before it forces an exit.' },
  {
    name: 'HTTP_REQUEST_TIMEOUT_MS',
    default: '30000',
    description:
      'How long a client may take to send a whole request, headers and body; a slower or stalled one is answered 408 and its connection closed. Raise it if large imports come over slow links.',
  },
  { name: 'LOGIN_MAX_ATTEMPTS', default: '5', description: 'Failed sign-ins per email and address before sign-in is paused.' },
  { name: 'LOGIN_WINDOW_SECONDS', default: '900', description: 'Window for LOGIN_MAX_ATTEMPTS.' },
  { name: 'ALLOW_SELF_APPROVAL', default: 'false', description: 'Let a reviewer approve a version they wrote.' },
  {
    name: 'RECONCILE_INTERVAL_MS',
    default: '15000',
    description: 'How often the worker re-enqueues due launches from PostgreSQL, and re-creates job schedulers Redis lost.',
  },
  { name: 'WEBHOOK_BACKOFF_MS', default: '5000', description: 'First retry delay of a failed webhook; it doubles on each of up to 8 tries.' },
  { name: 'FEED_BUDGET_MS', default: '50', description: 'Time the feed may spend before it serves the editorial fallback.' },
  {
    name: 'FEED_REDIS_WAIT_MS',
    default: '10',
    description:
      "How long a feed waits on Redis for its sticky slate and its rate-limit count; past it, the feed ranks a fresh slate and counts the call in the process's memory. Raise it for a Redis a few ms away.",
  },
  { name: 'FEED_STICKY_SECONDS', default: '1800', description: 'Window in which a user gets the same slate on a surface unless the catalogue changed.' },
  {
    name: 'USER_STATE_CACHE_SIZE',
    default: '200000',
    description:
      'Users whose engine state (profile) each API process keeps in memory; while every stored one fits, a feed never reads PostgreSQL for it. 0 reads PostgreSQL on every feed.',
  },
  {
    name: 'USER_STATE_REFRESH_MS',
    default: '60000',
    description: 'How often each API process re-reads the user states changed lately (a backstop: the learner announces each change on Redis at once).',
  },
  { name: 'ENGINE_REFRESH_MS', default: '5000', description: 'How often each API process reloads engine state from PostgreSQL.' },
  { name: 'LEARN_INTERVAL_MS', default: '5000', description: 'How often the worker folds new events into the model.' },
  {
    name: 'LABEL_WINDOW_SECONDS',
    default: '60',
    description: 'How long after an impression the learner waits for its success event before it learns from it.',
  },
  { name: 'SNAPSHOT_RETENTION_HOURS', default: '72', description: 'How long engine snapshots are kept for replaying logged slates.' },
  { name: 'TRAIN_CRON', default: '0 3 * * *', description: 'When the worker retrains the TensorFlow.js model of every surface (cron, server time).' },
  { name: 'MIN_TRAINING_ROWS', default: '500', description: 'Impressions a surface needs before a model is trained on it.' },
  { name: 'AUTO_CANARY', default: 'true', description: 'Put a model that passes the offline gate on canary automatically.' },
  { name: 'CANARY_PERCENT', default: '5', description: 'Share of users a canary model serves.' },
  {
    name: 'GATE_MARGIN_PERCENT',
    default: '10',
    description: "How far below the live policy's value the candidate's lower 95% bound may fall and still pass the gate.",
  },
  {
    name: 'CANARY_MIN_IMPRESSIONS',
    default: '2000',
    description: 'Canary impressions before the guardrail may promote (a fifth of it before it may roll back).',
  },
  { name: 'CANARY_CHECK_MS', default: '30000', description: 'How often the guardrail compares a canary with the live policy.' },
  { name: 'OPE_DRAWS', default: '32', description: 'Monte Carlo draws of the evaluated policy per logged request in offline evaluation.' },
  { name: 'OPE_MAX_REQUESTS', default: '2000', description: 'Most recent logged requests an offline evaluation reads.' },
  {
    name: 'OUTBOUND_ALLOWLIST',
    default: '(empty)',
    description:
      'Comma-separated IPs, CIDRs or host names that asset checks and webhooks may reach although they are internal (loopback, private, link-local…). Unicode host names (`bücher.example`) are matched in their punycode form; an entry that is not a valid IP, CIDR or host name stops start-up, naming it. Empty: every internal address is refused.',
  },
  {
    name: 'WEBHOOK_TIMEOUT_MS',
    default: '10000',
    description: 'How long one webhook request may take, connecting included, before it counts as failed and is retried.',
  },
  {
    name: 'METRICS_TOKEN',
    default: '(none)',
    description: '`/metrics` then needs `Authorization: Bearer <token>`. Unset: `/metrics` is open outside production and off (404) when NODE_ENV=production.',
  },
  {
    name: 'TRUSTED_PROXIES',
    default: '(none)',
    description:
      'Comma-separated IPs or CIDRs of your reverse proxies. Only a request from one of them may name the client address in `x-forwarded-for`; empty trusts nobody, and the client address is the TCP peer.',
  },
  {
    name: 'API_KEY_REFRESH_MS',
    default: '30000',
    description: 'How often each API process reloads the API keys from PostgreSQL (a backstop: revocations reach every process at once through Redis).',
  },
  {
    name: 'RATE_LIMIT_WINDOW_SECONDS',
    default: '10',
    description: 'Window over which the per-second rate limits below are counted (in Redis, shared by every API process).',
  },
  { name: 'RATE_LIMIT_FEED_PER_KEY', default: '2000', description: '`feed` and `editorialFeed` calls per second per API key; 0 turns the limit off.' },
  {
    name: 'RATE_LIMIT_FEED_PER_ADDRESS',
    default: '1000',
    description: '`feed` and `editorialFeed` calls per second per client address; 0 turns the limit off.',
  },
  {
    name: 'RATE_LIMIT_EVENTS_PER_KEY',
    default: '20000',
    description: 'Events sent to `trackEvents` per second per API key (a batch counts each event); 0 turns the limit off.',
  },
  {
    name: 'RATE_LIMIT_EVENTS_PER_ADDRESS',
    default: '10000',
    description: 'Events sent to `trackEvents` per second per client address; 0 turns the limit off.',
  },
  {
    name: 'LOGIN_MAX_PER_ADDRESS',
    default: '30',
    description: 'Failed sign-ins per client address, whatever the email, within LOGIN_WINDOW_SECONDS before sign-in from it is paused.',
  },
];

export function loadConfig(env: Env = process.env): AppConfig {
  const p = new Problems();
  const nodeEnv = oneOf(env, p, 'NODE_ENV', 'development', ['development', 'production', 'test'] as const);
  const port = int(env, p, 'PORT', 3000, 1, 65535);
  const databaseUrl = url(env, p, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']);
  const redisUrl = url(env, p, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])!;
  // Normalised (scheme and host lower-cased), so `HTTPS://…` is recognised as https wherever it is compared.
  const publicUrl = normaliseUrl(url(env, p, 'PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:'])!).replace(/\/$/, '');

  let jwtSecret = env.JWT_SECRET ?? '';
  let jwtSecretIsEphemeral = false;
  if (jwtSecret !== '' && jwtSecret.length < 32) {
    p.add('JWT_SECRET', 'at least 32 characters long (try `openssl rand -hex 32`)', '<hidden, ' + jwtSecret.length + ' characters>');
  } else if (jwtSecret === '') {
    if (nodeEnv === 'production') {
      p.lines.push('JWT_SECRET is required when NODE_ENV=production. Set it to at least 32 random characters (try `openssl rand -hex 32`) and start again.');
    }
    jwtSecret = randomBytes(32).toString('hex');
    jwtSecretIsEphemeral = true;
  }

  const adminPassword = env.MARQUEE_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 12) {
    p.add('MARQUEE_ADMIN_PASSWORD', 'at least 12 characters long', '<hidden, ' + adminPassword.length + ' characters>');
  }
  const adminEmail = env.MARQUEE_ADMIN_EMAIL || undefined;
  if (adminEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) {
    p.add('MARQUEE_ADMIN_EMAIL', 'an email address like admin@example.com', adminEmail);
  }

  const cfg: AppConfig = {
    nodeEnv,
    port,
    host: env.HOST || '0.0.0.0',
    apiProcesses: int(env, p, 'API_PROCESSES', availableParallelism(), 1, 256),
    publicUrl,
    databaseUrl,
    databasePoolSize: int(env, p, 'DATABASE_POOL_SIZE', 10, 1, 500),
    redisUrl,
    redisPrefix: env.REDIS_PREFIX || 'marquee',
    dataDir: env.DATA_DIR || '.data',
    embeddedPostgresPort: int(env, p, 'EMBEDDED_POSTGRES_PORT', 54329, 1, 65535),
    jwtSecret,
    jwtSecretIsEphemeral,
    sessionTtlHours: int(env, p, 'SESSION_TTL_HOURS', 12, 1, 24 * 90),
    sessionIdleMinutes: int(env, p, 'SESSION_IDLE_MINUTES', 60, 0, 60 * 24 * 90),
    logLevel: oneOf(env, p, 'LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const),
    logFormat: oneOf(env, p, 'LOG_FORMAT', nodeEnv === 'production' ? 'json' : 'pretty', ['json', 'pretty'] as const),
    adminEmail,
    adminPassword,
    seedDemo: bool(env, p, 'MARQUEE_SEED_DEMO', true),
    assetCheckTimeoutMs: int(env, p, 'ASSET_CHECK_TIMEOUT_MS', 5000, 100, 120000),
    graphqlMaxDepth: int(env, p, 'GRAPHQL_MAX_DEPTH', 12, 2, 100),
    graphqlMaxComplexity: int(env, p, 'GRAPHQL_MAX_COMPLEXITY', 5000, 10, 1_000_000),
    graphqlMaxAliases: int(env, p, 'GRAPHQL_MAX_ALIASES', 15, 0, 10_000),
    graphqlMaxDirectives: int(env, p, 'GRAPHQL_MAX_DIRECTIVES', 50, 0, 10_000),
    graphqlMaxTokens: int(env, p, 'GRAPHQL_MAX_TOKENS', 1000, 100, 100_000),
    graphqlMaxFragments: int(env, p, 'GRAPHQL_MAX_FRAGMENTS', 100, 0, 100_000),
    graphqlMaxFields: int(env, p, 'GRAPHQL_MAX_FIELDS', 300, 10, 100_000),
    graphqlListSize: int(env, p, 'GRAPHQL_LIST_SIZE', 10, 1, 1000),
    graphqlIntrospection: bool(env, p, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    graphqlFastPath: bool(env, p, 'GRAPHQL_FAST_PATH', true),
    importMaxBytes: int(env, p, 'IMPORT_MAX_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    shutdownTimeoutMs: int(env, p, 'SHUTDOWN_TIMEOUT_MS', 9000, 100, 120000),
    httpRequestTimeoutMs: int(env, p, 'HTTP_REQUEST_TIMEOUT_MS', 30000, 500, 3_600_000),
    loginMaxAttempts: int(env, p, 'LOGIN_MAX_ATTEMPTS', 5, 1, 1000),
    loginWindowSeconds: int(env, p, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    allowSelfApproval: bool(env, p, 'ALLOW_SELF_APPROVAL', false),
    reconcileIntervalMs: int(env, p, 'RECONCILE_INTERVAL_MS', 15000, 200, 60000),
    webhookBackoffMs: int(env, p, 'WEBHOOK_BACKOFF_MS', 5000, 10, 3600000),
    feedBudgetMs: int(env, p, 'FEED_BUDGET_MS', 50, 5, 10000),
    feedRedisWaitMs: int(env, p, 'FEED_REDIS_WAIT_MS', 10, 1, 1000),
    feedStickySeconds: int(env, p, 'FEED_STICKY_SECONDS', 1800, 0, 86400),
    userStateCacheSize: int(env, p, 'USER_STATE_CACHE_SIZE', 200_000, 0, 10_000_000),
    userStateRefreshMs: int(env, p, 'USER_STATE_REFRESH_MS', 60000, 1000, 3_600_000),
    engineRefreshMs: int(env, p, 'ENGINE_REFRESH_MS', 5000, 100, 10000),
    learnIntervalMs: int(env, p, 'LEARN_INTERVAL_MS', 5000, 100, 10000),
    labelWindowSeconds: int(env, p, 'LABEL_WINDOW_SECONDS', 60, 0, 3600),
    snapshotRetentionHours: int(env, p, 'SNAPSHOT_RETENTION_HOURS', 72, 1, 24 * 90),
    trainCron: env.TRAIN_CRON || '0 3 * * *',
    minTrainingRows: int(env, p, 'MIN_TRAINING_ROWS', 500, 10, 10_000_000),
    autoCanary: bool(env, p, 'AUTO_CANARY', true),
    canaryShare: int(env, p, 'CANARY_PERCENT', 5, 1, 50) / 100,
    gateMargin: int(env, p, 'GATE_MARGIN_PERCENT', 10, 0, 100) / 100,
    canaryMinImpressions: int(env, p, 'CANARY_MIN_IMPRESSIONS', 2000, 10, 10_000_000),
    opeDraws: int(env, p, 'OPE_DRAWS', 32, 4, 1024),
    opeMaxRequests: int(env, p, 'OPE_MAX_REQUESTS', 2000, 10, 1_000_000),
    canaryCheckMs: int(env, p, 'CANARY_CHECK_MS', 30000, 200, 3_600_000),
    outboundAllowlist: allowlist(env, p, 'OUTBOUND_ALLOWLIST'),
    webhookTimeoutMs: int(env, p, 'WEBHOOK_TIMEOUT_MS', 10000, 100, 120000),
    metricsToken: env.METRICS_TOKEN || undefined,
    testPauseFile: env.MARQUEE_TEST_PAUSE_FILE || undefined,
    trustedProxies: addressList(env, p, 'TRUSTED_PROXIES'),
    apiKeyRefreshMs: int(env, p, 'API_KEY_REFRESH_MS', 30000, 1000, 600000),
    rateLimitWindowSeconds: int(env, p, 'RATE_LIMIT_WINDOW_SECONDS', 10, 1, 3600),
    rateLimitFeedPerKey: int(env, p, 'RATE_LIMIT_FEED_PER_KEY', 2000, 0, 1_000_000),
    rateLimitFeedPerAddress: int(env, p, 'RATE_LIMIT_FEED_PER_ADDRESS', 1000, 0, 1_000_000),
    rateLimitEventsPerKey: int(env, p, 'RATE_LIMIT_EVENTS_PER_KEY', 20000, 0, 10_000_000),
    rateLimitEventsPerAddress: int(env, p, 'RATE_LIMIT_EVENTS_PER_ADDRESS', 10000, 0, 10_000_000),
    loginMaxPerAddress: int(env, p, 'LOGIN_MAX_PER_ADDRESS', 30, 1, 100_000),
  };
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cfg.redisPrefix)) p.add('REDIS_PREFIX', 'letters, digits, "-" or "_" (at most 40)', cfg.redisPrefix);
  if (cfg.metricsToken !== undefined && cfg.metricsToken.length < 16)
    p.add('METRICS_TOKEN', 'at least 16 characters long (try `openssl rand -hex 24`)', '<hidden, ' + cfg.metricsToken.length + ' characters>');
  if (cfg.trainCron.trim().split(/\s+/).length < 5) p.add('TRAIN_CRON', 'a cron expression with five fields, like "0 3 * * *"', cfg.trainCron);
  // A trackEvents batch holds up to 500 events and is counted whole: a window smaller than that refuses every full batch.
  for (const [name, perSecond] of [
    ['RATE_LIMIT_EVENTS_PER_KEY', cfg.rateLimitEventsPerKey],
    ['RATE_LIMIT_EVENTS_PER_ADDRESS', cfg.rateLimitEventsPerAddress],
  ] as const) {
    if (perSecond > 0 && perSecond * cfg.rateLimitWindowSeconds < 500) {
      p.add(
        name,
        `0 (off) or at least ${Math.ceil(500 / cfg.rateLimitWindowSeconds)} with RATE_LIMIT_WINDOW_SECONDS=${cfg.rateLimitWindowSeconds}, so a full batch of 500 events fits in one window`,
        String(perSecond),
      );
    }
  }
  if (p.lines.length) throw new ConfigError(p.lines);
  return cfg;
}

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.map((l) => `Config error: ${l}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** For process entry points: prints the problems one per line and exits non-zero. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}
