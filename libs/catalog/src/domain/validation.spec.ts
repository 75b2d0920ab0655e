import { compareAppVersions } from './app-version';
import { clientLocale, canonicalLocale, launchReadiness, localeCompleteness, validateItemInput } from './validation';
import { unstorableText } from '@marquee/platform-core';
import { diffFields } from './diff';

const base = {
  slug: 'evening-calm',
  kind: 'meditation',
  defaultLocale: 'en',
  locales: ['en', 'de'],
  localized: { en: { title: 'Evening Calm', description: 'Unwind.' }, de: { title: 'Abendruhe' } },
  durationSeconds: 600,
  media: { audioUrl: 'https://cdn.example.com/a.mp3', artworkUrl: 'https://cdn.example.com/a.jpg' },
  topics: ['Sleep', 'stress'],
  attributes: { narrator: 'Ana' },
};

describe('validateItemInput', () => {
  it('normalises a good item', () => {
    const { fields, problems } = validateItemInput(base);
    expect(problems).toEqual([]);
    expect(fields.topics).toEqual(['sleep', 'stress']);
    expect(fields.platforms).toEqual(['ios', 'android', 'web']);
    expect(fields.locales).toEqual(['en', 'de']);
  });

  it('refuses a NUL or a lone surrogate anywhere (PostgreSQL cannot store them), naming the field, with neither in what it reports', () => {
    const { problems } = validateItemInput({
      ...base,
      slug: 'bad\u0000slug',
      localized: { ...base.localized, de: { title: 'Abend\ud800ruhe' } },
      topics: ['sleep', 'x\u0000'],
      attributes: { ['narr\u0000ator']: 'Ana', narrator: 'A\u0000na' },
    });
    expect(problems).toEqual([
      { field: 'slug', message: 'contains a NUL byte (U+0000) at character 4; remove it' },
      { field: 'localized.de.title', message: 'contains a lone surrogate (U+D800) at character 6; remove it' },
      { field: 'topics[1]', message: 'contains a NUL byte (U+0000) at character 2; remove it' },
      { field: 'attributes.narr\\u0000ator', message: 'has a NUL byte (U+0000) at character 5 in its name; remove it' },
      { field: 'attributes.narrator', message: 'contains a NUL byte (U+0000) at character 2; remove it' },
    ]);
    expect(problems.some((x) => unstorableText(x.field + x.message) !== null)).toBe(false);
  });

  it('refuses a media URL that is not http(s) or has no valid port, and says what a good one looks like', () => {
    for (const artworkUrl of ['not-a-url', 'ftp://cdn.example.com/a.jpg', 'https://cdn.example.com:99999/a.jpg']) {
      const { problems } = validateItemInput({ ...base, media: { ...base.media, artworkUrl } });
      expect(problems).toEqual([
        {
          field: 'media.artworkUrl',
          message: `"${artworkUrl}" is not an http(s) URL: give the full address, e.g. https://cdn.example.com/art.jpg (a port, if any, from 1 to 65535)`,
        },
      ]);
    }
  });

  it('refuses port 0 and a user:password part in a media URL, saying what to do, with the credentials hidden', () => {
    expect(validateItemInput({ ...base, media: { ...base.media, artworkUrl: 'http://example.com:0/a.png' } }).problems).toEqual([
      {
        field: 'media.artworkUrl',
        message: '"http://example.com:0/a.png" has port 0, which no server can listen on: give a port from 1 to 65535, or none for the default (80 or 443)',
      },
    ]);
    const { problems } = validateItemInput({ ...base, media: { ...base.media, audioUrl: 'https://user:pass@example.com/a.mp3' } });
    expect(problems).toEqual([
      { field: 'media.audioUrl', message: expect.stringMatching(/^"https:\/\/\*\*\*@example\.com\/a\.mp3" has a user:password part: remove it/) },
    ]);
    expect(JSON.stringify(problems)).not.toContain('user:pass@');
  });

  it('refuses a locale given twice, in the list form, the map form and as case variants, naming both places', () => {
    const twice = validateItemInput({
      ...base,
      localized: [
        { locale: 'en', title: 'a' },
        { locale: 'de', title: 'b' },
        { locale: 'en', title: 'c' },
      ],
    });
    expect(twice.problems).toEqual([
      {
        field: 'localized[2].locale',
        message: '"en" gives texts for en a second time (first at localized[0]); give each locale once, with all its texts in one entry',
      },
    ]);
    const variants = validateItemInput({ ...base, localized: { en: { title: 'a' }, EN: { title: 'b' }, pt_br: { title: 'c' }, 'pt-BR': { title: 'd' } } });
    expect(variants.problems.map((x) => [x.field, x.message.replace(/;.*/, '')])).toEqual([
      ['localized.EN', '"EN" gives texts for en a second time (first at localized.en)'],
      ['localized.pt-BR', '"pt-BR" gives texts for pt-BR a second time (first at localized.pt_br)'],
    ]);
    expect(validateItemInput({ ...base, localized: [{ title: 'no locale' }] }).problems).toContainEqual({
      field: 'localized[0].locale',
      message: 'is required: the locale code these texts are in, e.g. "en"',
    });
  });

  it('refuses a number, a boolean or an object for a text attribute instead of storing it as text', () => {
    expect(validateItemInput({ ...base, attributes: { narrator: 12 } }).problems).toEqual([
      { field: 'attributes.narrator', message: 'must be text, not the number 12; send it in quotes: "12"' },
    ]);
    expect(validateItemInput({ ...base, attributes: { narrator: true } }).problems[0].message).toMatch(/not the boolean true/);
    expect(validateItemInput({ ...base, attributes: { narrator: ['Ana'] } }).problems[0].message).toBe('must be text, not a list or object');
    // Number attributes still take a number, or its digits from a CSV cell.
    expect(validateItemInput({ ...base, kind: 'music', attributes: { artist: 'M', bpm: '90' } }).fields.attributes).toEqual({ artist: 'M', bpm: 90 });
  });

  it('rejects bad slugs, locales, kinds and lengths with field paths', () => {
    const { problems } = validateItemInput({
      ...base,
      slug: 'Evening Calm',
      kind: 'podcast',
      locales: ['en', 'xx_notalocale'],
      localized: { en: { title: 'x'.repeat(121) } },
    });
    expect(problems.map((p) => p.field)).toEqual(['slug', 'kind', 'locales[1]', 'localized.en.title']);
    expect(problems[3].message).toBe('is 121 characters; the limit is 120');
  });

  it('requires a title in the default locale', () => {
    const { problems } = validateItemInput({ ...base, localized: { de: { title: 'Abendruhe' } } });
    expect(problems).toEqual([{ field: 'localized.en.title', message: 'is required in the default locale (en)' }]);
  });

  it('rejects attributes a kind does not have and sessions outside courses', () => {
    const { problems } = validateItemInput({ ...base, attributes: { narrator: 'A', speaker: 'B' }, sessions: ['x'] });
    expect(problems.map((p) => p.field)).toEqual(['attributes.speaker', 'sessions']);
  });

  it('canonicalises locale codes', () => {
    expect(canonicalLocale('pt-br')).toBe('pt-BR');
    expect(canonicalLocale('de')).toBe('de');
    expect(canonicalLocale('english')).toBeNull();
    expect(canonicalLocale('')).toBeNull();
  });
});

