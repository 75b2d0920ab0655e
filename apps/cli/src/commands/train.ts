import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { isOpeInputError, readObd } from '@marquee/analysis';
import {
  BackendName,
  banditDatasetToTrainingRows,
  isTrainingInputError,
  parseTrainingRows,
  syntheticImpressions,
  trainRewardModel,
  TrainingRow,
} from '../../../../ml/src';
import { numberFlag, parseFlags, UsageError, writeAtomic } from './ope';

const TRAIN_USAGE = `Usage: npm run marquee -- train (--input <log.jsonl|log.csv> | --synthetic <slates> | --obd <log.csv> --items <item_context.csv>) --out <model.json> [options]

  Trains the TensorFlow.js reward model on logged impressions, holds out the latest rows for log loss and AUC,
  and writes the exported model (plain JSON arrays; see ml/README.md).

  --input <file>           JSON Lines (one impression per line) or CSV with user.* / item.* feature columns
  --synthetic <slates>     simulated impressions instead of a file (3 rows per slate)
  --obd <log.csv> --items <item_context.csv>   an Open Bandit Dataset log
  --epochs <n>             default 8          --embedding-dim <k>   default 8
  --batch-size <n>         default 256        --learning-rate <r>   default 0.01
  --l2 <x>                 default 0.001      --holdout <f>         latest share held out, default 0.2
  --max-weight <w>         clip of the relative inverse-propensity weight, default 3
  --no-ipw                 do not weight rows by inverse propensity (position terms still apply)
  --seed <n>               default 7
  --backend <name>         tensorflow | wasm | cpu (default: the fastest installed)
`;

const VALUE_FLAGS = [
  'input',
  'synthetic',
  'obd',
  'items',
  'out',
  'epochs',
  'embedding-dim',
  'batch-size',
  'learning-rate',
  'l2',
  'holdout',
  'max-weight',
  'seed',
  'backend',
];

function loadRows(flags: Map<string, string>): { rows: TrainingRow[]; source: string } {
  const sources = ['input', 'synthetic', 'obd'].filter((f) => flags.has(f));
  if (sources.length !== 1) throw new UsageError('Give exactly one of --input <file>, --synthetic <slates> or --obd <log.csv> --items <item_context.csv>.');
  if (flags.has('synthetic')) {
    const n = numberFlag(flags, 'synthetic', (x) => Number.isInteger(x) && x >= 10, 'a whole number of slates, at least 10') as number;
    return { rows: syntheticImpressions({ impressions: n, seed: flags.get('seed') ?? 'synthetic-impressions' }).rows, source: `synthetic (${n} slates)` };
  }
  if (flags.has('obd')) {
    if (!flags.has('items')) throw new UsageError('--obd needs --items <item_context.csv> as well.');
    return {
      rows: banditDatasetToTrainingRows(readObd(flags.get('obd') as string, flags.get('items') as string)),
      source: basename(flags.get('obd') as string),
    };
  }
  const file = flags.get('input') as string;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read --input ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
  return { rows: parseTrainingRows(text, basename(file)), source: basename(file) };
}

// Exit codes: 0 when the model is written; 1 for bad input, with one line on stderr and nothing written.
export async function trainCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(TRAIN_USAGE);
    return 0;
  }
  let bar: SingleBar | null = null;
  try {
    const flags = parseFlags(args, VALUE_FLAGS, ['no-ipw']);
    const out = flags.get('out');
    if (!out) throw new UsageError('Missing --out <model.json>: where to write the exported model.');
    const backend = flags.get('backend');
    if (backend !== undefined && !['tensorflow', 'wasm', 'cpu'].includes(backend))
      throw new UsageError(`--backend must be tensorflow, wasm or cpu; got "${backend}".`);
    const int = (name: string) => numberFlag(flags, name, (x) => Number.isInteger(x) && x >= 1, 'a positive whole number');
    const positive = (name: string) => numberFlag(flags, name, (x) => x > 0, 'a positive number');
    const options = {
      epochs: int('epochs'),
      embeddingDim: int('embedding-dim'),
      batchSize: int('batch-size'),
      learningRate: positive('learning-rate'),
      l2: numberFlag(flags, 'l2', (x) => x >= 0, 'zero or a positive number'),
      holdoutFraction: numberFlag(flags, 'holdout', (x) => x > 0 && x < 1, 'a number between 0 and 1'),
      maxWeight: positive('max-weight'),
      seed: numberFlag(flags, 'seed', (x) => Number.isInteger(x), 'a whole number'),
      propensityWeighting: !flags.has('no-ipw'),
      backend: backend as BackendName | undefined,
    };
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    const { rows, source } = loadRows(flags);
    process.stdout.write(`Training on ${rows.length} rows from ${source}.\n`);

    bar = new SingleBar(
      { format: 'Training {bar} {percentage}% | epoch {epoch}/{epochs} | batch loss {loss}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
      Presets.shades_classic,
    );
    let started = false;
    const result = await trainRewardModel(rows, {
      ...defined,
      onProgress: (p) => {
        if (!started) {
          bar?.start(p.totalSteps, 0, { epoch: 1, epochs: p.epochs, loss: '-' });
          started = true;
        }
        bar?.update(p.step, { epoch: p.epoch, epochs: p.epochs, loss: p.loss.toFixed(4) });
      },
    });
    bar.stop();
    bar = null;

    const m = result.metrics;
    const w = result.model.training.window;
    process.stdout.write(
      [
        '',
        `Backend ${result.backend}${result.backend === 'tensorflow' ? '' : ' (npm i @tensorflow/tfjs-node for the native backend)'}; trained in ${(result.trainingMs / 1000).toFixed(1)} s.`,
        `Train   ${w.train.rows} rows, ${w.train.from} to ${w.train.to}: log loss ${m.train.logLoss.toFixed(4)}`,
        `Holdout ${w.holdout.rows} rows, ${w.holdout.from} to ${w.holdout.to}: AUC ${m.holdout.auc.toFixed(4)}, log loss ${m.holdout.logLoss.toFixed(4)} (constant predictor ${m.holdout.baselineLogLoss.toFixed(4)})`,
        '',
      ].join('\n'),
    );
    mkdirSync(dirname(out), { recursive: true });
    writeAtomic(out, JSON.stringify(result.model) + '\n');
    process.stdout.write(`Wrote ${out}.\n`);
    return 0;
  } catch (e) {
    bar?.stop();
    if (e instanceof UsageError || isTrainingInputError(e) || isOpeInputError(e)) {
      process.stderr.write(`marquee train: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 1;
    }
    throw e;
  }
}
