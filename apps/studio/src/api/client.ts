import type { ErrorCode as ServerErrorCode } from './generated/schema-enums';
import type { TypedDocumentString } from './generated/graphql';

/**
 * The one way the Studio talks to the API: plain fetch to /graphql with the session cookie, sending documents
 * generated from schema.graphql (`graphql()` in ./generated), so every result and variable is typed by the schema.
 * Every failure becomes an ApiError with a stable code, so pages can branch on it.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The server's codes (the schema's ErrorCode enum), and the two the Studio itself raises. */
export type ErrorCode = ServerErrorCode | 'NETWORK_ERROR' | 'ABORTED' | (string & {});

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly problems: FieldProblem[];
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, problems: FieldProblem[] = [], extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.problems = problems;
    this.extensions = extensions;
  }

  /** Problems keyed by field path; the first message wins when a field has several. */
  problemMap(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.problems) if (!(p.field in out)) out[p.field] = p.message;
    return out;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') return new ApiError('ABORTED', 'The request was cancelled.');
  return new ApiError('NETWORK_ERROR', 'Marquee could not be reached. Check your connection and try again.');
}

type Listener = (e: ApiError) => void;
const unauthenticatedListeners = new Set<Listener>();

/** The auth provider subscribes here, so an expired session anywhere sends the user to the login page. */
export function onUnauthenticated(fn: Listener): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

function notifyUnauthenticated(e: ApiError): void {
  for (const fn of unauthenticatedListeners) fn(e);
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; problems?: FieldProblem[] } & Record<string, unknown>;
}

function errorFrom(err: GraphQLErrorBody): ApiError {
  const ext = err.extensions ?? {};
  const problems = Array.isArray(ext.problems) ? ext.problems.filter((p): p is FieldProblem => !!p && typeof p.field === 'string') : [];
  return new ApiError(ext.code ?? 'INTERNAL_SERVER_ERROR', err.message, problems, ext);
}

export interface GqlOptions {
  signal?: AbortSignal;
  /** Do not redirect to the login page on UNAUTHENTICATED (the login form itself, `me`). */
  quietAuth?: boolean;
}

export async function gql<T, V>(document: TypedDocumentString<T, V>, variables: V = {} as V, options: GqlOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: options.signal,
    });
  } catch (e) {
    throw toApiError(e);
  }
  let body: { data?: T | null; errors?: GraphQLErrorBody[] };
  try {
    body = await res.json();
  } catch {
    throw new ApiError(
      res.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL_SERVER_ERROR',
      `The API answered ${res.status} ${res.statusText || ''} without a readable body.`.trim(),
    );
  }
  if (body.errors?.length) {
    const error = errorFrom(body.errors[0]);
    if (error.code === 'UNAUTHENTICATED' && !options.quietAuth) notifyUnauthenticated(error);
    throw error;
  }
  if (!body.data) throw new ApiError('INTERNAL_SERVER_ERROR', 'The API returned no data.');
  return body.data;
}

/** REST routes (imports) answer errors in the GraphQL shape too: `{ errors: [{ message, extensions: { code } }] }`. */
export async function rest<T>(url: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'include', ...init });
  } catch (e) {
    throw toApiError(e);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const errors = (body as { errors?: GraphQLErrorBody[] } | null)?.errors;
    const fallback: Record<number, ErrorCode> = {
      400: 'BAD_USER_INPUT',
      401: 'UNAUTHENTICATED',
      403: 'FORBIDDEN',
      404: 'NOT_FOUND',
      409: 'CONFLICT',
      413: 'PAYLOAD_TOO_LARGE',
      429: 'RATE_LIMITED',
    };
    const error = errors?.length ? errorFrom(errors[0]) : new ApiError(fallback[res.status] ?? 'INTERNAL_SERVER_ERROR', `The request failed (${res.status}).`);
    if (error.code === 'UNAUTHENTICATED') notifyUnauthenticated(error);
    throw error;
  }
  return body as T;
}
