import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { SYSTEM_ACTOR } from '@marquee/audit';
import { JobName, QueueName, RunImportPayload } from '@marquee/platform-queue';
import { ImportService } from '../import/import.service';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserEntity } from '@marquee/platform-auth';
import { CatalogJobs } from '../services/catalog-jobs';

@Processor(QueueName.Imports, { concurrency: 1 })
export class ImportsProcessor extends WorkerHost {
  private readonly logger = new Logger('Import');

  constructor(
    private readonly imports: ImportService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: CatalogJobs,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === JobName.SweepImports) return { resumed: await this.jobs.resumeImports() };
    if (job.name !== JobName.RunImport) {
      throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Imports}. Add a case to ImportsProcessor.process.`);
    }
    const { importId } = job.data as RunImportPayload;
    const record = await this.imports.get(importId);
    // Rows are written on behalf of whoever uploaded the file, so versions and audit entries name them.
    const user = record.createdBy ? await this.db.getRepository(UserEntity).findOne({ where: { id: record.createdBy } }) : null;
    const actor = user ? { id: user.id, label: user.email } : SYSTEM_ACTOR('import');
    let lastReported = 0;
    let result;
    try {
      result = await this.imports.run(importId, actor, (p) => {
        const pct = Math.floor((p.processed / Math.max(1, p.total)) * 100);
        if (pct !== lastReported) {
          lastReported = pct;
          void job.updateProgress(pct);
        }
      });
    } catch (e) {
      // After the last try the import must not stay "running" (and be re-queued at every worker start): say it failed.
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        const what = String((e as Error).message ?? e)
          .split('\u0000')
          .join('')
          .slice(0, 300);
        await this.imports.markFailed(
          importId,
          `The import stopped on an unexpected error after ${attempts} tries (${what}). Rows before it were imported; the worker log has the details. Fix the file and upload it again.`,
        );
        this.logger.error(
          `Import ${importId} failed after ${attempts} tries and is marked failed: ${what}. Look at the worker log above for the row and the query.`,
        );
      }
      throw e;
    }
    return { status: result.status, created: result.createdItems, updated: result.updatedItems, unchanged: result.unchangedItems, failed: result.failedRows };
  }
}
