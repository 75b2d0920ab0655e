import { quoteInput as q, unstorableText, type FieldProblem } from '@marquee/platform-core';
import { httpUrlProblem, redactUrlCredentials } from '@marquee/platform-outbound';
import { ItemFields, LocalizedText, PLATFORMS, Platform } from './item-fields';
import { KIND_KEYS, KindDefinition, kindDefinition } from './kinds';
import { APP_VERSION_EXPECTED, isValidAppVersion } from './app-version';

const LIMITS = {
  slug: 80,
  title: 120,
  subtitle: 160,
  description: 4000,
  url: 2048,
  topic: 40,
  topics: 20,
  collections: 20,
  locales: 30,
  maxDurationSeconds: 24 * 3600,
  /** Entries a platforms list may have (duplicates included). */
  platforms: 20,
  /** Entries a sessions list may have: more than any course holds. */
  sessions: 100,
  /** Keys an attributes map may have: more than any kind has attributes, so a map over it has unknown keys anyway. */
  attributes: 50,
} as const;

/** Problems one answer lists at most; the rest are counted in a last entry. */
export const MAX_REPORTED_PROBLEMS = 20;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TAG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
// language, optional script, optional region: en, de, pt-BR, zh-Hant, zh-Hant-TW
const LOCALE = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/;

/** Loose shape accepted from GraphQL, JSON Lines and CSV; `validateItemInput` turns it into ItemFields. */
export interface ItemInputLike {
  slug?: unknown;
  kind?: unknown;
  defaultLocale?: unknown;
  locales?: unknown;
  localized?: unknown;
  durationSeconds?: unknown;
  media?: unknown;
  topics?: unknown;
  collections?: unknown;
  availability?: unknown;
  platforms?: unknown;
  minAppVersion?: unknown;
  attributes?: unknown;
  sessions?: unknown;
}

export function canonicalLocale(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length > 20) return null;
  try {
    const [canon] = Intl.getCanonicalLocales(raw.replace('_', '-'));
    return canon && LOCALE.test(canon) ? canon : null;
  } catch {
    return null;
  }
}

/** Longest locale a client may send as its context; BCP 47 asks for at least 35, extensions make tags longer. */
export const CLIENT_LOCALE_MAX_CHARS = 64;

/**
 * A client's locale (`context.locale` of feed, a preview persona): any well-formed BCP 47 tag, extensions and private
 * use included (de-DE-u-co-phonebk, en-US-x-private, sr-Latn-RS), canonicalised by Intl.getCanonicalLocales. What it
 * returns is the tag's language, script and region (de-DE, en-US, sr-Latn-RS): the form item locales and release
 * audiences are spelled in, which is all the feed matches on; extensions, variants and private use choose no content.
 * Null when the tag is not well-formed or longer than CLIENT_LOCALE_MAX_CHARS.
 */
export function clientLocale(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CLIENT_LOCALE_MAX_CHARS) return null;
  try {
    const [canon] = Intl.getCanonicalLocales(raw.trim().replaceAll('_', '-'));
    if (!canon) return null;
    const l = new Intl.Locale(canon);
    const base = [l.language ?? 'und', l.script, l.region].filter(Boolean).join('-');
    return LOCALE.test(base) ? base : null;
  } catch {
    return null;
  }
}

/**
 * Text anywhere in an item that PostgreSQL cannot store (a NUL, or a lone surrogate that jsonb refuses; the check is
 * platform-core's `unstorableText`). GraphQL refuses both at the edge; an import's JSON Lines can still carry them as
 * "\u0000" or "\ud800", so the save itself names the field instead of failing. Keys are shown escaped, since the
 * problems are stored too.
 */
