import { isEligible, rolloutBucket } from './rollout';
import { dependencyOrder } from './order';
import { assertTransition } from './states';

describe('staged rollout eligibility', () => {
  const base = { releaseId: 'rel-1', rolloutPercent: 100, audience: { locales: [], platforms: [], tiers: [] } };

  it('is stable, and a rising percentage keeps everyone who already had the release', () => {
    const users = Array.from({ length: 5000 }, (_, i) => `user-${i}`);
    const at = (p: number) => new Set(users.filter((u) => isEligible({ ...base, rolloutPercent: p }, { userId: u })));
    const ten = at(10);
    const thirty = at(30);
    expect(ten.size / users.length).toBeGreaterThan(0.08);
    expect(ten.size / users.length).toBeLessThan(0.12);
    expect(thirty.size / users.length).toBeGreaterThan(0.27);
    expect(thirty.size / users.length).toBeLessThan(0.33);
    for (const u of ten) expect(thirty.has(u)).toBe(true);
    expect(rolloutBucket('user-1', 'rel-1')).toBe(rolloutBucket('user-1', 'rel-1'));
  });

  it('buckets independently per release', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `u${i}`);
    const a = users.filter((u) => isEligible({ ...base, releaseId: 'a', rolloutPercent: 20 }, { userId: u }));
    const both = a.filter((u) => isEligible({ ...base, releaseId: 'b', rolloutPercent: 20 }, { userId: u }));
    expect(both.length / a.length).toBeGreaterThan(0.12);
    expect(both.length / a.length).toBeLessThan(0.28);
  });

  it('applies the audience: locale prefixes, platforms and tiers', () => {
    const rule = { ...base, audience: { locales: ['de'], platforms: ['ios'], tiers: ['premium'] } };
    expect(isEligible(rule, { userId: 'x', locale: 'de-AT', platform: 'ios', tier: 'premium' })).toBe(true);
    expect(isEligible(rule, { userId: 'x', locale: 'en', platform: 'ios', tier: 'premium' })).toBe(false);
    expect(isEligible(rule, { userId: 'x', locale: 'de', platform: 'android', tier: 'premium' })).toBe(false);
    expect(isEligible(rule, { userId: 'x', locale: 'de', platform: 'ios' })).toBe(false);
  });
});

describe('dependency order', () => {
  it('puts sessions before their course and keeps the rest in order', () => {
    const order = dependencyOrder([
      { itemId: 'course', dependsOn: ['s1', 's2'] },
      { itemId: 'other', dependsOn: [] },
      { itemId: 's2', dependsOn: [] },
      { itemId: 's1', dependsOn: [] },
    ]).map((a) => a.itemId);
    expect(order).toEqual(['s1', 's2', 'course', 'other']);
  });
});

describe('item state machine', () => {
  it('names the allowed transitions when one is illegal', () => {
    expect(() => assertTransition('draft', 'approve', 'Evening Calm')).toThrow(
      'Cannot approve "Evening Calm": it is draft. From draft you can: edit, submit for review.',
    );
    expect(() => assertTransition('in_review', 'approve', 'x')).not.toThrow();
  });
});
