import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How a crashed child is restarted: exponential backoff, capped, forgotten once the child has run for a while. */
export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** A child that ran this long before stopping counts as having been healthy: its next restart waits initialMs again. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, factor: 2, maxMs: 30000, stableMs: 60000 };

/** The wait before restarting after the `crashesInRow`-th stop in a row (1-based). */
export function restartDelay(policy: BackoffPolicy, crashesInRow: number): number {
  const n = Math.max(1, crashesInRow);
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** (n - 1)));
}

/** Counts stops in a row; a run of at least stableMs resets the count. Pure, so the policy is unit-tested. */
export class RestartCounter {
  private inRow = 0;
  constructor(private readonly policy: BackoffPolicy) {}

  /** Records a stop after `uptimeMs` of running; returns the crash number in the current row and the wait before the next start. */
  stopped(uptimeMs: number): { crashesInRow: number; delayMs: number } {
    this.inRow = uptimeMs >= this.policy.stableMs ? 1 : this.inRow + 1;
    return { crashesInRow: this.inRow, delayMs: restartDelay(this.policy, this.inRow) };
  }
}

/** Exit code 78 (EX_CONFIG): the child refused its configuration, and starting it again cannot help. */
const EX_CONFIG = 78;

export interface SupervisedChild {
  name: 'api' | 'worker';
  script: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs one child process and starts it again whenever it stops, with backoff, until `stop()`. It prefixes the
 * child's lines with its name and says why it restarts: the exit code or signal, how long the child ran, and when
 * the next try is. What the child shares (the database, Redis) is never touched here.
 */
export class Supervisor {
  private child: ChildProcess | null = null;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private readonly counter: RestartCounter;

  constructor(
    private readonly spec: SupervisedChild,
    private readonly say: (line: string) => void,
    private readonly onGiveUp: (reason: string) => void,
    policy: BackoffPolicy = DEFAULT_BACKOFF,
  ) {
    this.counter = new RestartCounter(policy);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopping) return;
    const { name, script, env } = this.spec;
    const child = spawn(process.execPath, ['--enable-source-maps', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.startedAt = Date.now();
    for (const [stream, out] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => line.trim() && out.write(`[${name}] ${line}\n`));
    }
    child.on('error', (e) => this.say(`Could not run the ${name} process: ${e.message}.`));
    child.on('exit', (code, signal) => this.exited(child, code, signal));
    this.say(`Started the ${name} process (pid ${child.pid}).`);
  }

  /** Stops the child (SIGTERM, then SIGKILL after `timeoutMs`) and any restart that was waiting. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((r) => {
      const force = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
      force.unref();
      c.once('exit', () => {
        clearTimeout(force);
        r();
      });
      c.kill('SIGTERM');
    });
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || child !== this.child) return;
    const { name } = this.spec;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    const ranMs = Date.now() - this.startedAt;
    if (code === EX_CONFIG) {
      this.onGiveUp(`The ${name} process refused its configuration (${how}); starting it again cannot help. Fix the setting it names above and run npm start again.`);
      return;
    }
    const { crashesInRow, delayMs } = this.counter.stopped(ranMs);
    this.say(
      `The ${name} process stopped (${how}) after ${formatSeconds(ranMs)}; restarting it in ${formatSeconds(delayMs)} ` +
        `(${ordinal(crashesInRow)} stop in a row; the wait doubles up to a cap, and resets after a minute running). ` +
        'Read its last lines above for the reason. The database and the other process keep running.',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delayMs);
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