function findUnstorable(v: unknown, path: string, p: FieldProblem[], depth: number): void {
  if (p.length > MAX_REPORTED_PROBLEMS) return; // one past the cap, so the answer says there are more
  if (typeof v === 'string') {
    const problem = unstorableText(v);
    if (problem) p.push({ field: path || 'input', message: `contains ${problem}; remove it` });
  } else if (Array.isArray(v)) {
    if (depth < 8) v.forEach((x, i) => findUnstorable(x, `${path}[${i}]`, p, depth + 1));
  } else if (v && typeof v === 'object' && depth < 8) {
    for (const [k, x] of Object.entries(v)) {
      const problem = unstorableText(k);
      const at = `${path ? path + '.' : ''}${problem || k.length > 60 ? q(k).slice(1, -1) : k}`;
      if (problem) p.push({ field: at, message: `has ${problem} in its name; remove it` });
      findUnstorable(x, at, p, depth + 1);
    }
  }
}

function emptyFields(): ItemFields {
  return {
    slug: '',
    kind: '',
    defaultLocale: '',
    locales: [],
    localized: {},
    durationSeconds: null,
    media: { audioUrl: null, videoUrl: null, artworkUrl: null },
    topics: [],
    collections: [],
    availability: 'free',
    platforms: [],
    minAppVersion: null,
    attributes: {},
    sessions: [],
  };
}

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function list(v: unknown): unknown[] | null {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  return null;
}

/**
 * The texts of `localized` in the order given, from either form clients send: a map from locale code to texts (CSV,
 * JSON Lines) or a list of texts that each name their locale (GraphQL, JSON Lines). `at` names where each one came
 * from, as the client wrote it. Null when it is neither.
 */
function localizedEntries(v: unknown): { at: { entry: string; locale: string }; rawLoc: unknown; text: unknown }[] | null {
  if (typeof v !== 'object' || v === null) return null;
  if (Array.isArray(v))
    return v.map((e, i) => {
      const { locale, ...text } = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
      return { at: { entry: `localized[${i}]`, locale: `localized[${i}].locale` }, rawLoc: locale, text };
    });
  return Object.entries(v as Record<string, unknown>).map(([k, text]) => {
    const key = `localized.${q(k, 20).slice(1, -1)}`;
    return { at: { entry: key, locale: key }, rawLoc: k, text };
  });
}

function checkUrl(p: FieldProblem[], field: string, v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') {
    p.push({ field, message: 'must be a URL' });
    return null;
  }
  const s = v.trim();
  if (s.length > LIMITS.url) {
    p.push({ field, message: `is ${s.length} characters; the limit is ${LIMITS.url}` });
    return null;
  }
  const problem = httpUrlProblem(s);
  // The URL is echoed cut to 80 characters, its user:password part (if any) hidden: answers are logged and stored too.
  const shown = `"${redactUrlCredentials(s).slice(0, 80)}"`;
  if (problem === 'not-http')
    p.push({ field, message: `${shown} is not an http(s) URL: give the full address, e.g. https://cdn.example.com/art.jpg (a port, if any, from 1 to 65535)` });
  else if (problem === 'port-0')
    p.push({ field, message: `${shown} has port 0, which no server can listen on: give a port from 1 to 65535, or none for the default (80 or 443)` });
  else if (problem === 'credentials')
    p.push({
      field,
      message: `${shown} has a user:password part: remove it (media URLs are fetched without credentials, and shown to every editor). Use a public or signed URL instead`,
    });
  return problem ? null : s;
}

function checkText(p: FieldProblem[], field: string, v: unknown, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    p.push({ field, message: 'must be text' });
    return null;
  }
  const t = v.trim();
  if (t.length > max) p.push({ field, message: `is ${t.length} characters; the limit is ${max}` });
  return t === '' ? null : t;
}

function checkTags(p: FieldProblem[], field: string, v: unknown, maxCount: number): string[] {
  const arr = list(v);
  if (arr === null) {
    p.push({ field, message: 'must be a list' });
    return [];
  }
  const out: string[] = [];
  arr.forEach((raw, i) => {
    const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (!TAG.test(t) || t.length > LIMITS.topic) {
      p.push({
        field: `${field}[${i}]`,
        message: `${q(raw)} must be lowercase letters and digits joined by single dashes or underscores, with no leading, trailing or doubled dash (like "slow-jazz"), at most ${LIMITS.topic} characters`,
      });
    } else if (!out.includes(t)) out.push(t);
  });
  if (out.length > maxCount) p.push({ field, message: `has ${out.length} entries; the limit is ${maxCount}` });
  return out;
}

