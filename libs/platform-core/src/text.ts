/**
 * PostgreSQL cannot store a NUL (U+0000) in text or jsonb, and a lone UTF-16 surrogate is not Unicode at all (the
 * driver silently turns it into U+FFFD in text, and jsonb refuses it). Either one in a batched INSERT fails the whole
 * statement, so every writer checks its rows with this before a batch and keeps the rest of the batch.
 */
// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be stored as text, or null when it can. */
export function unstorableText(s: string): string | null {
  const m = UNSTORABLE.exec(s);
  if (!m) return null;
  return m[0] === '\u0000'
    ? `a NUL byte (U+0000) at character ${m.index + 1}`
    : `a lone surrogate (U+${m[0].charCodeAt(0).toString(16).toUpperCase()}) at character ${m.index + 1}`;
}

/** The first string anywhere in `value` (walking arrays and plain objects, keys included) that cannot be stored. */
export function findUnstorableText(value: unknown, path = ''): { path: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    return problem ? { path: path || '(value)', problem } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorableText(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      const keyProblem = unstorableText(k);
      const at = path ? `${path}.${k}` : k;
      if (keyProblem) return { path: at, problem: `${keyProblem} in the key` };
      const hit = findUnstorableText(v, at);
      if (hit) return hit;
    }
  }
  return null;
}

/** How many characters of a user's value a message repeats, by default. */
export const ECHO_CHARS = 60;

/**
 * A value the caller sent, quoted for an error message: JSON-escaped (so a control character, quote or lone surrogate
 * shows as an escape) and, past `max` characters, cut with an ellipsis and its length, e.g. `"aaaa…" (900000
 * characters)`. A message then costs the same whatever the caller sent. Lists and objects are named, not rendered.
 */
export function quoteInput(value: unknown, max = ECHO_CHARS): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) s = String(value);
  else return Array.isArray(value) ? `a list of ${value.length}` : 'an object';
  if (s.length <= max) return JSON.stringify(s);
  // Do not leave half of a surrogate pair at the cut.
  const cut = /[\uD800-\uDBFF]/.test(s[max - 1]) ? max - 1 : max;
  return `${JSON.stringify(s.slice(0, cut) + '…')} (${s.length} characters)`;
}

/**
 * Values the caller sent, for an error message: the first `max` quoted as quoteInput does, then how many more there
 * are, e.g. `"a", "b", "c" and 99997 more`. A message naming what was wrong then stays small however long the list.
 */
export function echoList(values: readonly unknown[], max = 5): string {
  const shown = values.slice(0, max).map((v) => quoteInput(v));
  return values.length > max ? `${shown.join(', ')} and ${values.length - max} more` : shown.join(', ');
}

/* eslint-disable no-control-regex -- finding control characters is the point */
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */
/** Embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), the LTR/RTL marks and the Arabic letter mark. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
/** Zero width space, non-joiner and joiner (U+200B–U+200D), word joiner (U+2060), zero width no-break space / BOM (U+FEFF). */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;
/** Every character an identifier may not hold, one class: line breaks, C0, DEL, C1, bidi controls, zero-width. */
const NOT_IN_ID = new RegExp(`${LINE_BREAK.source}|${CONTROL.source}|${BIDI_CONTROL.source}|${ZERO_WIDTH.source}`);

/** The rule an identifier breaks, for a message. */
export const CLIENT_ID_RULE =
  'an id must be visible text: no line breaks, control characters (U+0000–U+001F, U+007F–U+009F), bidi controls or zero-width characters';

/**
 * Why `value` cannot be an identifier a client chose (a feed's userId), or null when it can. Such ids are stored and
 * shown in staff tools, where a line break splits a row, a bidi override reverses what follows ("\u202Eevil" shows
 * as "live") and a zero-width character makes two different ids look the same. The message names the character, its
 * position (counted from 1, in UTF-16 code units) and the rule, and completes "The userId …", e.g. "contains the line break
 * U+000A at character 4; an id must be visible text: …".
 */
export function clientIdProblem(value: string): string | null {
  const m = NOT_IN_ID.exec(value);
  if (m) {
    const c = m[0];
    const kind = LINE_BREAK.test(c)
      ? 'line break'
      : CONTROL.test(c)
        ? 'control character'
        : BIDI_CONTROL.test(c)
          ? 'bidirectional control character'
          : 'zero-width character';
    return `contains the ${kind} U+${codePoint(c)} at character ${m.index + 1}; ${CLIENT_ID_RULE}`;
  }
  const unstorable = unstorableText(value);
  return unstorable ? `contains ${unstorable}; remove it` : null;
}

/** The longest user id a person may be named by (feed, editorialFeed, a feedPreview or catalogAt persona). */
export const CLIENT_USER_ID_MAX_CHARS = 128;

/**
 * Why `value` cannot be the user id of a person, as a client's feed or a Studio persona names them, or null when it
 * can: 1 to CLIENT_USER_ID_MAX_CHARS characters, and what clientIdProblem allows. Completes "The userId …".
 */
export function userIdProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length < 1 || value.length > CLIENT_USER_ID_MAX_CHARS) return `must be 1 to ${CLIENT_USER_ID_MAX_CHARS} characters`;
  return clientIdProblem(value);
}

/**
 * Why `value` cannot be a one-line name shown to people (an API key's or a user's display name, a release's), or null
 * when it can. A line break, another control character (C0, DEL, C1; a tab too) or a bidirectional control is
 * refused: "\u202Egnp.exe" showed as "exe.png" in the Studio, and a newline split one name into two rows. The message
 * completes "The name …", e.g. "contains a line break; use one line".
 */
export function nameProblem(value: string): string | null {
  if (LINE_BREAK.test(value)) return 'contains a line break; use one line';
  const control = CONTROL.exec(value);
  if (control) return `contains the control character U+${codePoint(control[0])} at character ${control.index + 1}; remove it`;
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi)
    return `contains the bidirectional control character U+${codePoint(bidi[0])} at character ${bidi.index + 1}, which changes how the name reads; remove it`;
  const unstorable = unstorableText(value);
  return unstorable ? `contains ${unstorable}; remove it` : null;
}

function codePoint(c: string): string {
  return c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
}
