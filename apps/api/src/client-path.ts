import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import {
  DocumentNode,
  ExecutionResult,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  visit,
} from 'graphql';
import proxyaddr from 'proxy-addr';
import {
  GraphqlEdgeOptions,
  KnownOperationTypesRule,
  QueryVerdicts,
  checkOperation,
  formatError,
  limitRefusalBody,
  refusalStatus,
} from '@marquee/platform-api';
import type { CredentialsMiddleware } from '@marquee/platform-auth';
import { currentRequestId } from '@marquee/platform-observability';
import { bodyErrorAnswer, logBodyRefusal } from './body-limits';
import { JitExecutor } from './client-jit';

/** The operations client apps call. A document whose root fields are all among these is answered here. */
const CLIENT_ROOT_FIELDS: Readonly<Record<'query' | 'mutation', ReadonlySet<string>>> = {
  query: new Set(['feed', 'editorialFeed']),
  mutation: new Set(['trackEvents']),
};

export type Handler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export interface ClientPathOptions {
  schema: () => GraphQLSchema;
  verdicts: QueryVerdicts;
  edge: GraphqlEdgeOptions;
  credentials: CredentialsMiddleware;
  /** The JSON body parser every other route uses (body-limits.ts). */
  jsonParser: Handler;
  /** The middlewares every /graphql request passes before its body is read, in the general path's order. */
  before: {
    securityHeaders: Handler;
    requestId: (req: IncomingMessage, res: ServerResponse, next: () => void, receivedAt: bigint) => void;
    forwardingNotice: Handler;
    serverTiming: Handler;
    metrics: Handler;
  };
  /** Express's compiled TRUSTED_PROXIES rule (`app.get('trust proxy fn')`), so the client address is req.ip's. */
  trustProxy: (addr: string, i: number) => boolean;
  maxTokens: number;
  /** Outside production, answers carry `x-marquee-path: fast`, so tests can tell which path answered. */
  markResponses: boolean;
}

/** A client document, parsed and validated once. */
interface ClientDocument {
  kind: 'client';
  document: DocumentNode;
  operation: OperationDefinitionNode;
  uses: number;
  jit: JitExecutor | null | undefined;
}

type Known = ClientDocument | { kind: 'limit'; violation: NonNullable<ReturnType<QueryVerdicts['verdict']>> } | { kind: 'general' };

const VALIDATION_RULES = [...specifiedRules, KnownOperationTypesRule];
const CACHEABLE_SOURCE = 16 * 1024;
const CACHE_ENTRIES = 500;
/** A document is compiled once it has been used this many times: one-off documents never cost a compilation. */
const COMPILE_AFTER_USES = 3;
const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-?8"?\s*)?$/i;

type FastRequest = IncomingMessage & { body?: unknown; ip?: string; principal?: unknown; requestId?: string };

/**
 * The lean path for the client operations (`feed`, `editorialFeed`, `trackEvents`): a POST to /graphql whose document
 * asks only for them is answered here, straight from Node's HTTP server, without Express routing, Nest middleware or
 * Apollo's request pipeline in between. Every other request (the Studio, staff operations, GET, batches, persisted
 * queries, cookies, anything unusual) goes to the general path unchanged.
 *
 * It is the same behaviour through the same code, not a second implementation: the same security headers, request id,
 * server timing and metrics middlewares; the same JSON parser with its 1 MB limit and refusals; the memoised query
 * limits (QueryVerdicts) before credentials, as on the general path; the same credential check (CredentialsMiddleware:
 * API keys verified in memory); the same input and cost checks (checkOperation); execution through the same schema,
 * so the same Nest resolvers, AccessGuard, rate limits and services run; and the same error formatting (formatError)
 * and statuses (refusalStatus). What it leaves out is the machinery between them. Each document is parsed and
 * validated once, and compiled (graphql-jit) once it is used again, so a feed costs one function call to execute.
 */
