import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize } from '@marquee/platform-api';
import { InputError } from '@marquee/platform-core';
import { AuditEntryEntity } from './audit-entry.entity';

/** What `auditLog` may filter on; every field is optional and they combine with AND. */
export interface AuditLogFilter {
  entityType?: string | null;
  entityId?: string | null;
  actorId?: string | null;
  /** Exact action, or a prefix ending in "." such as "release." */
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
  /** Words in the summary. */
  text?: string | null;
}

export interface AuditLogPage {
  edges: { node: AuditEntryEntity; cursor: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** The audit log's one read: a filtered page, newest first, with a keyset cursor on the (monotonic) id. */
@Injectable()
export class AuditLogQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(filter: AuditLogFilter | null | undefined, first?: number | null, after?: string | null): Promise<AuditLogPage> {
    const limit = pageSize(first, 50, 200);
    const qb = this.db.getRepository(AuditEntryEntity).createQueryBuilder('a');
    const f = filter ?? {};
    if (f.from && f.to && f.from > f.to) throw new InputError('"from" is after "to".', [{ field: 'filter.from', message: 'is after to' }]);
    if (f.entityType) qb.andWhere('a.entity_type = :et', { et: f.entityType });
    if (f.entityId) qb.andWhere('a.entity_id = :eid', { eid: f.entityId });
    if (f.actorId) qb.andWhere('a.actor_id = :aid', { aid: f.actorId });
    if (f.action?.endsWith('.')) qb.andWhere('a.action LIKE :ap', { ap: `${f.action}%` });
    else if (f.action) qb.andWhere('a.action = :ac', { ac: f.action });
    if (f.from) qb.andWhere('a.at >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.at < :to', { to: f.to });
    if (f.text) qb.andWhere('a.summary ILIKE :t', { t: `%${f.text.replace(/[%_\\]/g, (c) => '\\' + c)}%` });
    const totalCount = await qb.clone().getCount();
    if (after) {
      const [id] = decodeCursor(after, ['bigint']);
      qb.andWhere('a.id < :cursor', { cursor: id });
    }
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return {
      edges: page.map((node) => ({ node, cursor: encodeCursor([node.id]) })),
      pageInfo: { hasNextPage: rows.length > limit, endCursor: page.length ? encodeCursor([page[page.length - 1].id]) : null },
      totalCount,
    };
  }
}