/**
 * Checks the shape of an item and normalises it. Problems here reject the save: the item could not be stored
 * sensibly. Gaps that only matter at launch (a missing translation, missing media) are reported by
 * `launchReadiness` instead, so editors can save work in progress.
 */
export function validateItemInput(input: ItemInputLike): { fields: ItemFields; problems: FieldProblem[] } {
  // Sizes first, from lengths alone: a list of 200,000 topics is refused for its length without checking each one
  // (which answered 200,000 problems, 41 MB).
  const tooLong = oversized(input);
  if (tooLong.length) return { fields: emptyFields(), problems: tooLong };
  const p: FieldProblem[] = [];
  // Checked first and alone: the other checks echo values into their messages, which are stored too.
  findUnstorable(input, '', p, 0);
  if (p.length) return { fields: emptyFields(), problems: capProblems(p) };

  const slug = str(input.slug);
  if (!slug) p.push({ field: 'slug', message: 'is required' });
  else if (slug.length > LIMITS.slug) p.push({ field: 'slug', message: `is ${slug.length} characters; the limit is ${LIMITS.slug}` });
  else if (!SLUG.test(slug))
    p.push({ field: 'slug', message: `${q(slug)} must be lowercase letters and digits separated by single dashes, like "evening-calm"` });

  const kind = str(input.kind);
  let def: KindDefinition | undefined;
  if (!kind) p.push({ field: 'kind', message: `is required; one of ${KIND_KEYS.join(', ')}` });
  else if (!(def = kindDefinition(kind))) p.push({ field: 'kind', message: `${q(kind)} is not a content kind; use one of ${KIND_KEYS.join(', ')}` });

  const rawDefault = str(input.defaultLocale);
  let defaultLocale: string | null = null;
  if (!rawDefault) p.push({ field: 'defaultLocale', message: 'is required, e.g. "en"' });
  else if (!(defaultLocale = canonicalLocale(rawDefault)))
    p.push({ field: 'defaultLocale', message: `${q(rawDefault)} is not a valid locale code; use a code like "en", "de" or "pt-BR"` });

  const locales: string[] = [];
  const rawLocales = list(input.locales);
  if (rawLocales === null) p.push({ field: 'locales', message: 'must be a list of locale codes' });
  else {
    rawLocales.forEach((l, i) => {
      const c = typeof l === 'string' ? canonicalLocale(l.trim()) : null;
      if (!c) p.push({ field: `locales[${i}]`, message: `${q(l)} is not a valid locale code; use a code like "en", "de" or "pt-BR"` });
      else if (!locales.includes(c)) locales.push(c);
    });
  }
  if (defaultLocale && !locales.includes(defaultLocale)) locales.unshift(defaultLocale);
  if (locales.length > LIMITS.locales) p.push({ field: 'locales', message: `has ${locales.length} locales; the limit is ${LIMITS.locales}` });

  const localized: Record<string, LocalizedText> = {};
  const rawLocalized = input.localized;
  if (rawLocalized !== undefined && rawLocalized !== null) {
    const entries = localizedEntries(rawLocalized);
    if (!entries) p.push({ field: 'localized', message: 'must map locale codes to texts, or list texts with their locale' });
    else {
      // Where each canonical locale was first given: a second text for it is refused, never merged or dropped.
      const seen = new Map<string, string>();
      for (const { at, rawLoc, text } of entries) {
        if (rawLoc === undefined || rawLoc === null || rawLoc === '') {
          p.push({ field: at.locale, message: 'is required: the locale code these texts are in, e.g. "en"' });
          continue;
        }
        const loc = typeof rawLoc === 'string' ? canonicalLocale(rawLoc) : null;
        if (!loc) {
          p.push({
            field: at.locale,
            message: `${q(rawLoc)} is not a valid locale code; use a code like "en", "de" or "pt-BR"`,
          });
          continue;
        }
        const first = seen.get(loc);
        if (first !== undefined) {
          p.push({
            field: at.locale,
            message: `${q(rawLoc, 20)} gives texts for ${loc} a second time (first at ${first}); give each locale once, with all its texts in one entry`,
          });
          continue;
        }
        seen.set(loc, at.entry);
        const t = (text ?? {}) as Record<string, unknown>;
        const entry: LocalizedText = {
          title: checkText(p, `localized.${loc}.title`, t.title, LIMITS.title),
          subtitle: checkText(p, `localized.${loc}.subtitle`, t.subtitle, LIMITS.subtitle),
          description: checkText(p, `localized.${loc}.description`, t.description, LIMITS.description),
        };
        if (entry.title || entry.subtitle || entry.description) {
          localized[loc] = entry;
          if (!locales.includes(loc)) locales.push(loc);
        }
      }
    }
  }
  if (defaultLocale && !localized[defaultLocale]?.title) {
    p.push({ field: `localized.${defaultLocale}.title`, message: `is required in the default locale (${defaultLocale})` });
  }

  let durationSeconds: number | null = null;
  if (input.durationSeconds !== undefined && input.durationSeconds !== null && input.durationSeconds !== '') {
    const n = typeof input.durationSeconds === 'string' ? Number(input.durationSeconds) : input.durationSeconds;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > LIMITS.maxDurationSeconds) {
      p.push({
        field: 'durationSeconds',
        // Text comes from imports, which also read clock forms (parseDuration): the message names them.
        message:
          typeof input.durationSeconds === 'string' && Number.isNaN(n)
            ? `${q(input.durationSeconds)} is not a duration; write whole seconds (600), mm:ss (10:00) or h:mm:ss (1:02:03), with minutes and seconds from 00 to 59, up to ${LIMITS.maxDurationSeconds / 3600} hours`
            : `must be a whole number of seconds from 1 to ${LIMITS.maxDurationSeconds}`,
      });
    } else durationSeconds = n;
  }

  const media = (input.media ?? {}) as Record<string, unknown>;
  const mediaOut = {
    audioUrl: checkUrl(p, 'media.audioUrl', media.audioUrl),
    videoUrl: checkUrl(p, 'media.videoUrl', media.videoUrl),
    artworkUrl: checkUrl(p, 'media.artworkUrl', media.artworkUrl),
  };
  if (def && def.media.audio === 'none' && mediaOut.audioUrl) p.push({ field: 'media.audioUrl', message: `a ${def.label.toLowerCase()} has no audio` });
  if (def && def.media.video === 'none' && mediaOut.videoUrl) p.push({ field: 'media.videoUrl', message: `a ${def.label.toLowerCase()} has no video` });

  const topics = checkTags(p, 'topics', input.topics, LIMITS.topics);
  const collections = checkTags(p, 'collections', input.collections, LIMITS.collections);

  let availability: 'free' | 'premium' = 'free';
  if (input.availability !== undefined && input.availability !== null && input.availability !== '') {
    const a = String(input.availability).toLowerCase();
    if (a !== 'free' && a !== 'premium') p.push({ field: 'availability', message: `${q(input.availability)} must be "free" or "premium"` });
    else availability = a;
  }

  const platforms: Platform[] = [];
  const rawPlatforms = list(input.platforms);
  if (rawPlatforms === null) p.push({ field: 'platforms', message: 'must be a list' });
  else {
    rawPlatforms.forEach((pl, i) => {
      const v = String(pl).trim().toLowerCase() as Platform;
      if (!PLATFORMS.includes(v)) p.push({ field: `platforms[${i}]`, message: `${q(pl)} must be one of ${PLATFORMS.join(', ')}` });
      else if (!platforms.includes(v)) platforms.push(v);
    });
  }
  if (platforms.length === 0 && rawPlatforms !== null) platforms.push(...PLATFORMS);

  let minAppVersion: string | null = null;
  const rawMin = str(input.minAppVersion);
  if (rawMin) {
    if (!isValidAppVersion(rawMin)) p.push({ field: 'minAppVersion', message: `${q(rawMin)} ${APP_VERSION_EXPECTED}` });
    else minAppVersion = rawMin;
  }

  const attributes: Record<string, string | number> = {};
  const rawAttrs = input.attributes;
  if (rawAttrs !== undefined && rawAttrs !== null) {
    if (typeof rawAttrs !== 'object' || Array.isArray(rawAttrs)) p.push({ field: 'attributes', message: 'must map attribute names to values' });
    else if (def) {
      for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) {
        const ad = def.attributes.find((a) => a.key === k);
        if (!ad) {
          p.push({
            field: `attributes.${q(k, 40).slice(1, -1)}`,
            message: `a ${def.label.toLowerCase()} has no ${q(k)}; allowed: ${def.attributes.map((a) => a.key).join(', ')}`,
          });
          continue;
        }
        if (v === null || v === undefined || v === '') continue;
        if (ad.type === 'number') {
          const n = typeof v === 'string' ? Number(v) : v;
          if (typeof n !== 'number' || !Number.isFinite(n) || (ad.min !== undefined && n < ad.min) || (ad.max !== undefined && n > ad.max)) {
            p.push({ field: `attributes.${k}`, message: `must be a number${ad.min !== undefined ? ` from ${ad.min} to ${ad.max}` : ''}` });
          } else attributes[k] = n;
        } else {
          // Text stays text: a number (or true) is refused rather than stored as its digits, which the client did not send.
          if (typeof v !== 'string') {
            const scalar = typeof v === 'number' || typeof v === 'boolean';
            p.push({
              field: `attributes.${k}`,
              message: scalar ? `must be text, not the ${typeof v} ${String(v)}; send it in quotes: ${q(String(v))}` : 'must be text, not a list or object',
            });
            continue;
          }
          const t = checkText(p, `attributes.${k}`, v, ad.maxLength ?? 200);
          if (t) attributes[k] = t;
        }
      }
    }
  }

  const sessions: string[] = [];
  const rawSessions = list(input.sessions);
  if (rawSessions === null) p.push({ field: 'sessions', message: 'must be a list of item ids' });
  else if (rawSessions.length > 0) {
    if (def && !def.sessions) p.push({ field: 'sessions', message: `only a course has sessions, not a ${def.label.toLowerCase()}` });
    rawSessions.forEach((s, i) => {
      const v = typeof s === 'string' ? s.trim() : '';
      if (!v) p.push({ field: `sessions[${i}]`, message: 'must be an item id or slug' });
      else if (sessions.includes(v)) p.push({ field: `sessions[${i}]`, message: `${q(v)} is listed twice` });
      else sessions.push(v);
    });
    if (def?.sessions && sessions.length > def.sessions.max)
      p.push({ field: 'sessions', message: `has ${sessions.length}; a course holds at most ${def.sessions.max}` });
  }

  const fields: ItemFields = {
    slug: slug ?? '',
    kind: kind ?? '',
    defaultLocale: defaultLocale ?? '',
    locales,
    localized,
    durationSeconds,
    media: mediaOut,
    topics,
    collections,
    availability,
    platforms,
    minAppVersion,
    attributes,
    sessions,
  };
  return { fields, problems: capProblems(p) };
}

