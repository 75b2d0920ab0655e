/** The content of one immutable version. Everything an editor can change lives here. */
export interface LocalizedText {
  title?: string | null;
  subtitle?: string | null;
  description?: string | null;
}

type Availability = 'free' | 'premium';
export type Platform = 'ios' | 'android' | 'web';
export const PLATFORMS: readonly Platform[] = ['ios', 'android', 'web'];

export interface ItemFields {
  slug: string;
  kind: string;
  defaultLocale: string;
  /** The locales this item is meant to ship in; each must be complete before it can launch. */
  locales: string[];
  localized: Record<string, LocalizedText>;
  durationSeconds: number | null;
  media: { audioUrl: string | null; videoUrl: string | null; artworkUrl: string | null };
  topics: string[];
  collections: string[];
  availability: Availability;
  platforms: Platform[];
  minAppVersion: string | null;
  attributes: Record<string, string | number>;
  /** Ordered session item ids (courses only). */
  sessions: string[];
}

export function mediaUrls(fields: ItemFields): string[] {
  return [fields.media.audioUrl, fields.media.videoUrl, fields.media.artworkUrl].filter((u): u is string => !!u);
}

/** Display title in a locale, falling back to the default locale. */
export function titleIn(fields: ItemFields, locale?: string | null): string {
  const pick = (l?: string | null) => (l ? fields.localized[l]?.title : undefined);
  return pick(locale) || pick(locale?.split('-')[0]) || pick(fields.defaultLocale) || fields.slug;
}
