import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize } from '@marquee/platform-api';
import { FieldProblem, InputError, unstorableText } from '@marquee/platform-core';
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

/**
 * The longest value of any text filter, as for the items search's text: a longer one is refused. An uncapped `text`
 * made one `ILIKE` scan the summaries for a 409 KB pattern for 10 s, and any staff role (analysts too) may ask.
 */
export const MAX_AUDIT_FILTER_CHARS = 200;

const TEXT_FILTERS = ['entityType', 'entityId', 'actorId', 'action', 'text'] as const;

/** `s` with LIKE's wildcards (`%`, `_`) and its escape character (the backslash) escaped, so it matches only itself. */
export function escapeLike(s: string): string {
  return s.replace(/[%_\\]/g, (c) => '\\' + c);
}

/** What is wrong with the text filters of `f`, one problem per field (empty when nothing is). */
export function auditFilterProblems(f: AuditLogFilter): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of TEXT_FILTERS) {
    const v = f[field];
    if (typeof v !== 'string') continue;
    if (v.length > MAX_AUDIT_FILTER_CHARS)
      problems.push({ field: `filter.${field}`, message: `is longer than ${MAX_AUDIT_FILTER_CHARS} characters (it has ${v.length})` });
    else {
      const bad = unstorableText(v);
      if (bad) problems.push({ field: `filter.${field}`, message: `contains ${bad}` });
    }
  }
  return problems;
}

/**
 * Entity types whose entries hold URLs that only admins may read: a webhook endpoint's URL often carries its receiver's
 * secret in the path or query (https://hooks.slack.com/services/T…/B…/<token>, ?token=…), which is why the endpoints
 * themselves are an admin read.
 */
const SECRET_URL_ENTITIES = ['webhook_endpoint'];
const URL_TAIL = /(https?:\/\/[^/?#\s]*)[^\s"]*/gi;
/** The same redaction in SQL, for the summary search: a search must not find what the answer would not show. */
const SQL_REDACTED_SUMMARY = `CASE WHEN a.entity_type IN (${SECRET_URL_ENTITIES.map((t) => `'${t}'`).join(', ')}) THEN regexp_replace(a.summary, '(https?://[^/?#\\s]*)[^\\s"]*', '\\1/…', 'gi') ELSE a.summary END`;

/** A text with every URL cut to its scheme and host: "https://hooks.example.com/…". */
export function redactUrlTails(text: string): string {
  return text.replace(URL_TAIL, '$1/…');
}

function redactDeep(v: unknown): unknown {
  if (typeof v === 'string') return redactUrlTails(v);
  if (Array.isArray(v)) return v.map(redactDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x)]));
  return v;
}

/** The entry as a reader who is not an admin sees it: webhook URLs cut to their host, in the summary and the values. */
function redactedForStaff(e: AuditEntryEntity): AuditEntryEntity {
  if (!SECRET_URL_ENTITIES.includes(e.entityType)) return e;
  return { ...e, summary: e.summary === null ? null : redactUrlTails(e.summary), before: redactDeep(e.before), after: redactDeep(e.after) } as AuditEntryEntity;
}

/** The audit log's one read: a filtered page, newest first, with a keyset cursor on the (monotonic) id. */
@Injectable()
export class AuditLogQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `o.admin` false: for a reader who is not an admin, webhook URLs are cut to their host (and searched so). */
  async page(
    filter: AuditLogFilter | null | undefined,
    first?: number | null,
    after?: string | null,
    o: { admin: boolean } = { admin: false },
  ): Promise<AuditLogPage> {
    const limit = pageSize(first, 50, 200);
    const qb = this.db.getRepository(AuditEntryEntity).createQueryBuilder('a');
    const f = filter ?? {};
    const problems = auditFilterProblems(f);
    if (problems.length)
      throw new InputError(
        `The audit log was not searched: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}. Each text filter is at most ${MAX_AUDIT_FILTER_CHARS} characters; search for a few words of the summary.`,
        problems,
      );
    if (f.from && f.to && f.from > f.to) throw new InputError('"from" is after "to".', [{ field: 'filter.from', message: 'is after to' }]);
    if (f.entityType) qb.andWhere('a.entity_type = :et', { et: f.entityType });
    if (f.entityId) qb.andWhere('a.entity_id = :eid', { eid: f.entityId });
    if (f.actorId) qb.andWhere('a.actor_id = :aid', { aid: f.actorId });
    // A prefix matches only itself: "%." or "_tem." matched every entry or every item.* one before it was escaped.
    if (f.action?.endsWith('.')) qb.andWhere("a.action LIKE :ap ESCAPE '\\'", { ap: `${escapeLike(f.action)}%` });
    else if (f.action) qb.andWhere('a.action = :ac', { ac: f.action });
    if (f.from) qb.andWhere('a.at >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.at < :to', { to: f.to });
    if (f.text) qb.andWhere(`${o.admin ? 'a.summary' : SQL_REDACTED_SUMMARY} ILIKE :t ESCAPE '\\'`, { t: `%${escapeLike(f.text)}%` });
    const totalCount = await qb.clone().getCount();
    if (after) {
      const [id] = decodeCursor(after, ['bigint']);
      qb.andWhere('a.id < :cursor', { cursor: id });
    }
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit).map((e) => (o.admin ? e : redactedForStaff(e)));
    return {
      edges: page.map((node) => ({ node, cursor: encodeCursor([node.id]) })),
      pageInfo: { hasNextPage: rows.length > limit, endCursor: page.length ? encodeCursor([page[page.length - 1].id]) : null },
      totalCount,
    };
  }
}
