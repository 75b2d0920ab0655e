import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
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
  ) {}

  async afterVersionSaved(itemId: string, versionId: string, fields: ItemFields): Promise<void> {
    await this.assets.markPending(fields);
    await this.assetsQueue.add(
      JobName.CheckItemAssets,
      { itemId, versionId },
      { jobId: `${jobIds.checkItemAssets(versionId)}_${this.clock.nowMs()}`, attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
    );
  }

  async runImport(importId: string): Promise<void> {
    try {
      await this.importsQueue.add(
        JobName.RunImport,
        { importId },
        { jobId: jobIds.runImport(importId), attempts: 3, backoff: { type: 'exponential', delay: 1000 } },
      );
    } catch (e) {
      this.logger.warn(
        `Import ${importId} is stored but could not be queued (${(e as Error).message}); the worker picks up queued imports when Redis is back.`,
      );
    }
  }
}
