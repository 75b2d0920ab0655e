import { countImportRows, detectFormat, ImportHeaderRepeats, parseDuration, parseImport } from './parse';
import { validateItemInput } from '../domain/validation';

describe('import parsing', () => {
  it('maps CSV columns, per-locale titles and lists', async () => {
    const csv = [
      'slug,kind,default_locale,locales,title.en,title[de],description.en,duration,topics,artwork_url,attr.narrator,platforms',
      'evening-calm,meditation,en,en|de,Evening Calm,Abendruhe,"Unwind, slowly",10:00,sleep|stress,https://x/a.jpg,Ana,ios;android',
    ].join('\n');
    const [row] = await parseImport(csv, 'csv');
    expect(row.row).toBe(2);
    expect(row.input).toMatchObject({
      slug: 'evening-calm',
      defaultLocale: 'en',
      locales: ['en', 'de'],
      localized: { en: { title: 'Evening Calm', description: 'Unwind, slowly' }, de: { title: 'Abendruhe' } },
      durationSeconds: 600,
      topics: ['sleep', 'stress'],
      media: { artworkUrl: 'https://x/a.jpg' },
      attributes: { narrator: 'Ana' },
      platforms: ['ios', 'android'],
    });
  });

  it('numbers CSV rows by the line they start on, even after a multi-line cell', async () => {
    const csv = 'slug,description.en\na,"line one\nline two"\nb,x\n';
    expect((await parseImport(csv, 'csv')).map((r) => r.row)).toEqual([2, 4]);
  });

  it('reports bad JSON lines by line number and keeps the rest', async () => {
    const rows = await parseImport('{"slug":"a"}\n\n{oops\n["x"]\n', 'jsonl');
    expect(rows.map((r) => [r.row, r.error === null])).toEqual([
      [1, true],
      [3, false],
      [4, false],
    ]);
    expect(rows[1].error).toMatch(/not valid JSON/);
  });

  it('accepts localized as a list in JSON Lines', async () => {
    const [row] = await parseImport('{"slug":"a","localized":[{"locale":"en","title":"A"}]}', 'jsonl');
    expect(validateItemInput(row.input!).fields.localized).toEqual({ en: { title: 'A', subtitle: null, description: null } });
  });

  it('detects the format', () => {
    expect(detectFormat('x.csv', '{')).toBe('csv');
    expect(detectFormat('items.jsonl', 'slug')).toBe('jsonl');
    expect(detectFormat('upload', '{"a":1}')).toBe('jsonl');
  });

  it('parses durations', () => {
    expect(parseDuration('1:02:03')).toBe(3723);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('ten')).toBe('ten');
  });

  it('keeps every clock form it read, with an unbounded first part', () => {
    expect(parseDuration('10:00')).toBe(600);
    expect(parseDuration('90:00')).toBe(5400);
    expect(parseDuration('1:2:3')).toBe(3723);
    expect(parseDuration(' 0:59:59 ')).toBe(3599);
    expect(parseDuration('25:00:00')).toBe(90000); // over the limit: validation refuses it by its range
  });

  it('refuses minutes or seconds above 59, naming the field and the forms', () => {
    for (const v of ['1:99:99', '1:60:00', '1:00:60', '10:60', '0:75']) expect(parseDuration(v)).toBe(v);
    const csv = 'slug,kind,default_locale,title.en,duration\nx,talk,en,X,1:99:99\n';
    return parseImport(csv, 'csv').then(([row]) =>
      expect(validateItemInput(row.input!).problems).toContainEqual({
        field: 'durationSeconds',
        message:
          '"1:99:99" is not a duration; write whole seconds (600), mm:ss (10:00) or h:mm:ss (1:02:03), with minutes and seconds from 00 to 59, up to 24 hours',
      }),
    );
  });

  it('reads JSON Lines durations by the same rule', async () => {
    const [ok, bad] = await parseImport('{"durationSeconds":"1:02:03"}\n{"durationSeconds":"1:02:99"}\n', 'jsonl');
    expect(ok.input!.durationSeconds).toBe(3723);
    expect(bad.input!.durationSeconds).toBe('1:02:99');
  });

  describe('a header naming a column twice', () => {
    const refusal = (csv: string) =>
      countImportRows(csv, 'csv').then(
        () => null,
        (e: unknown) => e,
      );

    it('is refused before any row is read, naming the columns as written and where they are', async () => {
      const e = await refusal('slug,kind,title.en,Title.en,slug\na,talk,A,B,b\n');
      expect(e).toBeInstanceOf(ImportHeaderRepeats);
      expect((e as ImportHeaderRepeats).message).toMatch(
        /^The header row names the same column more than once: "slug" \(columns 1 and 5\); "title\.en" and "Title\.en" \(columns 3 and 4\)\. .*upload the file again\.$/,
      );
      expect((e as ImportHeaderRepeats).problem).toBe('repeats the columns "slug", "title.en"');
    });

    it('compares names as the importer reads them', async () => {
      for (const header of ['title.en,title[en]', 'duration,duration_seconds', 'attr.narrator,attributes.Narrator', 'default_locale,defaultLocale'])
        expect([header, await refusal(`${header}\nx,y\n`)]).toEqual([header, expect.any(ImportHeaderRepeats)]);
    });

    it('lets ignored columns repeat, and distinct locales and attributes be', async () => {
      await expect(countImportRows('slug,notes,notes,title.en,title.de,attr.a,attr.b\nx,1,2,A,B,c,d\n', 'csv')).resolves.toBe(1);
    });
  });
});
