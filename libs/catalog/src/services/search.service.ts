import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize } from '@marquee/platform-api';
import { InputError, echoList, isUuid } from '@marquee/platform-core';
import { canonicalLocale } from '../domain/validation';
import { ItemEntity, ItemState, ITEM_STATES } from '../entities/item.entity';
import { KIND_KEYS } from '../domain/kinds';

export type ItemSort = 'UPDATED_DESC' | 'UPDATED_ASC' | 'CREATED_DESC' | 'TITLE_ASC' | 'TITLE_DESC' | 'SLUG_ASC';
type LocaleStatus = 'COMPLETE' | 'INCOMPLETE' | 'MISSING';

export interface ItemFilter {
  ids?: string[] | null;
  text?: string | null;
  kinds?: string[] | null;
  states?: ItemState[] | null;
  topic?: string | null;
  collection?: string | null;
  locale?: string | null;
  localeStatus?: LocaleStatus | null;
  live?: boolean | null;
}

const SORTS: Record<ItemSort, { column: string; dir: 'ASC' | 'DESC'; kind: 'time' | 'text' }> = {
  UPDATED_DESC: { column: 'updated_at', dir: 'DESC', kind: 'time' },
  UPDATED_ASC: { column: 'updated_at', dir: 'ASC', kind: 'time' },
  CREATED_DESC: { column: 'created_at', dir: 'DESC', kind: 'time' },
  TITLE_ASC: { column: 'title', dir: 'ASC', kind: 'text' },
  TITLE_DESC: { column: 'title', dir: 'DESC', kind: 'text' },
  SLUG_ASC: { column: 'slug', dir: 'ASC', kind: 'text' },
};

export interface ItemPage {
  items: ItemEntity[];
  cursors: string[];
  hasNextPage: boolean;
  totalCount: number;
}

/**
 * The longest search text. It also keeps every word under PostgreSQL's 2,047-byte limit for a tsquery lexeme
 * (200 characters are at most 800 bytes), which would otherwise fail the query.
 */
export const MAX_SEARCH_CHARS = 200;

/**
 * The words of a search, lowercased: letters and digits only, at most 8. "even cal" finds "Evening Calm".
 */
function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
}

/**
 * A prefix match on every word, as SQL over `to_tsvector('simple', search_text)`. Each word matches in either of the
 * two ways PostgreSQL's text parser may have read it in the document: as one lexeme (a slug's part, "pine-rain-00e1e2"
 * keeps "00e1e2" whole) or as the parser reads the word alone ("00e1e2" alone is the number "00e1" then "e2").
 * `to_tsquery` alone always takes the second reading, so a slug with a number-like part could not be found.
 */
function prefixMatch(words: string[], p: (v: unknown) => string): string {
  // Words hold only letters and digits, so quoting them as a tsquery lexeme needs no escaping.
  return words.map((w) => `(${p(`'${w}':*`)}::tsquery || to_tsquery('simple', ${p(`${w}:*`)}))`).join(' && ');
}

