import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { SYSTEM_ACTOR } from '@marquee/audit';
import { ImportService } from '@marquee/catalog';
import { AppConfig } from '@marquee/platform-config';
import { isDomainError } from '@marquee/platform-core';
import { CliModule } from '../cli.module';

/** `marquee import <file>`: the same row-by-row import as the Studio, run in this process with a progress bar. */
export async function importCommand(config: AppConfig, file: string | undefined): Promise<number> {
  if (!file) {
    process.stderr.write('Usage: npm run marquee -- import <file.csv|file.jsonl>\n');
    return 2;
  }
  let content: string;
  try {
    if (statSync(file).size > config.importMaxBytes) {
      process.stderr.write(`${file} is larger than IMPORT_MAX_BYTES (${config.importMaxBytes} bytes). Split it, or raise IMPORT_MAX_BYTES.\n`);
      return 1;
    }
    content = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`Cannot read ${file}: ${(e as Error).message}. Check the path.\n`);
    return 1;
  }
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'] });
  try {
    const imports = app.get(ImportService);
    const actor = SYSTEM_ACTOR('cli');
    let job;
    try {
      job = await imports.create(actor, basename(file), content, 'cli');
    } catch (e) {
      if (isDomainError(e)) {
        process.stderr.write(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const bar = new SingleBar(
      { format: 'Importing {bar} {percentage}% | {value}/{total} rows | {failed} with errors', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
      Presets.shades_classic,
    );
    bar.start(job.totalRows, 0, { failed: 0 });
    const result = await imports.run(job.id, actor, (p) => bar.update(p.processed, { failed: p.failed }));
    bar.stop();
    process.stdout.write(
      `\n${result.createdItems} created, ${result.updatedItems} updated, ${result.unchangedItems} unchanged, ${result.failedRows} rows with errors (import ${result.id}).\n`,
    );
    for (const err of result.errors) {
      process.stdout.write(`  line ${err.row}${err.slug ? ` (${err.slug})` : ''}: ${err.problems.map((p) => `${p.field} ${p.message}`).join('; ')}\n`);
    }
    if (result.failedRows)
      process.stdout.write(
        'Rows with errors wrote nothing. Fix them and import the file again: rows that succeeded and have not changed since write nothing.\n',
      );
    return result.failedRows ? 1 : 0;
  } finally {
    await app.close();
  }
}