export class ClientFastPath {
  private readonly logger = new Logger('ClientPath');
  private readonly documents = new Map<string, Known>();
  private schemaCache: GraphQLSchema | null = null;
  answered = 0;
  passedOn = 0;

  constructor(private readonly o: ClientPathOptions) {}

  /** The server's request listener: this path first, `general` for everything it does not answer. */
  listener(general: RequestListener): RequestListener {
    return (req, res) => {
      if (!this.mayTake(req)) {
        this.passedOn++;
        return general(req, res);
      }
      const receivedAt = process.hrtime.bigint();
      this.o.jsonParser(req, res, (err) => this.withBody(req as FastRequest, res, receivedAt, err, general));
    };
  }

  private get schema(): GraphQLSchema {
    return (this.schemaCache ??= this.o.schema());
  }

  /** Only what can be decided from the request line and headers; the document is looked at once the body is read. */
  private mayTake(req: IncomingMessage): boolean {
    if (req.method !== 'POST' || req.url !== '/graphql') return false;
    const h = req.headers;
    if (!h['content-type'] || !JSON_TYPE.test(h['content-type'])) return false;
    if (h['content-encoding'] && h['content-encoding'].toLowerCase() !== 'identity') return false;
    // Apollo answers application/json unless the client prefers another media type.
    if (h.accept && h.accept !== '*/*' && !h.accept.startsWith('application/json')) return false;
    // A Studio session: its cookie handling (a stale cookie is cleared) stays with the general path.
    if (!h['x-api-key'] && !h.authorization && h.cookie) return false;
    return true;
  }

  private withBody(req: FastRequest, res: ServerResponse, receivedAt: bigint, err: unknown, general: RequestListener): void {
    if (err) return this.run(req, res, receivedAt, () => this.bodyRefused(req, res, err));
    const known = this.lookup(req.body);
    if (!known || known.kind === 'general') {
      this.passedOn++;
      // The body is read and parsed (req.body); the general path's parser sees a finished stream and keeps it.
      return general(req, res);
    }
    this.answered++;
    this.run(req, res, receivedAt, () => {
      if (known.kind === 'limit') return this.send(res, 400, limitRefusalBody(known.violation, req.requestId), false);
      void this.answer(req, res, known).catch((e) => this.internal(req, res, e));
    });
  }

  /** Runs the general path's front middlewares (headers, request id, timing, metrics) in its order, then `fn`. */
  private run(req: FastRequest, res: ServerResponse, receivedAt: bigint, fn: () => void): void {
    req.ip = proxyaddr(req, this.o.trustProxy);
    const m = this.o.before;
    const fail = (e: unknown) => this.internal(req, res, e);
    m.securityHeaders(req, res, (e) => {
      if (e) return fail(e);
      // Opens the request's context (request id, arrival time for the feed budget, SQL count) around the rest.
      m.requestId(
        req,
        res,
        () =>
          m.forwardingNotice(req, res, (e2) => {
            if (e2) return fail(e2);
            m.serverTiming(req, res, (e3) => {
              if (e3) return fail(e3);
              m.metrics(req, res, (e4) => (e4 ? fail(e4) : fn()));
            });
          }),
        receivedAt,
      );
    });
  }

  /** What the body asks for, remembered per query text and operation name. Null: not a plain GraphQL request. */
  private lookup(body: unknown): Known | null {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
    const b = body as Record<string, unknown>;
    if (typeof b.query !== 'string' || !b.query) return null;
    if (b.variables !== undefined && b.variables !== null && (typeof b.variables !== 'object' || Array.isArray(b.variables))) return null;
    if (b.operationName !== undefined && b.operationName !== null && typeof b.operationName !== 'string') return null;
    // Persisted queries and other extensions are Apollo's.
    if (b.extensions !== undefined && b.extensions !== null) return null;
    for (const k in b) if (k !== 'query' && k !== 'variables' && k !== 'operationName' && k !== 'extensions') return null;
    const query = b.query;
    const operationName = (b.operationName as string | null | undefined) ?? null;
    // Unambiguous whatever the texts hold: a query may itself contain a NUL, or any separator one could pick.
    const key = JSON.stringify([query, operationName]);
    const hit = this.documents.get(key);
    if (hit) return hit;
    if (query.length > CACHEABLE_SOURCE) return { kind: 'general' };
    const known = this.classify(query, operationName);
    if (this.documents.size >= CACHE_ENTRIES) this.documents.delete(this.documents.keys().next().value as string);
    this.documents.set(key, known);
    return known;
  }