@Injectable()
export class ItemSearchService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async search(filter: ItemFilter, sort: ItemSort = 'UPDATED_DESC', first?: number | null, after?: string | null): Promise<ItemPage> {
    const limit = pageSize(first);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };

    if (filter.ids) {
      if (filter.ids.length > 100) throw new InputError('Ask for at most 100 ids at a time.', [{ field: 'filter.ids', message: 'has more than 100 ids' }]);
      where.push(`i.id = ANY(${p(filter.ids.filter(isUuid))}::uuid[])`);
    }
    if (filter.text && filter.text.length > MAX_SEARCH_CHARS)
      throw new InputError(
        `Search text is at most ${MAX_SEARCH_CHARS} characters (this one has ${filter.text.length}); search for a few words of the title or slug.`,
        [{ field: 'filter.text', message: `is longer than ${MAX_SEARCH_CHARS} characters` }],
      );
    if (filter.text?.trim()) {
      const words = searchWords(filter.text);
      if (words.length) where.push(`to_tsvector('simple', i.search_text) @@ (${prefixMatch(words, p)})`);
    }
    if (filter.kinds?.length) {
      const bad = filter.kinds.filter((k) => !KIND_KEYS.includes(k as never));
      if (bad.length)
        throw new InputError(`Unknown kind ${echoList(bad)}; use ${KIND_KEYS.join(', ')}.`, [{ field: 'filter.kinds', message: 'has an unknown kind' }]);
      where.push(`i.kind = ANY(${p(filter.kinds)})`);
    }
    if (filter.states?.length) {
      const bad = filter.states.filter((s) => !ITEM_STATES.includes(s));
      if (bad.length) throw new InputError(`Unknown state ${echoList(bad)}.`, [{ field: 'filter.states', message: 'has an unknown state' }]);
      where.push(`i.state = ANY(${p(filter.states)})`);
    }
    if (filter.topic) where.push(`i.topics @> ARRAY[${p(filter.topic.toLowerCase())}]::text[]`);
    if (filter.collection) where.push(`${p(filter.collection.toLowerCase())} = ANY(i.collections)`);
    if (filter.live === true) where.push('i.live_version_id IS NOT NULL');
    if (filter.live === false) where.push('i.live_version_id IS NULL');
    if (filter.locale || filter.localeStatus) {
      const locale = filter.locale ? canonicalLocale(filter.locale) : null;
      if (!locale)
        throw new InputError('Give a valid locale code with localeStatus, like "de".', [{ field: 'filter.locale', message: 'is not a valid locale code' }]);
      const status = filter.localeStatus ?? 'COMPLETE';
      const l = p(locale);
      if (status === 'COMPLETE') where.push(`${l} = ANY(i.complete_locales)`);
      else if (status === 'INCOMPLETE') where.push(`${l} = ANY(i.locales) AND NOT (${l} = ANY(i.complete_locales))`);
      else where.push(`NOT (${l} = ANY(i.locales))`);
    }

    const countSql = `SELECT count(*)::int AS n FROM items i ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`;
    const [{ n: totalCount }] = await this.db.query(countSql, params);

    const s = SORTS[sort];
    if (!s) throw new InputError(`Unknown sort ${sort}.`, [{ field: 'sort', message: 'is not a sort order' }]);
    const col = s.kind === 'text' ? `lower(i.${s.column})` : `i.${s.column}`;
    const pageWhere = [...where];
    if (after) {
      const [value, id] = decodeCursor(after, [s.kind === 'time' ? 'timestamp' : 'text', 'uuid']);
      const cmp = s.dir === 'DESC' ? '<' : '>';
      const v = s.kind === 'time' ? `${p(value)}::timestamptz` : p(value);
      pageWhere.push(`(${col}, i.id) ${cmp} (${v}, ${p(id)}::uuid)`);
    }
    const rows: ItemEntity[] = await this.db
      .getRepository(ItemEntity)
      .createQueryBuilder('i')
      .where(pageWhere.length ? pageWhere.join(' AND ').replace(/\$(\d+)/g, ':p$1') : 'TRUE', Object.fromEntries(params.map((v, i) => [`p${i + 1}`, v])))
      .orderBy(col, s.dir)
      .addOrderBy('i.id', s.dir)
      .limit(limit + 1)
      .getMany();
    const hasNextPage = rows.length > limit;
    const items = rows.slice(0, limit);
    const cursors = items.map((it) => {
      const raw = (it as unknown as Record<string, unknown>)[camel(s.column)];
      const value = raw instanceof Date ? raw.toISOString() : s.kind === 'text' ? String(raw).toLowerCase() : raw;
      return encodeCursor([value, it.id]);
    });
    return { items, cursors, hasNextPage, totalCount };
  }
}

function camel(col: string): string {
  return col.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
