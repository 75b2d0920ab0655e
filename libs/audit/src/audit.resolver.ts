import { Args, Field, ID, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Connection, GraphQLJSON, decodeCursor, encodeCursor, pageSize, DateTimeScalar } from '@marquee/platform-api';
import { Allow, Who } from '@marquee/platform-auth';
import { InputError } from '@marquee/platform-core';
import { AuditEntryEntity } from './audit-entry.entity';

@ObjectType('AuditEntry')
export class AuditEntryGql {
  @Field(() => ID) id: string;
  @Field(() => DateTimeScalar) at: Date;
  @Field(() => String, { nullable: true }) actorId: string | null;
  @Field() actorLabel: string;
  @Field() action: string;
  @Field() entityType: string;
  @Field() entityId: string;
  @Field(() => GraphQLJSON, { nullable: true }) before: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after: unknown;
  @Field(() => String, { nullable: true }) requestId: string | null;
  @Field(() => String, { nullable: true }) summary: string | null;
}

@ObjectType()
export class AuditConnection extends Connection(AuditEntryGql, 'AuditEntry') {}

@InputType()
export class AuditFilter {
  @Field(() => String, { nullable: true }) entityType?: string | null;
  @Field(() => String, { nullable: true }) entityId?: string | null;
  @Field(() => String, { nullable: true }) actorId?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact action, or a prefix ending in "." such as "release."' }) action?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) to?: Date | null;
  @Field(() => String, { nullable: true, description: 'Words in the summary.' }) text?: string | null;
}

@Resolver()
export class AuditResolver {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Query(() => AuditConnection, { description: 'The append-only audit log, newest first.' })
  @Allow(...Who.staff)
  async auditLog(
    @Args('filter', { type: () => AuditFilter, nullable: true }) filter?: AuditFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<AuditConnection> {
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
      const [id] = decodeCursor(after, 1) as [string];
      qb.andWhere('a.id < :cursor', { cursor: id });
    }
    const rows = await qb.orderBy('a.id', 'DESC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    return {
      edges: page.map((node) => ({ node, cursor: encodeCursor([node.id]) })),
      pageInfo: { hasNextPage: rows.length > limit, endCursor: page.length ? encodeCursor([page[page.length - 1].id]) : null },
      totalCount,
    };
  }
}