  private classify(query: string, operationName: string | null): Known {
    const violation = this.o.verdicts.verdict(query);
    if (violation) return { kind: 'limit', violation };
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.o.maxTokens });
    } catch {
      return { kind: 'general' }; // Apollo reports the syntax error
    }
    // Apollo reports what validation finds, with the same rules (KnownOperationTypesRule: no subscriptions here).
    if (validate(this.schema, document, VALIDATION_RULES).length) return { kind: 'general' };
    const operation = getOperationAST(document, operationName);
    if (!operation || (operation.operation !== 'query' && operation.operation !== 'mutation')) return { kind: 'general' };
    const allowed = CLIENT_ROOT_FIELDS[operation.operation];
    let clientFields = 0;
    for (const sel of operation.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD) return { kind: 'general' };
      if (sel.name.value === '__typename') continue;
      if (!allowed.has(sel.name.value)) return { kind: 'general' };
      clientFields++;
    }
    if (!clientFields) return { kind: 'general' };
    // Directives (@include, @skip) and introspection below the root are left to the general path.
    let plain = true;
    visit(document, {
      Directive: () => {
        plain = false;
      },
      Field: (f) => {
        if (f.name.value === '__schema' || f.name.value === '__type') plain = false;
      },
    });
    if (!plain) return { kind: 'general' };
    return { kind: 'client', document, operation, uses: 0, jit: undefined };
  }

  private async answer(req: FastRequest, res: ServerResponse, doc: ClientDocument): Promise<void> {
    const body = req.body as { variables?: Record<string, unknown> | null; operationName?: string | null };
    try {
      req.principal = await this.o.credentials.resolve(req.headers, undefined, () => undefined);
    } catch (e) {
      const refusal = this.o.credentials.refusal(e, req.requestId);
      if (!refusal) throw e;
      if (refusal.retryAfter !== null) res.setHeader('Retry-After', String(refusal.retryAfter));
      return this.send(res, refusal.status, refusal.body, false);
    }
    const variables = body.variables ?? {};
    try {
      checkOperation(this.schema, doc.document, doc.operation, variables, this.o.edge);
    } catch (e) {
      return this.respond(res, { errors: [e instanceof GraphQLError ? e : new GraphQLError((e as Error).message, { originalError: e as Error })] });
    }
    const contextValue = { req, res };
    doc.uses++;
    if (doc.jit === undefined && doc.uses >= COMPILE_AFTER_USES) doc.jit = JitExecutor.compile(this.schema, doc.document, doc.operation, this.logger);
    let result: ExecutionResult | null = null;
    if (doc.jit) result = await doc.jit.run(contextValue, variables);
    // No compiled executor yet, or it refused the variables before running anything: graphql-js decides (and words
    // the refusal exactly as the general path does).
    if (!result || (result.errors?.length && !('data' in result))) {
      result = await execute({
        schema: this.schema,
        document: doc.document,
        operationName: doc.operation.name?.value,
        variableValues: variables,
        contextValue,
      });
    }
    this.respond(res, result);
  }

  /**
   * Apollo's answer for an execution result: errors normalised and formatted (formatError), the status they ask for
   * (400 for a request refused before running, 401/403/429/503 for a refused operation, with Retry-After), fields in
   * Apollo's order, `cache-control: no-store`.
   */
  private respond(res: ServerResponse, result: ExecutionResult): void {
    let status = 200;
    let formatted: GraphQLFormattedError[] | undefined;
    if (result.errors?.length) {
      formatted = result.errors.map((e) => {
        const error = asApolloError(e);
        const { http, ...rest } = { ...error.extensions, code: error.extensions?.code ?? 'INTERNAL_SERVER_ERROR' } as Record<string, unknown>;
        const wanted = (http as { status?: number } | undefined)?.status;
        if (wanted) status = wanted;
        return formatError({ ...error.toJSON(), extensions: rest }, error);
      });
      if (!('data' in result) || result.data === undefined) status = status === 200 ? 400 : status;
      const refusal = refusalStatus(formatted, result.data);
      if (refusal) {
        status = refusal.status;
        if (refusal.retryAfter !== null) res.setHeader('retry-after', String(refusal.retryAfter));
      }
    }
    this.send(res, status, { errors: formatted, data: result.data, extensions: result.extensions }, true);
  }

  private send(res: ServerResponse, status: number, body: unknown, fromGraphql: boolean): void {
    const text = fromGraphql ? JSON.stringify(body) + '\n' : JSON.stringify(body);
    res.statusCode = status;
    if (fromGraphql) res.setHeader('cache-control', 'no-store');
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(text));
    if (this.o.markResponses) res.setHeader('x-marquee-path', 'fast');
    res.end(text);
  }

  private bodyRefused(req: FastRequest, res: ServerResponse, err: unknown): void {
    const answer = bodyErrorAnswer(err as Error, '/graphql', req.requestId, req.headers);
    logBodyRefusal(err as Error, req.method, '/graphql', req.requestId, req.socket);
    if (answer) return this.send(res, answer.status, answer.body, false);
    // The body stopped short of its length or the client went away: nothing to run.
    const status = (err as { status?: number }).status ?? 400;
    this.send(
      res,
      status,
      {
        errors: [
          {
            message: `The request body could not be read (${(err as Error).message}). Send the request again.`,
            extensions: { code: 'BAD_REQUEST', requestId: req.requestId },
          },
        ],
      },
      false,
    );
  }

  private internal(req: FastRequest, res: ServerResponse, e: unknown): void {
    const requestId = req.requestId ?? currentRequestId();
    this.logger.error(`Unhandled error on POST /graphql (request ${requestId}): ${(e as Error)?.stack ?? String(e)}`);
    if (res.headersSent) return void res.end();
    this.send(
      res,
      500,
      {
        errors: [
          {
            message: `Something went wrong on our side. It was logged with request id ${requestId}; try again, and quote that id if it keeps happening.`,
            extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
          },
        ],
      },
      false,
    );
  }
}

