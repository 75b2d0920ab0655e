import type { EventEmitter } from 'node:events';
import type { Queue } from 'bullmq';
import { JobName, QueueName } from './queues';

/** One repeatable job: which queue, its scheduler id, how often, and the job it adds. */
export interface ScheduleSpec {
  queue: QueueName;
  id: string;
  repeat: { every: number } | { pattern: string };
  job: JobName;
}

export type SchedulerQueue = Pick<Queue, 'getJobScheduler' | 'upsertJobScheduler'>;

interface KeeperLog {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Job schedulers live only in Redis. A FLUSHALL, a failover to an empty replica or an eviction removes them, and the
 * repeatable job that would notice is gone with them. So the keeper runs from an in-process timer and on every
 * Redis reconnect, and re-creates only the schedulers that are missing; existing ones keep their next run.
 */
export class SchedulerKeeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string[]> | null = null;
  private disconnected = false;
  private detach: (() => void) | null = null;

  constructor(
    private readonly queues: Record<QueueName, SchedulerQueue>,
    private readonly specs: ScheduleSpec[],
    private readonly logger: KeeperLog,
  ) {}

  /** At start-up: creates or updates every scheduler, so a changed interval takes effect. */
  async upsertAll(): Promise<void> {
    for (const s of this.specs) await this.upsert(s);
  }

  /** Re-creates the schedulers missing from Redis and returns their ids. Runs one at a time; a call during a run joins it. */
  healMissing(why: string): Promise<string[]> {
    if (!this.running) {
      this.running = this.heal(why).finally(() => (this.running = null));
    }
    return this.running;
  }

  /** Checks every `intervalMs`, and whenever `redis` is ready again after losing its connection. */
  watch(redis: EventEmitter, intervalMs: number): void {
    this.stop();
    const onLost = () => (this.disconnected = true);
    const onReady = () => {
      if (!this.disconnected) return;
      this.disconnected = false;
      void this.healMissing('Redis reconnected').catch(() => undefined);
    };
    redis.on('close', onLost);
    redis.on('end', onLost);
    redis.on('ready', onReady);
    this.detach = () => {
      redis.off('close', onLost);
      redis.off('end', onLost);
      redis.off('ready', onReady);
    };
    this.timer = setInterval(() => void this.healMissing('periodic check').catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.detach?.();
    this.detach = null;
  }

  private async heal(why: string): Promise<string[]> {
    const missing: ScheduleSpec[] = [];
    try {
      for (const s of this.specs) {
        if (!(await this.queues[s.queue].getJobScheduler(s.id))) missing.push(s);
      }
      for (const s of missing) await this.upsert(s);
    } catch (e) {
      this.logger.warn(
        `Could not check the job schedulers (${why}): ${(e as Error).message.replace(/\.$/, '')}. Trying again at the next check; Redis may be down.`,
      );
      return [];
    }
    if (missing.length) {
      this.logger.warn(
        `Job scheduler(s) ${missing.map((s) => s.id).join(', ')} were missing from Redis (${why}); re-created them. ` +
          'Redis lost its data (a flush, a failover or an eviction); PostgreSQL holds the truth, and the reconciler re-queues due launches now.',
      );
    }
    return missing.map((s) => s.id);
  }

  private async upsert(s: ScheduleSpec): Promise<void> {
    await this.queues[s.queue].upsertJobScheduler(s.id, s.repeat, { name: s.job });
  }
}