describe('launch readiness', () => {
  it('names each missing field per target locale', () => {
    const { fields } = validateItemInput(base);
    expect(localeCompleteness(fields)).toEqual([
      { locale: 'en', complete: true, missing: [] },
      { locale: 'de', complete: false, missing: ['description'] },
    ]);
    expect(launchReadiness(fields)).toEqual([{ field: 'localized.de.description', locale: 'de', message: 'German (de) description is missing' }]);
  });

  it('needs playable media and at least one session for a course', () => {
    const { fields } = validateItemInput({ ...base, kind: 'course', media: {}, attributes: { instructor: 'I' } });
    const msgs = launchReadiness(fields).map((p) => p.field);
    expect(msgs).toEqual(expect.arrayContaining(['media.artworkUrl', 'sessions']));
    expect(msgs).not.toContain('media.audioUrl');
  });
});

describe('clientLocale', () => {
  it('accepts well-formed BCP 47 tags and keeps what the feed matches on: language, script, region', () => {
    const cases: [string, string][] = [
      ['de-DE-u-co-phonebk', 'de-DE'],
      ['zh-Hant-TW', 'zh-Hant-TW'],
      ['sr-Latn-RS', 'sr-Latn-RS'],
      ['en-US-x-private', 'en-US'],
      ['en-GB-oxendict', 'en-GB'],
      ['EN-us', 'en-US'],
      ['pt_br', 'pt-BR'],
      ['es-419', 'es-419'],
      ['en-u-ca-gregory-x-a', 'en'],
    ];
    for (const [raw, want] of cases) expect({ raw, got: clientLocale(raw) }).toEqual({ raw, got: want });
  });

  it('refuses malformed tags and over-long ones', () => {
    for (const raw of [
      '',
      'english!',
      'en-US-u',
      'x-private',
      'en--US',
      `en-x-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(8)}-${'d'.repeat(8)}-${'e'.repeat(8)}-${'f'.repeat(8)}-${'g'.repeat(8)}`,
    ])
      expect({ raw, got: clientLocale(raw) }).toEqual({ raw, got: null });
  });
});

describe('compareAppVersions', () => {
  it('compares numerically', () => {
    expect(compareAppVersions('1.10', '1.9')).toBe(1);
    expect(compareAppVersions('4', '4.0.0')).toBe(0);
    expect(compareAppVersions('3.9.9', '4')).toBe(-1);
  });
});

describe('diffFields', () => {
  it('lists changed paths only', () => {
    expect(diffFields({ a: 1, l: { en: { t: 'x' } }, tags: ['a'] }, { a: 1, l: { en: { t: 'y' }, de: { t: 'z' } }, tags: ['a', 'b'] })).toEqual([
      { path: 'l.de.t', before: null, after: 'z' },
      { path: 'l.en.t', before: 'x', after: 'y' },
      { path: 'tags', before: ['a'], after: ['a', 'b'] },
    ]);
  });
});
