import { ApiKeyRegistry, ApiKeySource, KnownApiKey } from './api-key-registry';

/** An in-memory stand-in for the api_keys table that can be made to fail like a PostgreSQL that is down. */
class FakeSource implements ApiKeySource {
  rows = new Map<string, KnownApiKey>();
  down = false;
  hang = false;
  reads = 0;
  uses: { id: string; at: Date }[] = [];
  private fail() {
    if (this.down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    if (this.hang) return new Promise<never>(() => undefined);
    return null;
  }
  loadAll(limit: number) {
    this.reads++;
    return this.fail() ?? Promise.resolve([...this.rows].slice(0, limit).map(([hash, key]) => ({ hash, key: { ...key } })));
  }
  loadOne(hash: string) {
    this.reads++;
    return this.fail() ?? Promise.resolve(this.rows.has(hash) ? { ...this.rows.get(hash)! } : null);
  }
  recordUse(uses: { id: string; at: Date }[]) {
    return this.fail() ?? Promise.resolve(void this.uses.push(...uses));
  }
}

describe('ApiKeyRegistry', () => {
  let t: number;
  let source: FakeSource;
  let reg: ApiKeyRegistry;
  beforeEach(async () => {
    t = 1_000_000;
    source = new FakeSource();
    source.rows.set('h-a', { id: 'a', name: 'iOS', revoked: false });
    source.rows.set('h-old', { id: 'old', name: 'gone', revoked: true });
    reg = new ApiKeyRegistry(source, () => t, 50);
    await reg.reload();
    source.reads = 0;
  });

  it('answers known keys from memory, with no read at all', async () => {
    expect(await reg.verify('h-a')).toEqual({ id: 'a', name: 'iOS', revoked: false });
    expect(await reg.verify('h-old')).toMatchObject({ revoked: true });
    expect(source.reads).toBe(0);
  });

  it('keeps known keys working while PostgreSQL is down, and keeps the last good list when a reload fails', async () => {
    source.down = true;
    await expect(reg.reload()).rejects.toThrow(/ECONNREFUSED/);
    expect(await reg.verify('h-a')).toMatchObject({ id: 'a', revoked: false });
  });

  it('looks up a key made since the last reload once, then serves it from memory', async () => {
    source.rows.set('h-new', { id: 'new', name: 'Android', revoked: false });
    expect(await reg.verify('h-new')).toMatchObject({ id: 'new' });
    expect(await reg.verify('h-new')).toMatchObject({ id: 'new' });
    expect(source.reads).toBe(1);
  });

  it('remembers "no such key" for a moment, so a wrong key cannot make every request read PostgreSQL', async () => {
    expect(await reg.verify('h-wrong')).toBeNull();
    expect(await reg.verify('h-wrong')).toBeNull();
    expect(source.reads).toBe(1);
    t += 2000;
    expect(await reg.verify('h-wrong')).toBeNull();
    expect(source.reads).toBe(2);
  });

  it('answers UNAVAILABLE (retryable) for an unseen key while PostgreSQL is down or hangs, and stops asking it', async () => {
    source.down = true;
    await expect(reg.verify('h-x')).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { retryable: true, retryAfter: expect.any(Number) } });
    source.down = false;
    source.hang = true;
    await expect(reg.verify('h-y')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(reg.verify('h-z')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const reads = source.reads;
    await expect(reg.verify('h-w')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /Retry in a few seconds; keys already in use keep working/ });
    expect(source.reads).toBe(reads); // the circuit is open: refused without waiting on the dead connection
  });

  it('refuses a revoked key at once, even when a reload that read before the revocation finishes after it', async () => {
    reg.revoked('a');
    expect(await reg.verify('h-a')).toMatchObject({ revoked: true });
    await reg.reload(); // the fake table still says "not revoked", as a read that raced the revocation would
    expect(await reg.verify('h-a')).toMatchObject({ revoked: true });
    t += 120_000;
    source.rows.set('h-a', { id: 'a', name: 'iOS', revoked: true });
    await reg.reload();
    expect(await reg.verify('h-a')).toMatchObject({ revoked: true });
  });

  it('holds at most its bound of keys, looking the rest up on demand', async () => {
    const small = new ApiKeyRegistry(source, () => t, 50, 2);
    source.rows.set('h-b', { id: 'b', name: 'web', revoked: false });
    expect(await small.reload()).toBe(2);
    expect(await small.verify('h-b')).toMatchObject({ id: 'b' });
    expect(small.size).toBe(2);
  });

  it('records each key use at most once a minute, and keeps them when the write fails', async () => {
    await reg.verify('h-a');
    await reg.verify('h-a');
    source.down = true;
    await expect(reg.flushUses()).rejects.toThrow();
    source.down = false;
    await reg.flushUses();
    expect(source.uses).toEqual([{ id: 'a', at: new Date(1_000_000) }]);
    t += 61_000;
    await reg.verify('h-a');
    await reg.flushUses();
    expect(source.uses).toHaveLength(2);
  });
});
