import cluster, { Worker } from 'node:cluster';
import { AppConfig } from '@marquee/platform-config';
import { BackoffPolicy, DEFAULT_BACKOFF, EX_CONFIG, RestartCounter, describeExit, formatSeconds, ordinal } from '@marquee/platform-core';
import { createLogger, serveClusterMetrics } from '@marquee/platform-observability';

interface Slot {
  /** 1-based, stable across restarts: "API process 2 of 4". */
  index: number;
  worker: Worker | null;
  startedAt: number;
  counter: RestartCounter;
  timer: NodeJS.Timeout | null;
}

/**
 * The API on every core (API_PROCESSES > 1): this process is the cluster primary. It loads no application code and
 * holds no connection to PostgreSQL or Redis; it owns the listening socket (node:cluster hands each accepted
 * connection to the API processes in turn), starts API_PROCESSES copies of the API, and restarts any that stops with
 * the same backoff `npm start` uses, while the others keep serving the port. It also answers /metrics requests with
 * the sum over all processes, and gives them one JWT secret when none is configured, so a session or tracking token
 * issued by one process is valid in all of them. SIGTERM or SIGINT stops every process gracefully, then itself.
 */
export function runApiCluster(config: AppConfig, policy: BackoffPolicy = DEFAULT_BACKOFF): void {
  const logger = createLogger(config, 'Marquee API');
  const context = 'Cluster';
  const n = config.apiProcesses;
  const env: Record<string, string> = {};
  if (config.jwtSecretIsEphemeral) {
    // loadConfig generated a random secret in this process; each API process would otherwise generate its own.
    env.JWT_SECRET = config.jwtSecret;
    logger.warn(
      `JWT_SECRET is not set: the ${n} API processes share one generated for this run, so sessions end when it stops and do not work on other machines. Set JWT_SECRET to 32+ random characters.`,
      context,
    );
  }
  serveClusterMetrics();
  const slots: Slot[] = Array.from({ length: n }, (_, i) => ({ index: i + 1, worker: null, startedAt: 0, counter: new RestartCounter(policy), timer: null }));
  let stopping = false;

  const start = (slot: Slot) => {
    if (stopping) return;
    const worker = cluster.fork(env);
    slot.worker = worker;
    slot.startedAt = Date.now();
    worker.on('exit', (code, signal) => exited(slot, worker, code, signal));
    logger.log(`Started API process ${slot.index} of ${n} (pid ${worker.process.pid}).`, context);
  };

  const exited = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    if (stopping || slot.worker !== worker) return;
    slot.worker = null;
    const how = describeExit(code, signal);
    const ranMs = Date.now() - slot.startedAt;
    if (code === EX_CONFIG) {
      logger.error(
        `API process ${slot.index} of ${n} refused its configuration (${how}); starting it again cannot help. Fix the setting it names above and start again.`,
        context,
      );
      void stopAll(EX_CONFIG, 'A process refused its configuration');
      return;
    }
    const { crashesInRow, delayMs } = slot.counter.stopped(ranMs);
    const others = slots.filter((s) => s.worker).length;
    logger.warn(
      `API process ${slot.index} of ${n} (pid ${worker.process.pid}) stopped (${how}) after ${formatSeconds(ranMs)}; restarting it in ${formatSeconds(delayMs)} ` +
        `(${ordinal(crashesInRow)} stop in a row; the wait doubles up to ${formatSeconds(policy.maxMs)}, and resets after ${formatSeconds(policy.stableMs)} running). ` +
        `${others} other API process(es) keep serving port ${config.port}. Read its last lines above for the reason.`,
      context,
    );
    slot.timer = setTimeout(() => {
      slot.timer = null;
      start(slot);
    }, delayMs);
  };

  const stopOne = (worker: Worker | null, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (!worker || worker.isDead()) return resolve();
      const force = setTimeout(() => worker.process.kill('SIGKILL'), timeoutMs);
      force.unref();
      worker.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      worker.process.kill('SIGTERM');
    });

  const stopAll = async (code: number, why: string) => {
    if (stopping) return;
    stopping = true;
    for (const s of slots) if (s.timer) clearTimeout(s.timer);
    const running = slots.filter((s) => s.worker && !s.worker.isDead());
    logger.log(`${why}: stopping ${running.length} API process(es); each finishes its requests in flight (at most ${config.shutdownTimeoutMs} ms).`, context);
    // Each process forces its own exit after SHUTDOWN_TIMEOUT_MS; SIGKILL only one that is stuck past that.
    await Promise.all(running.map((s) => stopOne(s.worker, config.shutdownTimeoutMs + 2000)));
    logger.log('Stopped.', context);
    process.exit(code);
  };
  process.on('SIGTERM', () => void stopAll(0, 'SIGTERM received'));
  process.on('SIGINT', () => void stopAll(0, 'SIGINT received'));

  logger.log(`Starting ${n} API processes on ${config.host}:${config.port} (API_PROCESSES; node:cluster shares the port between them).`, context);
  for (const s of slots) start(s);
}
