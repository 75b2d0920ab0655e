import { Logger, HttpException } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ECHO_CHARS, isDomainError, quoteInput } from '@marquee/platform-core';
import { currentRequestId } from '@marquee/platform-observability';
import { limitError, tokenLimitFromMessage } from './limits';
import { ApiErrorCode, GRAPHQL_ERROR_CODES } from './error-codes';

const WRONG_VARIABLE = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/;

const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables, error limit reached\./;

const PASS_THROUGH = new Set<ApiErrorCode>([...GRAPHQL_ERROR_CODES, 'BAD_USER_INPUT']);

/**
 * Apollo's refusals of a request's shape (before any operation runs) say what is wrong but not what to send instead,
 * and one names Apollo: each is answered in our words, with what to do. Matched on Apollo's exact message.
 */
const REQUEST_SHAPE_MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /^Operation batching disabled\.$/,
    () =>
      'A JSON array of operations (a batch) is not accepted. Send each operation in a request of its own, with a JSON object body {"query": "...", "variables": {...}}.',
  ],
  [
    /^POST body missing, invalid Content-Type, or JSON object has no keys\.$/,
    () =>
      'The request holds no GraphQL operation. Send a POST with content-type: application/json and a JSON object body {"query": "...", "variables": {...}}.',
  ],
  [/^GraphQL queries must be strings\.$/, () => '"query" must be a string holding the GraphQL document, like {"query": "{ feed(…) { requestId } }"}.'],
  [
    /^Apollo Server supports only GET\/POST requests\.$/,
    () => '/graphql takes POST (any operation) and GET (queries only). Send the request as a POST with a JSON body.',
  ],
  [
    /^GET requests only support query operations, not (\w+) operations$/,
    (m) => `A ${m[1]} cannot be sent with GET (a link or a prefetch could run it). Send it as a POST with a JSON body.`,
  ],
  [
    /^Unknown operation named "([^]*)"\.$/,
    (m) =>
      `The document has no operation named ${quoteInput(m[1])}. Set operationName to one of the operations in the document, or leave it out when there is only one.`,
  ],
  [
    /^provided sha does not match query$/,
    () =>
      'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it. Send the hex SHA-256 of the exact query text, or leave persistedQuery out.',
  ],
  [
    /^Unsupported persisted query version$/,
    () => 'Only version 1 of persisted queries is supported. Send extensions.persistedQuery.version 1, or leave persistedQuery out.',
  ],
  [
    /^Must provide operation name if query contains multiple operations\.$/,
    () => 'The document holds several operations. Set operationName to the one to run.',
  ],
];

function requestShapeMessage(message: string): string {
  for (const [pattern, say] of REQUEST_SHAPE_MESSAGES) {
    const m = pattern.exec(message);
    if (m) return say(m);
  }
  return message;
}

const logger = new Logger('GraphQL');

