import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, QueueName, jobIds } from '@marquee/platform-queue';
import { ReleaseEntity } from '../entities/release.entity';
import { ReleaseEventEntity } from '../entities/release-event.entity';
import { Clock } from '@marquee/platform-core';

export interface LaunchJobPayload {
  releaseId: string;
  revision: number;
}

const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** A superseded job due later than this is removed from Redis (discard); one due sooner is left to run as a no-op. */
const DISCARD_AHEAD_MS = 60_000;

/**
 * Delayed BullMQ jobs trigger launches at their instant. Postgres stays the truth: `reconcile` re-creates any job
 * that Redis lost (a flush, a restart without persistence) from the releases table.
 */
@Injectable()
export class LaunchJobs {
  private readonly logger = new Logger('Scheduler');

  constructor(
    @InjectQueue(QueueName.Launches) private readonly queue: Queue<LaunchJobPayload>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async enqueue(release: Pick<ReleaseEntity, 'id' | 'scheduleRevision' | 'scheduledAt'>): Promise<boolean> {
    const now = this.clock.nowMs();
    const delay = Math.max(0, (release.scheduledAt?.getTime() ?? now) - now);
    try {
      await this.queue.add(
        JobName.LaunchRelease,
        { releaseId: release.id, revision: release.scheduleRevision },
        { ...JOB_OPTIONS, jobId: jobIds.launchRelease(release.id, release.scheduleRevision), delay },
      );
      return true;
    } catch (e) {
      this.logger.warn(
        `Release ${release.id} is scheduled in PostgreSQL but its job could not be queued (${(e as Error).message}). The reconciler will queue it when Redis answers.`,
      );
      return false;
    }
  }

  /**
   * Takes the queued job of a superseded schedule revision (rescheduled, unscheduled, cancelled, or launched now) out of
   * Redis when it was due more than a minute ahead. It would do nothing when due, since the processor checks the
   * revision; without this it waited there until its instant, weeks ahead for a release scheduled far out. A job due
   * now or within the minute is left to run: it ends at once, and a "launch now" job's run is what records the
   * `launch_dropped` event when a cancel overtook it. Best effort and not awaited by the caller: the change is already
   * committed in PostgreSQL.
   */
  discard(releaseId: string, revision: number, dueAt: Date | null): void {
    if (!dueAt || dueAt.getTime() - this.clock.nowMs() <= DISCARD_AHEAD_MS) return;
    this.queue
      .remove(jobIds.launchRelease(releaseId, revision))
      .catch((e: Error) =>
        this.logger.warn(
          `The superseded launch job of release ${releaseId} (revision ${revision}) could not be removed from Redis (${e.message}). It does nothing when due; no action is needed.`,
        ),
      );
  }

  /** Makes sure every scheduled release has a live job for its current revision. Returns the releases it re-queued. */
  async reconcile(): Promise<{ releaseId: string; reason: string }[]> {
    const scheduled = await this.db.getRepository(ReleaseEntity).find({ where: { status: 'scheduled' } });
    const fixed: { releaseId: string; reason: string }[] = [];
    for (const r of scheduled) {
      const id = jobIds.launchRelease(r.id, r.scheduleRevision);
      const job = await this.queue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized' || state === 'waiting-children') continue;
      // Missing (Redis lost it), or finished while the release is still scheduled: queue it again.
      if (job) await job.remove().catch(() => undefined);
      if (await this.enqueue(r)) {
        const reason = state === 'missing' ? 'its job was missing from Redis' : `its job had ended (${state}) while the release was still scheduled`;
        fixed.push({ releaseId: r.id, reason });
        await this.db
          .getRepository(ReleaseEventEntity)
          .insert({ releaseId: r.id, kind: 'reconciled', message: `Re-queued the launch: ${reason}.`, details: { revision: r.scheduleRevision } });
        this.logger.warn(`Re-queued the launch of release "${r.name}" (${r.id}): ${reason}.`);
      }
    }
    return fixed;
  }
}
