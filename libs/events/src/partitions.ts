import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Day-partitioned tables. Their partitions are created ahead by the worker; a default partition catches strays. */
const DAILY_PARTITIONED = ['engagement_events', 'placements'];

@Injectable()
export class PartitionService {
  private readonly logger = new Logger('Partitions');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates the daily partitions from `daysBack` ago to `daysAhead` ahead (idempotent). */
  async ensure(daysBack = 1, daysAhead = 7): Promise<number> {
    let created = 0;
    for (const table of DAILY_PARTITIONED) {
      const [{ n }] = await this.db.query(`SELECT marquee_ensure_daily_partitions($1, $2, $3) AS n`, [table, daysBack, daysAhead]);
      created += n;
    }
    if (created) this.logger.log(`Created ${created} daily partition(s).`);
    return created;
  }
}
