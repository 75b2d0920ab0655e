import { quoteInput, type FieldProblem } from '@marquee/platform-core';
import { APP_VERSION_EXPECTED, isValidAppVersion } from './app-version';
import { CLIENT_LOCALE_MAX_CHARS, clientLocale } from './validation';

/** What a client says about the person a feed or a preview is for, beside the user id. */
export interface ViewerContextInput {
  locale?: string | null;
  platform?: string | null;
  appVersion?: string | null;
  tier?: string | null;
}

/** The same, checked and in the form content and release audiences are matched on. */
export interface ViewerContext {
  locale: string | null;
  platform: string | null;
  appVersion: string | null;
  tier: string | null;
}

/** The platforms a viewer can be on, as a release audience names them too. */
export const VIEWER_PLATFORMS = ['ios', 'android', 'web'];
/** The shape of a viewer's tier, lowercased: a release audience's tier outside it could never match anyone. */
export const VIEWER_TIER = /^[a-z][a-z0-9_-]{0,19}$/;

/**
 * Checks a viewer's locale, platform, app version and tier: the one implementation behind `feed`, `editorialFeed`,
 * `feedPreview` (placement's checkViewer) and `catalogAt` (launch). Problems name the bare field (locale, platform,
 * appVersion, tier); each caller prefixes it as its API spells it (context.locale, persona.locale).
 */
export function checkViewerContext(c: ViewerContextInput | null | undefined): { context: ViewerContext; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const input = c ?? {};
  let locale: string | null = null;
  if (input.locale) {
    // Any well-formed BCP 47 tag (extensions, private use); the feed matches on its language, script and region.
    locale = clientLocale(input.locale);
    if (!locale && input.locale.length > CLIENT_LOCALE_MAX_CHARS)
      problems.push({ field: 'locale', message: `is ${input.locale.length} characters long; a locale tag may have at most ${CLIENT_LOCALE_MAX_CHARS}` });
    else if (!locale)
      problems.push({ field: 'locale', message: `${quoteInput(input.locale)} is not a locale code like "en", "pt-BR" or "zh-Hant-TW" (BCP 47)` });
  }
  const platform = input.platform ? input.platform.toLowerCase() : null;
  if (platform && !VIEWER_PLATFORMS.includes(platform)) problems.push({ field: 'platform', message: 'must be ios, android or web' });
  if (input.appVersion && !isValidAppVersion(input.appVersion)) problems.push({ field: 'appVersion', message: APP_VERSION_EXPECTED });
  const tier = input.tier ? input.tier.toLowerCase() : null;
  if (tier && !VIEWER_TIER.test(tier)) problems.push({ field: 'tier', message: 'must be a short lowercase name such as "free" or "premium"' });
  return { context: { locale, platform, tier, appVersion: input.appVersion ?? null }, problems };
}
