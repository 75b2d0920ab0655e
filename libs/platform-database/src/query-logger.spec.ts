import { dataSourceOptions } from './data-source';
import { LogSink, RedactingQueryLogger } from './query-logger';

function capture(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(`log ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

/** The shape node-postgres gives a failed statement: message, code and, for constraint errors, the offending row. */
function pgError(message: string, extra: Record<string, string>): Error {
  return Object.assign(new Error(message), extra);
}

const SECRET = 'whsec_0123456789abcdef0123456789abcdef0123456789abcdef';
const KEY_HASH = 'a'.repeat(64);
const INSERT = `INSERT INTO "webhook_endpoints"("id", "url", "description", "events", "secret", "enabled", "created_by", "created_at")
  VALUES (DEFAULT, $1, $2, $3, $4, DEFAULT, $5, DEFAULT) RETURNING "id", "enabled", "created_at"`;

describe('RedactingQueryLogger', () => {
  it('logs a failed INSERT with its statement and error, never its parameters or the row PostgreSQL quotes', () => {
    const sink = capture();
    const err = pgError('duplicate key value violates unique constraint "uq_api_keys_key_hash"', {
      code: '23505',
      table: 'api_keys',
      constraint: 'uq_api_keys_key_hash',
      detail: `Key (key_hash)=(${KEY_HASH}) already exists.`,
    });
    new RedactingQueryLogger(['error'], sink).logQueryError(err, INSERT, ['https://hooks.example.com', 'note', ['release.launched'], SECRET, KEY_HASH]);
    expect(sink.lines).toHaveLength(1);
    const line = sink.lines[0];
    expect(line).toContain(
      'Query failed: duplicate key value violates unique constraint "uq_api_keys_key_hash" (code 23505, table api_keys, constraint uq_api_keys_key_hash)',
    );
    expect(line).toContain('INSERT INTO "webhook_endpoints"("id", "url"');
    expect(line).toContain('(5 parameters withheld from the log)');
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain(KEY_HASH);
    expect(line).not.toContain('hooks.example.com');
  });

  it('withholds a value PostgreSQL quotes at the end of its message', () => {
    const sink = capture();
    new RedactingQueryLogger(['error'], sink).logQueryError(
      pgError(`invalid input syntax for type uuid: "${SECRET}"`, { code: '22P02' }),
      'SELECT 1 WHERE $1::uuid IS NULL',
      [SECRET],
    );
    expect(sink.lines[0]).toContain('invalid input syntax for type uuid: "<value withheld>" (code 22P02)');
    expect(sink.lines[0]).not.toContain(SECRET);
  });

  it('never prints parameters of logged or slow queries either', () => {
    const sink = capture();
    const logger = new RedactingQueryLogger('all', sink);
    logger.logQuery(INSERT, [SECRET]);
    logger.logQuerySlow(1234, INSERT, { secret: SECRET });
    expect(sink.lines).toEqual([
      expect.stringMatching(/^log Query: INSERT INTO "webhook_endpoints".* \(1 parameter withheld from the log\)$/),
      expect.stringMatching(/^warn Slow query \(1234 ms\): INSERT INTO .* \(1 parameter withheld from the log\)$/),
    ]);
    expect(sink.lines.join('\n')).not.toContain(SECRET);
  });

  it('stays quiet about queries unless query logging is on', () => {
    const sink = capture();
    new RedactingQueryLogger(['error', 'migration'], sink).logQuery('SELECT 1', []);
    expect(sink.lines).toEqual([]);
  });

  it('is the logger every process gets from dataSourceOptions', () => {
    expect(dataSourceOptions({ url: 'postgres://x@127.0.0.1/db', entities: [] }).logger).toBeInstanceOf(RedactingQueryLogger);
  });
});