const HTTP_CODES: Record<number, ApiErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/**
 * Domain errors keep their code, message and details. GraphQL's own errors (parse, validation, variables) pass
 * through. Anything else is an internal fault: it is logged with the request id and the caller sees only that id.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const requestId = currentRequestId();
  if (isDomainError(original)) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: original.code, ...original.details, requestId },
    };
  }
  if (original instanceof HttpException) {
    const status = original.getStatus();
    if (status < 500) {
      return { message: original.message, path: formatted.path, extensions: { code: HTTP_CODES[status] ?? 'BAD_REQUEST', requestId } };
    }
  }
  // Apollo refuses some requests with an error that carries an HTTP status (4xx) but no code, which it then labels
  // INTERNAL_SERVER_ERROR (a persisted-query hash that does not match its query, an unsupported version): the request's
  // shape is wrong, nothing ran, and nothing of ours failed.
  const own = original instanceof GraphQLError ? original.extensions : undefined;
  const ownStatus = (own?.http as { status?: unknown } | undefined)?.status;
  if (own && own.code === undefined && typeof ownStatus === 'number' && ownStatus >= 400 && ownStatus < 500 && !formatted.path) {
    const message = requestShapeMessage(formatted.message);
    return {
      message: message === formatted.message ? `${message.replace(/\.?$/, '.')} Nothing was run; fix the request and send it again.` : message,
      extensions: { code: 'BAD_REQUEST', requestId },
    };
  }
  // graphql-js stops coercing variables after 50 errors with an error of its own, which Apollo leaves uncoded: it is
  // the client's input, like the 50 before it.
  // (Apollo has labelled it INTERNAL_SERVER_ERROR by then.)
  const code = TOO_MANY_VARIABLE_ERRORS.test(formatted.message) && !formatted.path ? 'BAD_USER_INPUT' : (formatted.extensions?.code as string | undefined);
  // Apollo parses with maxTokens too; where its parser stops first, answer as the limit it is.
  const tokens = code === 'GRAPHQL_PARSE_FAILED' ? tokenLimitFromMessage(formatted.message) : null;
  if (tokens) {
    const e = limitError(tokens);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { http, ...extensions } = e.extensions as Record<string, unknown>;
    return { message: e.message, extensions: { ...extensions, requestId } };
  }
  if (code && PASS_THROUGH.has(code as ApiErrorCode)) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { stacktrace, ...ext } = (formatted.extensions ?? {}) as Record<string, unknown>;
    // A variable of the wrong type: name it in `problems`, like every other BAD_USER_INPUT.
    const variable = code === 'BAD_USER_INPUT' && !ext.problems ? WRONG_VARIABLE.exec(formatted.message) : null;
    if (variable) ext.problems = [{ field: variable[1], message: formatted.message.length > 300 ? `${formatted.message.slice(0, 300)}…` : formatted.message }];
    const message =
      (code === 'BAD_REQUEST' || code === 'OPERATION_RESOLUTION_FAILURE') && !formatted.path
        ? requestShapeMessage(formatted.message)
        : variable
          ? cutQuotedStrings(formatted.message)
          : formatted.message;
    return { ...formatted, message, extensions: { ...ext, code, requestId } };
  }
  logger.error(`Unhandled error in ${formatted.path?.join('.') ?? 'request'} (request ${requestId}): ${(original as Error)?.stack ?? String(original)}`);
  return {
    message: `Something went wrong on our side. It was logged with request id ${requestId ?? 'unknown'}; try again, and quote that id if it keeps happening.`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}

/**
 * graphql-js quotes a variable's refused value in its message, twice for an enum ("got invalid value "X…"; Value
 * "X…" does not exist"): a 100,000-character value answered 200 kB, 49 of them 2 MB. Each quoted string over
 * ECHO_CHARS is cut as quoteInput cuts it; the rest of the message, which says what is wrong, stays. One pass.
 */
function cutQuotedStrings(message: string, max = ECHO_CHARS): string {
  if (message.length <= 2 * max) return message;
  let out = '';
  let at = 0;
  for (let open = message.indexOf('"'); open !== -1; open = message.indexOf('"', at)) {
    let close = open + 1;
    while (close < message.length && message[close] !== '"') close += message[close] === '\\' ? 2 : 1;
    if (close >= message.length) break;
    const inner = message.slice(open + 1, close);
    out += message.slice(at, open);
    if (inner.length > max) {
      const cut = /[\uD800-\uDBFF\\]/.test(inner[max - 1]) ? max - 1 : max;
      out += `"${inner.slice(0, cut)}…" (${inner.length} characters)`;
    } else out += `"${inner}"`;
    at = close + 1;
  }
  return out + message.slice(at);
}

const STATUS_FOR: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429, PAYLOAD_TOO_LARGE: 413, UNAVAILABLE: 503 };

/**
 * The HTTP status of a response whose operation produced no data only because of an auth, rate or availability error
 * (401, 403, 429, 413, 503), with Retry-After for a refused 429 or 503 (the largest `extensions.retryAfter`, in
 * seconds); null when the status stays as it is. Used by statusPlugin and by the client fast path.
 */
export function refusalStatus(
  errors: readonly GraphQLFormattedError[] | undefined,
  data: Record<string, unknown> | null | undefined,
): { status: number; retryAfter: number | null } | null {
  if (!errors?.length) return null;
  const noData = !data || Object.values(data).every((v) => v === null);
  if (!noData) return null;
  const codes = new Set(errors.map((e) => e.extensions?.code as string));
  if (codes.size !== 1) return null;
  const status = STATUS_FOR[[...codes][0]];
  if (!status) return null;
  const retryAfter = Math.max(0, ...errors.map((e) => Number(e.extensions?.retryAfter) || 0));
  return { status, retryAfter: retryAfter > 0 ? Math.ceil(retryAfter) : null };
}

/** Says refusalStatus in Apollo's response. */
export const statusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { errors, data } = response.body.singleResult;
        const refusal = refusalStatus(errors, data);
        if (!refusal) return;
        response.http.status = refusal.status;
        if (refusal.retryAfter !== null) response.http.headers.set('retry-after', String(refusal.retryAfter));
      },
    };
  },
};
