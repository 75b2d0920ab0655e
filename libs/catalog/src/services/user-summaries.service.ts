import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { rowByKey } from '@marquee/platform-api';
import { UserEntity } from '@marquee/platform-auth';
import type { UserSummary } from '../graphql/item.types';

/** Names of the people behind versions, releases and reviews, read in one query per batch of ids. */
@Injectable()
export class UserSummaryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The summary for each id, in the ids' order (null for an unknown user). */
  async summariesInOrder(ids: readonly string[]): Promise<(UserSummary | null)[]> {
    const wanted = [...new Set(ids)];
    const rows = await this.db.getRepository(UserEntity).find({ where: { id: In(wanted) }, select: { id: true, displayName: true, email: true } });
    return rowByKey(ids, rows, (u) => u.id);
  }
}
