import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger, LoggerOptions } from 'typeorm';

/** Where the query logger writes; Nest's logger by default, a plain array in a unit test. */
export interface LogSink {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface DriverError {
  message?: string;
  code?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/**
 * TypeORM's own loggers print a statement's parameters, and so a failed INSERT put webhook secrets, key hashes and
 * password hashes into the logs. This one never prints a parameter: a failed or slow query logs its statement, the
 * error's code, table, column and constraint, and only the count of parameters. PostgreSQL's `detail` (which quotes
 * the offending row, e.g. `Key (key_hash)=(…)`) is never printed, and a value PostgreSQL quotes at the end of its
 * message (`invalid input syntax for type uuid: "…"`) is withheld too.
 */
export class RedactingQueryLogger implements TypeOrmLogger {
  constructor(
    private readonly options: LoggerOptions = ['error', 'migration'],
    private readonly sink: LogSink = new NestLogger('Database'),
  ) {}

  logQuery(query: string, parameters?: unknown[] | object): void {
    if (this.enabled('query')) this.sink.log(`Query: ${statement(query)}${withheld(parameters)}`);
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[] | object): void {
    if (!this.enabled('error')) return;
    this.sink.error(`Query failed: ${describeError(error)}. Statement: ${statement(query)}${withheld(parameters)}`);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[] | object): void {
    this.sink.warn(`Slow query (${time} ms): ${statement(query)}${withheld(parameters)}`);
  }

  logSchemaBuild(message: string): void {
    if (this.enabled('schema')) this.sink.log(message);
  }

  logMigration(message: string): void {
    this.sink.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (!this.enabled(level)) return;
    if (level === 'warn') this.sink.warn(String(message));
    else this.sink.log(String(message));
  }

  private enabled(kind: 'query' | 'error' | 'schema' | 'log' | 'info' | 'warn'): boolean {
    const o = this.options;
    return o === 'all' || o === true || (Array.isArray(o) && (o as string[]).includes(kind));
  }
}

function statement(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > 2000 ? `${oneLine.slice(0, 2000)}… (${oneLine.length} characters)` : oneLine;
}

function withheld(parameters?: unknown[] | object): string {
  const n = Array.isArray(parameters) ? parameters.length : parameters ? Object.keys(parameters).length : 0;
  return n ? ` (${n} parameter${n === 1 ? '' : 's'} withheld from the log)` : '';
}

function describeError(error: string | Error): string {
  if (typeof error === 'string') return withholdQuotedValue(error);
  const e = error as Error & DriverError;
  const facts = [
    e.code && `code ${e.code}`,
    e.table && `table ${e.table}`,
    e.column && `column ${e.column}`,
    e.constraint && `constraint ${e.constraint}`,
  ].filter(Boolean);
  return `${withholdQuotedValue(e.message ?? String(error))}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}

/** PostgreSQL ends some messages with the rejected value, e.g. `invalid input syntax for type uuid: "…"`. */
function withholdQuotedValue(message: string): string {
  return message.replace(/: ".*"$/s, ': "<value withheld>"');
}
