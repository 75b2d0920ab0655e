import { randomBytes } from 'node:crypto';
import { TrackingTokens, Placement } from './tracking-token';

const placement: Placement = { requestId: 'req-1', surface: 'home', userId: 'u-1', itemId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', position: 3, propensity: 0.125, reason: 'PERSONALIZED', policyVersion: 'pv-1', servedAt: 1_700_000_000_000 };

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
    const rebound = Buffer.from(Buffer.from(body, 'base64url').toString().replace(bound.apiKeyId, '00000000-0000-4000-8000-000000000000')).toString('base64url');
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
