import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  actionProbsToCsv,
  createPolicy,
  DEFAULT_TRAIN_FRACTION,
  formatOpeReport,
  isOpeInputError,
  policyNames,
  readObd,
  reportToJson,
  runOpe,
} from '@marquee/analysis';

const OPE_USAGE = `Usage: npm run marquee -- ope --obd <log.csv> --items <item_context.csv> --policy <name> --out <dir> [options]

  Trains the policy on the first part of the log in time and evaluates it on the rest (IPS, SNIPS, DM, DR).
  Writes <dir>/estimates.json and <dir>/action_probs.csv (one line per evaluated row).

  --policy <name>          uniform | logged | marquee (the placement engine) | bayes-ts
  --train-fraction <f>     share of the log, earliest first, used for training (default ${DEFAULT_TRAIN_FRACTION})
  --from <time> --to <time>  only use rows logged in [from, to) (ISO 8601)
  --bootstrap <B>          bootstrap resamples for the 95% intervals (default 1000)
  --seed <seed>            seed for the bootstrap and the policy (default "ope")
  --mc-samples <S>         marquee, bayes-ts: Monte Carlo slates or posterior draws per probability (default 1000)
  --explore <eps>          marquee: the engine's uniform floor (default 0.02); bayes-ts: uniform share of slates (default 0.05)
`;

type Flags = Map<string, string>;

export class UsageError extends Error {}

const VALUE_FLAGS = ['obd', 'items', 'policy', 'out', 'train-fraction', 'from', 'to', 'bootstrap', 'seed', 'mc-samples', 'explore'];

export function parseFlags(args: readonly string[], valueFlags: readonly string[], boolFlags: readonly string[] = []): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new UsageError(`Unexpected argument "${args[i]}". Options start with --; run with --help for the list.`);
    const [, name, inline] = m;
    if (boolFlags.includes(name)) {
      flags.set(name, 'true');
      continue;
    }
    if (!valueFlags.includes(name)) throw new UsageError(`Unknown option --${name}. Run with --help for the list.`);
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
    flags.set(name, value);
  }
  return flags;
}

export function numberFlag(flags: Flags, name: string, check: (x: number) => boolean, what: string): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} must be ${what}; got "${raw}".`);
  return x;
}

function timeFlag(flags: Flags, name: string): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return undefined;
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw new UsageError(`--${name} must be a time such as 2019-11-28T00:00:00Z; got "${raw}".`);
  return t;
}

// A reader never sees half a file.
export function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

// Exit codes: 0 when both files are written; 1 for bad input, with one line on stderr and nothing written.
export async function opeCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(OPE_USAGE);
    return 0;
  }
  try {
    const flags = parseFlags(args, VALUE_FLAGS);
    const missing = ['obd', 'items', 'policy', 'out'].filter((f) => !flags.has(f));
    if (missing.length)
      throw new UsageError(
        `Missing ${missing.map((f) => `--${f}`).join(', ')}. Usage: ope --obd <log.csv> --items <item_context.csv> --policy <${policyNames().join('|')}> --out <dir>`,
      );
    const out = flags.get('out') as string;
    if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file; give a directory (it is created if missing).`);
    const trainFraction = numberFlag(flags, 'train-fraction', (x) => x > 0 && x < 1, 'a number between 0 and 1');
    const B = numberFlag(flags, 'bootstrap', (x) => Number.isInteger(x) && x >= 10, 'a whole number of at least 10');
    const mcSamples = numberFlag(flags, 'mc-samples', (x) => Number.isInteger(x) && x >= 1, 'a positive whole number');
    const explore = numberFlag(flags, 'explore', (x) => x >= 0 && x <= 1, 'a number between 0 and 1');
    const from = timeFlag(flags, 'from');
    const to = timeFlag(flags, 'to');
    const seed = flags.get('seed') ?? 'ope';

    const policy = createPolicy(flags.get('policy') as string, {
      seed,
      ...(mcSamples !== undefined && { mcSamples }),
      ...(explore !== undefined && { explore }),
    });
    const dataset = readObd(flags.get('obd') as string, flags.get('items') as string);
    const { report, actionProbs } = await runOpe(dataset, policy, {
      trainFraction,
      window: from !== undefined || to !== undefined ? { from, to } : undefined,
      bootstrap: { B, seed },
    });

    process.stdout.write(formatOpeReport(report));
    mkdirSync(out, { recursive: true });
    writeAtomic(join(out, 'estimates.json'), reportToJson(report));
    writeAtomic(join(out, 'action_probs.csv'), actionProbsToCsv(actionProbs));
    process.stdout.write(`\nWrote ${join(out, 'estimates.json')} and ${join(out, 'action_probs.csv')} (${actionProbs.length} rows).\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || isOpeInputError(e)) {
      process.stderr.write(`marquee ope: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 1;
    }
    throw e;
  }
}
