import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@marquee/platform-core';
import { HeartbeatEntity } from '../entities/heartbeat.entity';
import { ReleaseEntity } from '../entities/release.entity';

export interface SchedulerHealth {
  upcoming: ReleaseEntity[];
  late: ReleaseEntity[];
  failed: ReleaseEntity[];
  recentLaunches: ReleaseEntity[];
  latenessP50Ms: number | null;
  latenessP95Ms: number | null;
  latenessMaxMs: number | null;
  lastReconcileAt: Date | null;
  reconcilerHealthy: boolean;
}

/** Late means still scheduled this long after its instant; a healthy scheduler launches within ~2 s. */
const LATE_AFTER_MS = 5000;

@Injectable()
export class SchedulerHealthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async health(reconcileIntervalMs: number): Promise<SchedulerHealth> {
    const now = this.clock.now();
    const repo = this.db.getRepository(ReleaseEntity);
    const upcoming = await repo.createQueryBuilder('r').where(`r.status = 'scheduled'`).orderBy('r.scheduled_at', 'ASC').limit(100).getMany();
    const late = upcoming.filter((r) => r.scheduledAt && now.getTime() - r.scheduledAt.getTime() > LATE_AFTER_MS);
    const failed = await repo.createQueryBuilder('r').where(`r.status = 'failed'`).orderBy('r.failed_at', 'DESC').limit(50).getMany();
    const recentLaunches = await repo.createQueryBuilder('r').where('r.launched_at IS NOT NULL').orderBy('r.launched_at', 'DESC').limit(50).getMany();
    const [stats] = await this.db.query(
      `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY lateness_ms) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY lateness_ms) AS p95, max(lateness_ms) AS max
         FROM releases WHERE launched_at > now() - interval '30 days' AND lateness_ms IS NOT NULL`,
    );
    const hb = await this.db.getRepository(HeartbeatEntity).findOne({ where: { name: 'reconcile-launches' } });
    return {
      upcoming: upcoming.filter((r) => !late.includes(r)),
      late,
      failed,
      recentLaunches,
      latenessP50Ms: stats.p50 ?? null,
      latenessP95Ms: stats.p95 ?? null,
      latenessMaxMs: stats.max ?? null,
      lastReconcileAt: hb?.at ?? null,
      reconcilerHealthy: !!hb && now.getTime() - hb.at.getTime() < reconcileIntervalMs * 3 + 5000,
    };
  }
}
