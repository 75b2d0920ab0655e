import { Args, Field, ID, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Connection, GraphQLJSON, DateTimeScalar } from '@marquee/platform-api';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { AuditLogQuery, MAX_AUDIT_FILTER_CHARS } from './audit-log.query';

@ObjectType('AuditEntry')
class AuditEntryGql {
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
  @Field(() => String, { nullable: true, description: `Exact entity type, e.g. "item". At most ${MAX_AUDIT_FILTER_CHARS} characters.` })
  entityType?: string | null;
  @Field(() => String, { nullable: true, description: `Exact entity id. At most ${MAX_AUDIT_FILTER_CHARS} characters.` }) entityId?: string | null;
  @Field(() => String, { nullable: true, description: `Exact actor id. At most ${MAX_AUDIT_FILTER_CHARS} characters.` }) actorId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: `Exact action, or a prefix ending in "." such as "release." ("%" and "_" match only themselves). At most ${MAX_AUDIT_FILTER_CHARS} characters.`,
  })
  action?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) to?: Date | null;
  @Field(() => String, {
    nullable: true,
    description: `Text in the summary, matched as written, case-insensitively. At most ${MAX_AUDIT_FILTER_CHARS} characters; a longer one is refused with BAD_USER_INPUT.`,
  })
  text?: string | null;
}

@Resolver()
export class AuditResolver {
  constructor(private readonly log: AuditLogQuery) {}

  @Query(() => AuditConnection, {
    description: 'The append-only audit log, newest first. Webhook URLs are shown (and searched) cut to their host for everyone but admins.',
  })
  @Allow(...Who.staff)
  auditLog(
    @CurrentPrincipal() p: Principal,
    @Args('filter', { type: () => AuditFilter, nullable: true }) filter?: AuditFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<AuditConnection> {
    // Webhook endpoints are an admin read (their URLs carry receivers' secrets): so are the URLs in their entries.
    return this.log.page(filter, first, after, { admin: p.kind === 'user' && p.role === 'admin' });
  }
}
