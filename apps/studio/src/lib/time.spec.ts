import {
  addDays,
  dayOf,
  formatDay,
  formatInZone,
  isValidZone,
  localDateTimeIn,
  offsetLabel,
  offsetMinutes,
  parseDayKey,
  startOfDayInstant,
  weekdayIndex,
  zoneAbbreviation,
} from './time';

/** The Studio's zone helpers on luxon: the same strings the pages showed with hand-written Intl math, and DST edges. */
describe('Studio time zones', () => {
  const instant = '2026-11-27T18:15:30.000Z';

  // ICU puts a narrow no-break space before AM/PM; the comparison reads it as a space.
  const plain = (s: string) => s.replace(/\u202f/g, ' ');

  it('formats an instant in a zone', () => {
    expect(plain(formatInZone(instant, 'America/Los_Angeles'))).toBe('Fri, Nov 27, 2026, 10:15:30 AM');
    expect(plain(formatInZone('2026-11-27T18:15:00.000Z', 'UTC'))).toBe('Fri, Nov 27, 2026, 6:15 PM');
    expect(formatInZone('not a time', 'UTC')).toBe('—');
    expect(localDateTimeIn(instant, 'Asia/Kolkata')).toBe('2026-11-27T23:45:30');
  });

  it('names offsets and abbreviations, following daylight saving time', () => {
    expect(offsetLabel(instant, 'America/Los_Angeles')).toBe('UTC−08:00');
    expect(offsetLabel('2026-07-01T12:00:00Z', 'America/Los_Angeles')).toBe('UTC−07:00');
    expect(offsetLabel(instant, 'Asia/Kolkata')).toBe('UTC+05:30');
    expect(offsetLabel(instant, 'No/Such_Zone')).toBe('UTC+00:00');
    expect(offsetMinutes(instant, 'Europe/Berlin')).toBe(60);
    expect(zoneAbbreviation(instant, 'America/Los_Angeles')).toBe('PST');
    expect(isValidZone('Europe/Berlin')).toBe(true);
    expect(isValidZone('Mars/Olympus')).toBe(false);
  });

  it('finds the start of a day across a DST change, and walks calendar days', () => {
    // Spring forward in Los Angeles: 2026-03-08 starts at 08:00Z (UTC−8), the next day at 07:00Z (UTC−7).
    expect(startOfDayInstant({ y: 2026, m: 3, d: 8 }, 'America/Los_Angeles').toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(startOfDayInstant({ y: 2026, m: 3, d: 9 }, 'America/Los_Angeles').toISOString()).toBe('2026-03-09T07:00:00.000Z');
    // Santiago skips midnight itself (00:00 → 01:00) on 2026-09-06: the day starts at the first minute that exists.
    expect(startOfDayInstant({ y: 2026, m: 9, d: 6 }, 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(dayOf('2026-11-27T23:30:00Z', 'Europe/Berlin')).toEqual({ y: 2026, m: 11, d: 28 });
    expect(addDays({ y: 2026, m: 12, d: 31 }, 1)).toEqual({ y: 2027, m: 1, d: 1 });
    expect(weekdayIndex({ y: 2026, m: 11, d: 30 })).toBe(0); // a Monday
    expect(parseDayKey('2026-02-30')).toBeNull();
    expect(parseDayKey('2026-02-28')).toEqual({ y: 2026, m: 2, d: 28 });
    expect(formatDay({ y: 2026, m: 11, d: 27 }, { weekday: 'long', month: 'long', day: 'numeric' })).toBe('Friday, November 27');
  });
});