/** Lists and maps longer than their limits, told by their length alone (duplicates count). */
function oversized(input: ItemInputLike): FieldProblem[] {
  const p: FieldProblem[] = [];
  const lists: [keyof ItemInputLike, number][] = [
    ['locales', LIMITS.locales],
    ['topics', LIMITS.topics],
    ['collections', LIMITS.collections],
    ['platforms', LIMITS.platforms],
    ['sessions', LIMITS.sessions],
  ];
  for (const [field, max] of lists) {
    const v = input[field];
    if (Array.isArray(v) && v.length > max) p.push({ field, message: `has ${v.length} entries; the limit is ${max}. Send at most ${max}, without repeats` });
  }
  const maps: [keyof ItemInputLike, number, string][] = [
    ['localized', LIMITS.locales, 'locales'],
    ['attributes', LIMITS.attributes, 'attributes'],
  ];
  for (const [field, max, what] of maps) {
    const v = input[field];
    const n = Array.isArray(v) ? v.length : v && typeof v === 'object' ? countKeys(v, max) : 0;
    if (n > max) p.push({ field, message: `has ${n > max + 1 ? `more than ${max}` : n} ${what}; the limit is ${max}` });
  }
  return p;
}

/** Own enumerable keys of `o`, counting no further than one past `max`. */
function countKeys(o: object, max: number): number {
  let n = 0;
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k) && ++n > max) return n + 1;
  return n;
}

