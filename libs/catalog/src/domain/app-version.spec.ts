import { compareAppVersions, isValidAppVersion, parseAppVersion } from './app-version';

describe('app versions', () => {
  it('accepts the short forms and full semantic versions', () => {
    for (const v of [
      '4',
      '4.2',
      '4.2.1',
      '04.2',
      '2.3.0-beta.1',
      '2.3.0+build.5',
      '1.0.0-rc.1+exp.sha.5114f85',
      '1.0.0-alpha-a.b-c',
      '1.0.0-0.3.7',
      '1.0.0-x.7.z.92',
      '123456789.0.0',
    ])
      expect({ v, ok: isValidAppVersion(v) }).toEqual({ v, ok: true });
  });

  it('refuses what is not a version, or not well-formed semver', () => {
    for (const v of [
      '',
      'v1',
      '1.2.3.4',
      '1.2-beta',
      '1-beta',
      '1.2.3-',
      '1.2.3-beta..1',
      '1.2.3-01',
      '1.2.3+',
      '1.2.3+a..b',
      '1.2.3-be_ta',
      '1.2.3 ',
      '99999999999999999999.0.0',
      `1.0.0-${'a'.repeat(60)}`,
    ])
      expect({ v, ok: isValidAppVersion(v) }).toEqual({ v, ok: false });
  });

  it('drops build metadata and reads numeric pre-release identifiers as numbers', () => {
    expect(parseAppVersion('2.3.0-beta.10+build.5')).toEqual({ core: [2, 3, 0], pre: ['beta', 10] });
    expect(parseAppVersion('4.2')).toEqual({ core: [4, 2, 0], pre: [] });
  });

  it('orders by semver precedence', () => {
    // The example of semver.org, section 11, plus the short forms.
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1',
      '2',
    ];
    for (let i = 0; i < ordered.length; i++)
      for (let j = 0; j < ordered.length; j++) {
        const want = Math.sign(i - j);
        expect({ a: ordered[i], b: ordered[j], c: compareAppVersions(ordered[i], ordered[j]) }).toEqual({ a: ordered[i], b: ordered[j], c: want });
      }
    expect(compareAppVersions('2.3.0-beta.1', '2.3')).toBe(-1);
    expect(compareAppVersions('2.3.0+build.5', '2.3.0')).toBe(0);
    expect(compareAppVersions('2.3.1-alpha', '2.3')).toBe(1);
    expect(compareAppVersions('1.10', '1.9')).toBe(1);
    expect(compareAppVersions('4', '4.0.0')).toBe(0);
  });
});
