import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { PartitionService } from '@marquee/events';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { JobName, QueueName } from '@marquee/platform-queue';
import { EngineStore } from '../runtime/engine-store';
import { LearnerService } from './learner.service';

@Processor(QueueName.Learning, { concurrency: 1 })
export class LearningProcessor extends WorkerHost {
  private readonly logger = new Logger('Learner');

  constructor(
    private readonly learner: LearnerService,
    private readonly partitions: PartitionService,
    private readonly store: EngineStore,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.Learn: {
        // One job per tick of the "learn" scheduler (id repeat:learn:<instant>), taken by one worker; a run that finds
        // another still holding the advisory lock skips. The stored result names the worker, so runs can be counted.
        const r = await this.learner.step();
        return r ? { ...r, worker: process.pid } : { skipped: 'another worker holds the learner lock', worker: process.pid };
      }
      case JobName.Maintain: {
        const partitions = await this.partitions.ensure(1, 7);
        const pruned = await this.store.prune(this.config.snapshotRetentionHours);
        // Event ids are kept long enough to catch any realistic resend; older duplicates would be counted twice.
        const ids = await this.db.query(`DELETE FROM engagement_event_ids WHERE received_at < now() - interval '30 days'`);
        return { partitions, pruned, eventIdsPruned: ids[1] ?? 0 };
      }
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Learning}. Add a case to LearningProcessor.process.`);
    }
  }
}
