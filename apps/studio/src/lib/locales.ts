/** Locales offered in pickers; any valid BCP 47 code can still be typed. */
export const COMMON_LOCALES = ['en', 'de', 'es', 'fr', 'it', 'pt-BR', 'nl', 'sv', 'da', 'pl', 'tr', 'ja', 'ko', 'zh-Hans', 'zh-Hant', 'ar', 'hi'];

/** The same shape check the API applies (language, optional script, optional region), after canonicalising case. */
export function canonicalLocale(raw: string): string | null {
  const t = raw.trim().replace('_', '-');
  if (!t || t.length > 20) return null;
  try {
    const [c] = Intl.getCanonicalLocales(t);
    return c && /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/.test(c) ? c : null;
  } catch {
    return null;
  }
}