/** The first MAX_REPORTED_PROBLEMS problems, and a last entry counting the rest. */
function capProblems(p: FieldProblem[]): FieldProblem[] {
  if (p.length <= MAX_REPORTED_PROBLEMS) return p;
  const more = p.length - MAX_REPORTED_PROBLEMS;
  return [
    ...p.slice(0, MAX_REPORTED_PROBLEMS),
    { field: 'input', message: `has ${more} more problem${more === 1 ? '' : 's'} not listed here; fix these and send it again to see the rest` },
  ];
}

export interface LocaleCompleteness {
  locale: string;
  complete: boolean;
  missing: string[];
}

/** Per target locale: which required localized fields are still empty. */
export function localeCompleteness(fields: ItemFields): LocaleCompleteness[] {
  const def = kindDefinition(fields.kind);
  return fields.locales.map((locale) => {
    const t = fields.localized[locale] ?? {};
    const missing: string[] = [];
    if (def) {
      for (const f of ['title', 'subtitle', 'description'] as const) {
        if (def.localized[f] === 'required' && !t[f]) missing.push(f);
      }
    }
    return { locale, complete: missing.length === 0, missing };
  });
}

export interface ReadinessProblem {
  field: string;
  locale?: string;
  message: string;
}

/**
 * Everything that must be true before a version can be submitted or launched, besides the shape checks above.
 * Messages name the item and locale so an editor knows exactly what to fix.
 */
