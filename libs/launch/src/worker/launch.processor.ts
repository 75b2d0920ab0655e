import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, QueueName } from '@marquee/platform-queue';
import { HeartbeatEntity } from '../entities/heartbeat.entity';
import { LaunchExecutor } from '../services/launch-executor';
import { LaunchJobPayload, LaunchJobs } from '../services/launch-jobs';
import { Clock } from '@marquee/platform-core';

/**
 * A short lock: if a worker dies mid-launch, another worker takes the job over within the lock plus one stalled check
 * (at most 7.5 s) instead of the default 30 s, inside the promise of a launch ≤ 10 s after recovery; the launch
 * transaction it finds rolled back starts again from the top. With 10 s + 5 s the abuse suite measured 10.0 s. A live
 * worker renews its lock every 2.5 s, and a launch that did complete is skipped if it is ever handed out twice.
 */
@Processor(QueueName.Launches, { concurrency: 4, lockDuration: 5000, stalledInterval: 2500, maxStalledCount: 3 })
export class LaunchProcessor extends WorkerHost {
  private readonly logger = new Logger('Scheduler');

  constructor(
    private readonly executor: LaunchExecutor,
    private readonly jobs: LaunchJobs,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    switch (job.name) {
      case JobName.LaunchRelease: {
        const { releaseId, revision } = job.data as LaunchJobPayload;
        const result = await this.executor.execute(releaseId, revision);
        if (result.outcome === 'wait') {
          // Delivered early (clock skew, a manual retry): put it back until the instant. Never launch early.
          await job.moveToDelayed(this.clock.nowMs() + result.delayMs, token);
          throw new DelayedError();
        }
        if (result.outcome === 'skipped') this.logger.log(`Launch job for release ${releaseId} (revision ${revision}) did nothing: ${result.reason}.`);
        return result;
      }
      case JobName.ReconcileLaunches: {
        const fixed = await this.jobs.reconcile();
        await this.db
          .getRepository(HeartbeatEntity)
          .upsert({ name: 'reconcile-launches', at: this.clock.now(), details: { requeued: fixed.length } }, ['name']);
        return { requeued: fixed };
      }
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Launches}. Add a case to LaunchProcessor.process.`);
    }
  }
}
