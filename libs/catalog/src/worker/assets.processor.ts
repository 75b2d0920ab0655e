import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { CheckItemAssetsPayload, JobName, QueueName } from '@marquee/platform-queue';
import { AssetService } from '../assets/asset.service';
import { CatalogService } from '../services/catalog.service';
import { Clock } from '@marquee/platform-core';
import { redactUrlCredentials } from '@marquee/platform-outbound';

@Processor(QueueName.Assets, { concurrency: 8 })
export class AssetsProcessor extends WorkerHost {
  private readonly logger = new Logger('AssetCheck');

  constructor(
    private readonly assets: AssetService,
    private readonly catalog: CatalogService,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.CheckItemAssets: {
        const { versionId } = job.data as CheckItemAssetsPayload;
        const version = await this.catalog.getVersionById(versionId);
        if (!version) return { skipped: 'version not found' };
        const results = await this.assets.checkFields(version.fields);
        const bad = results.filter((r) => r.status !== 'ok');
        const attempts = job.opts.attempts ?? 1;
        if (bad.length && job.attemptsMade + 1 < attempts) {
          // A CDN blip or a server still starting should not mark media broken for a day: try again with backoff.
          throw new Error(`${bad.length} asset(s) unreachable on attempt ${job.attemptsMade + 1} of ${attempts}; retrying.`);
        }
        // URLs saved before user:password parts were refused may still carry one: it never reaches the log.
        if (bad.length)
          this.logger.warn(
            redactUrlCredentials(
              `"${version.fields.slug}" v${version.number}: ${bad.length} unreachable asset(s): ${bad.map((b) => `${b.role} ${b.url} (${b.error})`).join('; ')}`,
            ),
          );
        return { checked: results.length, unreachable: bad.length };
      }
      case JobName.SweepAssets: {
        const stale = await this.assets.staleItemVersions(new Date(this.clock.nowMs() - 24 * 3600 * 1000));
        for (const s of stale) {
          const v = await this.catalog.getVersionById(s.versionId);
          if (v) await this.assets.checkFields(v.fields);
        }
        return { rechecked: stale.length };
      }
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Assets}. Add a case to AssetsProcessor.process.`);
    }
  }
}
