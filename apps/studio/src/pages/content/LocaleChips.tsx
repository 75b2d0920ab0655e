import { localeName } from '../../lib/format';

/** Target locales of an item, each marked complete or still missing required text. */
export function LocaleChips({ locales, complete, defaultLocale }: { locales: string[]; complete: string[]; defaultLocale?: string }) {
  return (
    <span className="locale-chips" data-testid="locale-chips">
      {locales.map((l) => {
        const ok = complete.includes(l);
        return (
          <span
            key={l}
            className={`locale-chip ${ok ? 'is-complete' : 'is-incomplete'}`}
            title={`${localeName(l)}${l === defaultLocale ? ' (default)' : ''}: ${ok ? 'complete' : 'incomplete'}`}
          >
            <span className="dot" aria-hidden="true" />
            {l}
          </span>
        );
      })}
    </span>
  );
}