export function launchReadiness(fields: ItemFields): ReadinessProblem[] {
  const def = kindDefinition(fields.kind);
  const out: ReadinessProblem[] = [];
  if (!def) return [{ field: 'kind', message: `"${fields.kind}" is not a content kind` }];
  const label = LOCALE_NAMES(fields);
  for (const c of localeCompleteness(fields)) {
    for (const m of c.missing) out.push({ field: `localized.${c.locale}.${m}`, locale: c.locale, message: `${label(c.locale)} ${m} is missing` });
  }
  if (def.media.artwork === 'required' && !fields.media.artworkUrl) out.push({ field: 'media.artworkUrl', message: 'artwork is missing' });
  if (def.media.audio === 'required' && !fields.media.audioUrl) out.push({ field: 'media.audioUrl', message: 'audio is missing' });
  if (def.media.video === 'required' && !fields.media.videoUrl) out.push({ field: 'media.videoUrl', message: 'video is missing' });
  if (def.media.playable && !fields.media.audioUrl && !fields.media.videoUrl)
    out.push({ field: 'media.audioUrl', message: 'an audio or video file is needed' });
  if (def.duration === 'required' && !fields.durationSeconds) out.push({ field: 'durationSeconds', message: 'duration is missing' });
  for (const a of def.attributes) {
    if (a.required && (fields.attributes[a.key] === undefined || fields.attributes[a.key] === ''))
      out.push({ field: `attributes.${a.key}`, message: `${a.label.toLowerCase()} is missing` });
  }
  if (def.sessions && fields.sessions.length < def.sessions.min)
    out.push({ field: 'sessions', message: `a course needs at least ${def.sessions.min} session` });
  return out;
}

function LOCALE_NAMES(fields: ItemFields) {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    names = null;
  }
  return (locale: string) => {
    const n = names?.of(locale);
    return n && n !== locale ? `${n} (${locale})` : locale === fields.defaultLocale ? `default-locale (${locale})` : locale;
  };
}
