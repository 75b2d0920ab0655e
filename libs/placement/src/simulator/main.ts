/**
 * `npm run simulate`: runs the placement simulator and prints a table; writes bench/results/simulator.json.
 * Flags: --days N, --seed N, --users N, --world segments|latent, --no-collab, --no-references, --quiet.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport } from './report';
import { runSimulation, SimulationOptions } from './simulate';
import { LATENT_WORLD } from './world';

function parseArgs(argv: string[]): Partial<SimulationOptions> & { quiet: boolean } {
  const out: Partial<SimulationOptions> & { quiet: boolean } = { quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.split('=');
    const value = () => {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got "${raw}". Example: --days 14`);
      return n;
    };
    if (flag === '--days') out.days = value();
    else if (flag === '--seed') out.seed = value();
    else if (flag === '--users') out.users = value();
    else if (flag === '--quiet') out.quiet = true;
    else if (flag === '--no-references') out.references = false;
    else if (flag === '--no-collab') out.collab = false;
    else if (flag === '--world') {
      const w = inline ?? argv[++i];
      if (w === 'latent') out.latent = LATENT_WORLD;
      else if (w !== 'segments') throw new Error(`--world needs "segments" or "latent", got "${w}".`);
    } else throw new Error(`Unknown flag "${a}". Use --days N, --seed N, --users N, --world segments|latent, --no-collab, --no-references or --quiet.`);
  }
  return out;
}

function main(): void {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const { quiet, ...options } = args;
  const result = runSimulation({ ...options, onProgress: quiet ? undefined : (m) => console.error(m) });
  console.log(formatReport(result));
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'simulator.json');
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`\nwritten to ${file}`);
}

main();
