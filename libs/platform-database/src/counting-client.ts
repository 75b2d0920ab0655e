import { Client } from 'pg';
import { countSqlQuery } from '@marquee/platform-observability';

/**
 * The pg client every pool uses: identical to pg's, except that each statement is counted against the request it
 * serves (the per-request context of platform-observability), which is what `x-sql-queries` reports.
 */
export class CountingClient extends Client {}

const query = Client.prototype.query;
CountingClient.prototype.query = function countedQuery(this: Client, ...args: unknown[]) {
  countSqlQuery();
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
