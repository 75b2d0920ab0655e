import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DEFAULT_BACKOFF, EX_CONFIG, RestartCounter, describeExit, formatSeconds, ordinal } from '@marquee/platform-core';
import type { BackoffPolicy } from '@marquee/platform-core';

// The policy lives in platform-core, shared with the API's cluster primary; re-exported for the CLI's callers.
export { RestartCounter } from '@marquee/platform-core';
export type { BackoffPolicy } from '@marquee/platform-core';

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
    const how = describeExit(code, signal);
    const ranMs = Date.now() - this.startedAt;
    if (code === EX_CONFIG) {
      this.onGiveUp(
        `The ${name} process refused its configuration (${how}); starting it again cannot help. Fix the setting it names above and run npm start again.`,
      );
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
