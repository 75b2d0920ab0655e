import { VIEWER_PLATFORMS, VIEWER_TIER } from '@marquee/catalog';
import { FieldProblem, nameProblem, quoteInput, unstorableText } from '@marquee/platform-core';

/**
 * The bounds of what an editor can write into a release. Every one of them is shown on the release page and in the
 * audit log, so each is small: a 900,000-character description made every `releases` answer 1.8 MB, and 50,000 tiers
 * made the release page's header 894,466 px tall.
 */
export const RELEASE_LIMITS = {
  nameChars: 120,
  descriptionChars: 2000,
  /** Entries per audience list (locales, platforms, tiers), as sent. */
  audienceEntries: 20,
  /** Characters per audience entry, as sent. */
  audienceEntryChars: 64,
} as const;

/** Why a release name cannot be used, or null: empty, too long, or not one line of plain text. */
export function releaseNameProblem(name: string): string | null {
  if (!name) return 'must not be empty';
  if (name.length > RELEASE_LIMITS.nameChars) return `must be at most ${RELEASE_LIMITS.nameChars} characters (it has ${name.length})`;
  // One line of plain text: the check API key names and display names share (platform-core's nameProblem).
  return nameProblem(name);
}

/** Why a description cannot be stored, or null. Line breaks are fine in a description. */
export function releaseDescriptionProblem(description: string): string | null {
  if (description.length > RELEASE_LIMITS.descriptionChars)
    return `must be at most ${RELEASE_LIMITS.descriptionChars} characters (it has ${description.length})`;
  const unstorable = unstorableText(description);
  if (unstorable) return `contains ${unstorable}`;
  return null;
}

export interface AudienceLists {
  locales: string[];
  platforms: string[];
  tiers: string[];
}

/**
 * Checks an audience and returns it in canonical form, each list without repeats (first spelling's position kept).
 * `canonicalLocale` is the catalogue's, so a release targets locales spelled the way items are.
 */
export function checkAudience(
  a: Partial<Record<keyof AudienceLists, readonly string[] | null>>,
  canonicalLocale: (raw: string) => string | null,
): { audience: AudienceLists; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const rules: Record<keyof AudienceLists, { canon: (raw: string) => string | null; expected: string }> = {
    locales: { canon: canonicalLocale, expected: 'a BCP 47 locale code such as "en", "de-AT" or "pt-BR"' },
    platforms: { canon: (p) => (VIEWER_PLATFORMS.includes(p.trim().toLowerCase()) ? p.trim().toLowerCase() : null), expected: 'ios, android or web' },
    tiers: {
      canon: (t) => (VIEWER_TIER.test(t.trim().toLowerCase()) ? t.trim().toLowerCase() : null),
      expected: 'a lowercase tier name of 1 to 20 letters, digits, "-" or "_", such as "free"',
    },
  };
  const audience: AudienceLists = { locales: [], platforms: [], tiers: [] };
  for (const key of Object.keys(rules) as (keyof AudienceLists)[]) {
    const list = a[key] ?? [];
    const field = `audience.${key}`;
    if (list.length > RELEASE_LIMITS.audienceEntries) {
      problems.push({ field, message: `has ${list.length} entries; at most ${RELEASE_LIMITS.audienceEntries} are allowed` });
      continue;
    }
    const seen = new Set<string>();
    for (const raw of list) {
      if (raw.length > RELEASE_LIMITS.audienceEntryChars) {
        problems.push({ field, message: `${quoteInput(raw)} is longer than ${RELEASE_LIMITS.audienceEntryChars} characters` });
        continue;
      }
      const c = rules[key].canon(raw);
      if (!c) {
        problems.push({ field, message: `${quoteInput(raw)} is not ${rules[key].expected}` });
        continue;
      }
      if (!seen.has(c)) {
        seen.add(c);
        audience[key].push(c);
      }
    }
  }
  return { audience, problems: problems.slice(0, 10) };
}
