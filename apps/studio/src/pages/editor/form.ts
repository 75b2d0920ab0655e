import type { FieldProblem } from '../../api/client';
import type { ContentKind, ItemFields, ItemInput, ItemSummary, Requirement } from '../../api/types';
import type { FieldRequirement } from '../../components/Field';
import { formatDuration, parseDuration } from '../../lib/format';

/** The editor's working copy of an item: strings for every input, converted to an ItemInput on save. */
export interface LocaleText {
  title: string;
  subtitle: string;
  description: string;
}

export interface SessionRef {
  id: string;
  slug: string;
  title: string;
  kind: string;
  /** The referenced item could not be loaded (deleted or not visible). */
  missing?: boolean;
}

export interface ItemForm {
  slug: string;
  kind: string;
  defaultLocale: string;
  locales: string[];
  localized: Record<string, LocaleText>;
  duration: string;
  audioUrl: string;
  videoUrl: string;
  artworkUrl: string;
  topics: string[];
  collections: string[];
  availability: string;
  platforms: string[];
  minAppVersion: string;
  attributes: Record<string, string>;
  sessions: SessionRef[];
}

export const PLATFORMS = ['ios', 'android', 'web'] as const;
export const PLATFORM_LABELS: Record<string, string> = { ios: 'iOS', android: 'Android', web: 'Web' };
export const LOCALIZED_FIELDS = ['title', 'subtitle', 'description'] as const;
export type LocalizedField = (typeof LOCALIZED_FIELDS)[number];

export const emptyText = (): LocaleText => ({ title: '', subtitle: '', description: '' });

export function emptyForm(kind = 'meditation', locale = 'en'): ItemForm {
  return {
    slug: '',
    kind,
    defaultLocale: locale,
    locales: [locale],
    localized: { [locale]: emptyText() },
    duration: '',
    audioUrl: '',
    videoUrl: '',
    artworkUrl: '',
    topics: [],
    collections: [],
    availability: 'free',
    platforms: [...PLATFORMS],
    minAppVersion: '',
    attributes: {},
    sessions: [],
  };
}

export function formFromFields(f: ItemFields, sessions: Record<string, ItemSummary | null> = {}): ItemForm {
  const localized: Record<string, LocaleText> = {};
  for (const l of f.locales) localized[l] = emptyText();
  for (const t of f.localized) localized[t.locale] = { title: t.title ?? '', subtitle: t.subtitle ?? '', description: t.description ?? '' };
  const locales = [...f.locales];
  for (const l of Object.keys(localized)) if (!locales.includes(l)) locales.push(l);
  return {
    slug: f.slug,
    kind: f.kind,
    defaultLocale: f.defaultLocale,
    locales,
    localized,
    duration: formatDuration(f.durationSeconds),
    audioUrl: f.media.audioUrl ?? '',
    videoUrl: f.media.videoUrl ?? '',
    artworkUrl: f.media.artworkUrl ?? '',
    topics: [...f.topics],
    collections: [...f.collections],
    availability: f.availability,
    platforms: [...f.platforms],
    minAppVersion: f.minAppVersion ?? '',
    attributes: Object.fromEntries(Object.entries(f.attributes ?? {}).map(([k, v]) => [k, String(v)])),
    sessions: f.sessions.map((id) => {
      const s = sessions[id];
      return s ? { id, slug: s.slug, title: s.title, kind: s.kind } : { id, slug: id, title: 'Unknown item', kind: '', missing: true };
    }),
  };
}

const blank = (s: string) => (s.trim() === '' ? null : s.trim());

/** Builds the API input; problems found here (a duration that is not a time) stop the save before the request. */
export function formToInput(form: ItemForm, kind: ContentKind | undefined): { input: ItemInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const duration = parseDuration(form.duration);
  if (duration === undefined) problems.push({ field: 'durationSeconds', message: 'Enter seconds (600) or minutes and seconds (10:00).' });

  const attributes: Record<string, string | number> = {};
  for (const a of kind?.attributes ?? []) {
    const raw = (form.attributes[a.key] ?? '').trim();
    if (!raw) continue;
    if (a.type === 'NUMBER') {
      const n = Number(raw);
      if (!Number.isFinite(n)) problems.push({ field: `attributes.${a.key}`, message: 'must be a number' });
      else attributes[a.key] = n;
    } else attributes[a.key] = raw;
  }

  const input: ItemInput = {
    slug: form.slug.trim(),
    kind: form.kind,
    defaultLocale: form.defaultLocale,
    locales: form.locales,
    localized: form.locales.map((locale) => {
      const t = form.localized[locale] ?? emptyText();
      return { locale, title: blank(t.title), subtitle: blank(t.subtitle), description: blank(t.description) };
    }),
    durationSeconds: duration ?? null,
    media: {
      audioUrl: kind?.media.audio === 'NONE' ? null : blank(form.audioUrl),
      videoUrl: kind?.media.video === 'NONE' ? null : blank(form.videoUrl),
      artworkUrl: blank(form.artworkUrl),
    },
    topics: form.topics,
    collections: form.collections,
    availability: form.availability,
    platforms: form.platforms,
    minAppVersion: blank(form.minAppVersion),
    attributes,
    sessions: kind?.hasSessions ? form.sessions.map((s) => s.id) : [],
  };
  return { input, problems };
}

/** Which required localized fields are still empty, per locale, as the API computes it. */
export function missingIn(form: ItemForm, kind: ContentKind | undefined, locale: string): LocalizedField[] {
  if (!kind) return [];
  const t = form.localized[locale] ?? emptyText();
  return LOCALIZED_FIELDS.filter((f) => kind.localized[f] === 'REQUIRED' && !t[f].trim());
}

const MARKER: Record<Requirement, FieldRequirement> = { REQUIRED: 'required', OPTIONAL: 'optional', NONE: 'none' };

/** How a field shows what the kind requires of it: a marker for REQUIRED, a quiet tag for OPTIONAL. */
export function fieldRequirement(r: Requirement | undefined): FieldRequirement {
  return r && MARKER[r];
}

/** "Evening Calm!" → "evening-calm" */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

/** Stable id of the input for a problem path, so readiness entries can focus it. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[.[\]]+/g, '-').replace(/-+$/, '')}`;
}

export function sameForm(a: ItemForm, b: ItemForm): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
