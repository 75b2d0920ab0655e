import { createHmac, randomBytes } from 'node:crypto';
import { TrackingTokens, Placement, readPlacement } from './tracking-token';

const placement: Placement = {
  requestId: 'req-1',
  surface: 'home',
  userId: 'u-1',
  itemId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  position: 3,
  propensity: 0.125,
  reason: 'PERSONALIZED',
  policyVersion: 'pv-1',
  servedAt: 1_700_000_000_000,
};

describe('tracking tokens', () => {
  const tokens = new TrackingTokens(randomBytes(32), 7 * 86400_000);

  it('round-trip every field', () => {
    const t = tokens.sign(placement);
    expect(tokens.verify(t, placement.servedAt + 1000)).toEqual({ ok: true, placement: { ...placement, apiKeyId: null } });
  });

  it('carry the API key the feed was served to, signed like every other field', () => {
    const bound = { ...placement, apiKeyId: '9b2f3c1e-7a4d-4f6b-8c2a-1d3e5f7a9b0c' };
    const t = tokens.sign(bound);
    expect(tokens.verify(t, placement.servedAt)).toEqual({ ok: true, placement: bound });
    const [body, sig] = t.split('.');
    const rebound = Buffer.from(Buffer.from(body, 'base64url').toString().replace(bound.apiKeyId, '00000000-0000-4000-8000-000000000000')).toString(
      'base64url',
    );
    expect(tokens.verify(`${rebound}.${sig}`, placement.servedAt)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
  });

  it('refuse a token with a changed field, a wrong key, or garbage', () => {
    const t = tokens.sign(placement);
    const [body, sig] = t.split('.');
    const altered = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"p":3', '"p":1')).toString('base64url');
    expect(tokens.verify(`${altered}.${sig}`, placement.servedAt)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
    expect(new TrackingTokens(randomBytes(32), 1e12).verify(t, placement.servedAt)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
    expect(tokens.verify('nonsense', 0)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
    expect(tokens.verify(`${body}.`, 0)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
  });

  it('expire after their lifetime', () => {
    const t = tokens.sign(placement);
    expect(tokens.verify(t, placement.servedAt + 8 * 86400_000)).toEqual({ ok: false, problem: 'TOKEN_EXPIRED' });
  });
});

describe('tracking tokens, version 2 (one slate, one keyed state, a token per slot)', () => {
  const key = randomBytes(32);
  const tokens = new TrackingTokens(key, 7 * 86400_000);
  const slate = {
    requestId: 'req-2',
    surface: 'home',
    userId: 'u-2',
    policyVersion: 'pv-2',
    servedAt: 1_700_000_000_000,
    apiKeyId: '9b2f3c1e-7a4d-4f6b-8c2a-1d3e5f7a9b0c',
  };
  const slots = [
    { itemId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', position: 1, propensity: 0.123456789012345, reason: 'PERSONALIZED' },
    { itemId: '0d3e5f7a-9b0c-4f6b-8c2a-1d3e5f7a9b0c', position: 2, propensity: 1, reason: 'PINNED' },
    { itemId: 'not-a-uuid', position: 300, propensity: 0.5, reason: 'SOMETHING_NEW' },
  ];

  it('round-trip every claim of every slot, exactly (the propensity to the last bit)', () => {
    const signed = tokens.signSlate(slate, slots);
    expect(signed).toHaveLength(3);
    signed.forEach((t, i) => expect(tokens.verify(t, slate.servedAt + 1000)).toEqual({ ok: true, placement: { ...slate, ...slots[i] } }));
  });

  it('sign with HMAC-SHA256 over "slate.slot" under a key of their own, truncated to 128 bits', () => {
    const [t] = tokens.signSlate(slate, slots);
    const [head, slot, sig] = t.split('.');
    const v2Key = createHmac('sha256', key).update('tracking-token/v2').digest();
    expect(sig).toBe(createHmac('sha256', v2Key).update(`${head}.${slot}`).digest().subarray(0, 16).toString('base64url'));
  });

  it('refuse a token whose slate, slot or signature was changed, or that moved a slot to another slate', () => {
    const [a, b] = tokens.signSlate(slate, slots);
    const other = tokens.signSlate({ ...slate, requestId: 'req-3' }, slots)[0];
    const [head, slot, sig] = a.split('.');
    const rebound = Buffer.from(Buffer.from(head, 'base64url').toString().replace(slate.apiKeyId, '00000000-0000-4000-8000-000000000000')).toString(
      'base64url',
    );
    const slotBytes = Buffer.from(slot, 'base64url');
    slotBytes[1] = 9; // position 1 → 9
    for (const forged of [
      `${rebound}.${slot}.${sig}`,
      `${head}.${slotBytes.toString('base64url')}.${sig}`,
      `${head}.${b.split('.')[1]}.${sig}`,
      `${other.split('.')[0]}.${slot}.${sig}`,
      `${head}.${slot}.`,
      `${head}.${slot}.${sig.slice(1)}`,
    ]) {
      expect(tokens.verify(forged, slate.servedAt)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
    }
    expect(new TrackingTokens(randomBytes(32), 1e12).verify(a, slate.servedAt)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
  });

  it('refuse every other spelling of the right signature: appended characters, padding, a changed last character', () => {
    // Node's base64url decoder skips characters outside its alphabet and the last character's unused low bits, so
    // these all decoded to the right 16 bytes and were accepted.
    const v1 = tokens.sign({ ...slate, ...slots[0] });
    for (const t of [tokens.signSlate(slate, slots)[0], v1]) {
      const sig = t.slice(t.lastIndexOf('.') + 1);
      // 16 bytes are 22 characters, the last carrying 2 bits and 4 unused ones: flip an unused bit.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet[alphabet.indexOf(sig[sig.length - 1]) ^ 1];
      expect(Buffer.from(sig.slice(0, -1) + last, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
      for (const altered of [`${t}é`, `${t}*`, `${t}==`, `${t} `, `${t.slice(0, -1)}${last}`]) {
        expect({ altered, result: tokens.verify(altered, slate.servedAt) }).toEqual({ altered, result: { ok: false, problem: 'INVALID_TOKEN' } });
      }
      expect(tokens.verify(t, slate.servedAt).ok).toBe(true);
    }
  });

  it('expire after their lifetime, and tell version 1 tokens apart (both keep verifying)', () => {
    const [t] = tokens.signSlate(slate, slots);
    expect(tokens.verify(t, slate.servedAt + 8 * 86400_000)).toEqual({ ok: false, problem: 'TOKEN_EXPIRED' });
    const v1 = tokens.sign({ ...slate, ...slots[0] });
    expect(v1.split('.')).toHaveLength(2);
    expect(tokens.verify(v1, slate.servedAt)).toEqual({ ok: true, placement: { ...slate, ...slots[0] } });
    // A version 1 signature over the same text is no version 2 signature: the keys differ.
    const [head, slot] = t.split('.');
    const v1Mac = createHmac('sha256', key).update(`${head}.${slot}`).digest().subarray(0, 16).toString('base64url');
    expect(tokens.verify(`${head}.${slot}.${v1Mac}`, slate.servedAt)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
  });
});

describe('readPlacement (the claims of a token, unverified, for tools and benchmarks)', () => {
  const tokens = new TrackingTokens(randomBytes(32), 7 * 86400_000);
  const slate = { requestId: 'req-4', surface: 'home', userId: 'u-4', policyVersion: 'pv-4', servedAt: 1_700_000_000_000, apiKeyId: null };
  const slots = [
    { itemId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', position: 4, propensity: 0.0625, reason: 'CONTENT_TEST' },
    { itemId: 'not-a-uuid', position: 300, propensity: 0.5, reason: 'SOMETHING_NEW' },
  ];

  it('reads what verify reads, from either version', () => {
    for (const t of [...tokens.signSlate(slate, slots), tokens.sign({ ...slate, ...slots[0] })]) {
      const verified = tokens.verify(t, slate.servedAt);
      expect(verified.ok).toBe(true);
      expect(readPlacement(t)).toEqual(verified.ok ? verified.placement : null);
    }
  });

  it('returns null for text in neither format, and does not vouch for a token (verify still refuses a forgery)', () => {
    for (const garbage of [
      '',
      'no-dot',
      '.x',
      '!!!.???',
      `${Buffer.from('null').toString('base64url')}.x`,
      `${Buffer.from('{}').toString('base64url')}.AAAA.x`,
    ])
      expect(readPlacement(garbage)).toBeNull();
    const [t] = tokens.signSlate(slate, slots);
    const forged = `${t.slice(0, t.lastIndexOf('.'))}.${'A'.repeat(22)}`;
    expect(readPlacement(forged)).toEqual({ ...slate, ...slots[0] });
    expect(tokens.verify(forged, slate.servedAt)).toEqual({ ok: false, problem: 'INVALID_TOKEN' });
  });
});
