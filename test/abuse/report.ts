import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { machine, table, writeResult } from '../../bench/lib/common';
import { ROOT } from '../support/stack';

/** One counted figure of the suite: what was measured, against what threshold, and whether it held. */
export interface Check {
  group: string;
  check: string;
  value: number | string;
  threshold: string;
  pass: boolean;
  /** The figures that explain a failure (first offending cases, breakdowns). */
  detail?: unknown;
  /** A speed figure (server time, lateness): counted by `npm run test:abuse`, printed but not asserted inside `npm test`. */
  timing?: boolean;
}

export type Figures = Record<string, unknown>;

export class Report {
  readonly checks: Check[] = [];
  readonly figures: Record<string, Figures> = {};
  readonly startedAt = new Date();
  readonly loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);

  add(group: string, check: string, value: number | string, threshold: string, pass: boolean, detail?: unknown): Check {
    const c: Check = { group, check, value, threshold, pass, ...(detail === undefined ? {} : { detail }) };
    this.checks.push(c);
    return c;
  }

  /** `value <= max` as a check. */
  atMost(group: string, check: string, value: number, max: number, detail?: unknown, unit = ''): Check {
    return this.add(group, check, value, `<= ${max}${unit}`, value <= max, detail);
  }

  figure(group: string, figures: Figures): void {
    this.figures[group] = { ...(this.figures[group] ?? {}), ...figures };
  }

  get failed(): Check[] {
    return this.checks.filter((c) => !c.pass);
  }

  /** Failed checks of one group, optionally leaving out the speed figures. */
  failedIn(group: string, opts: { timing?: boolean } = {}): Check[] {
    return this.failed.filter((c) => c.group === group && (opts.timing !== false || !c.timing));
  }

  table(): string {
    return table(
      ['group', 'check', 'count / figure', 'threshold', 'result'],
      this.checks.map((c) => [c.group, c.check, typeof c.value === 'number' ? String(c.value) : c.value, c.threshold, c.pass ? 'pass' : 'FAIL']),
    );
  }

  /** The failures with their explaining figures, for the log and for jest messages. */
  failures(checks: Check[] = this.failed): string {
    return checks
      .map((c) => `FAIL ${c.group} / ${c.check}: ${c.value} (threshold ${c.threshold})\n  ${JSON.stringify(c.detail ?? null).slice(0, 3000)}`)
      .join('\n');
  }

  toJson(extra: Figures = {}): Figures {
    return {
      suite: 'abuse',
      at: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      commit: gitCommit(),
      machine: { ...machine(), loadAverageAtStart: this.loadAtStart, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
      passed: this.failed.length === 0,
      failedChecks: this.failed.length,
      checks: this.checks,
      figures: this.figures,
      ...extra,
    };
  }

  write(name: string, extra: Figures = {}): string {
    return writeResult(name, this.toJson(extra));
  }
}

export function gitCommit(): { sha: string; branch: string; dirty: boolean } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    sha: git('rev-parse', 'HEAD') || 'unknown',
    branch: git('rev-parse', '--abbrev-ref', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
  };
}

export function say(line: string): void {
  process.stdout.write(`[abuse ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
