import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CheckItemAssetsPayload, JobName, QueueName, RunImportPayload, jobIds } from '@marquee/platform-queue';
import { ItemFields } from '../domain/item-fields';
import { AssetService } from '../assets/asset.service';
import { CatalogHooks } from './item-events';
import { Clock } from '@marquee/platform-core';

/** Queues the catalogue's background work. Postgres stays the truth: a lost job is redone by the worker's sweep. */
@Injectable()
export class CatalogJobs implements CatalogHooks {
  private readonly logger = new Logger('CatalogJobs');

  constructor(
    @InjectQueue(QueueName.Assets) private readonly assetsQueue: Queue<CheckItemAssetsPayload>,
    @InjectQueue(QueueName.Imports) private readonly importsQueue: Queue<RunImportPayload>,
    private readonly assets: AssetService,
    @Inject(Clock) private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async afterVersionSaved(itemId: string, versionId: string, fields: ItemFields): Promise<void> {
    await this.assets.markPending(fields);
    await this.assetsQueue.add(
      JobName.CheckItemAssets,
      { itemId, versionId },
      { jobId: `${jobIds.checkItemAssets(versionId)}_${this.clock.nowMs()}`, attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
    );
  }

  async runImport(importId: string): Promise<boolean> {
    try {
      await this.importsQueue.add(JobName.RunImport, { importId }, { jobId: jobIds.runImport(importId), ...IMPORT_JOB_OPTIONS });
      return true;
    } catch (e) {
      this.logger.warn(
        `Import ${importId} is stored but could not be queued (${(e as Error).message}); the worker's import sweep queues it when Redis is back.`,
      );
      return false;
    }
  }

  /**
   * Makes sure every unfinished import (queued or running in PostgreSQL) has a live job, the way the launch reconciler
   * does for scheduled releases. An import's job can be lost (a Redis flush, an upload while Redis was down) or end
   * while the import is still unfinished: if PostgreSQL is gone for longer than the job's tries, the last try cannot
   * record the failure either, and the finished job's id would block a plain re-queue for as long as Redis keeps it.
   * Such an import is queued again and resumes after its last recorded row. Imports run by the CLI are not the
   * worker's and are left alone. Returns the imports it re-queued.
   */
  async resumeImports(): Promise<{ importId: string; reason: string }[]> {
    const unfinished: { id: string; filename: string }[] = await this.db.query(
      // The CLI runs its imports itself, in its own process: never the worker's.
      `SELECT id, filename FROM import_jobs WHERE status IN ('queued', 'running') AND source <> 'cli' ORDER BY created_at`,
    );
    const resumed: { importId: string; reason: string }[] = [];
    for (const { id, filename } of unfinished) {
      const job = await this.importsQueue.getJob(jobIds.runImport(id));
      const state = job ? await job.getState() : 'missing';
      if (LIVE_JOB_STATES.has(state)) continue;
      if (job) await job.remove().catch(() => undefined);
      if (await this.runImport(id)) {
        const reason = state === 'missing' ? 'its job was missing from Redis' : `its job had ended (${state}) while the import was unfinished`;
        resumed.push({ importId: id, reason });
        this.logger.warn(`Re-queued import ${id} (${filename}): ${reason}. It resumes after its last recorded row.`);
      }
    }
    return resumed;
  }
}

const IMPORT_JOB_OPTIONS = { attempts: 3, backoff: { type: 'exponential' as const, delay: 1000 } };

/** Job states in which the job will still run (or is running): the sweep leaves those alone. */
const LIVE_JOB_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);