const VARIABLE_REFUSAL = (name: string) => [
  `Variable "$${name}" has invalid value`,
  `Variable "$${name}" got invalid value `,
  `Variable "$${name}" of required type `,
  `Variable "$${name}" of non-null type `,
];

/** Apollo's view of an execution error: a variable that could not be coerced is a BAD_USER_INPUT (UserInputError). */
function asApolloError(e: GraphQLError): GraphQLError {
  const node = e.nodes?.length === 1 ? e.nodes[0] : null;
  if (
    node?.kind === Kind.VARIABLE_DEFINITION &&
    (e.extensions?.code === null || e.extensions?.code === undefined) &&
    VARIABLE_REFUSAL(node.variable.name.value).some((p) => e.message.startsWith(p))
  ) {
    return new GraphQLError(e.message, { nodes: e.nodes, originalError: e.originalError ?? e, extensions: { ...e.extensions, code: 'BAD_USER_INPUT' } });
  }
  // graphql-js gives up after 50 variable errors with one error of its own, without nodes or a code: still the input.
  if ((e.extensions?.code === null || e.extensions?.code === undefined) && e.message.startsWith('Too many errors processing variables')) {
    return new GraphQLError(e.message, { originalError: e.originalError ?? e, extensions: { ...e.extensions, code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
  return e;
}
