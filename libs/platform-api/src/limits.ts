import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
} from 'graphql';

/**
 * Query limits that cost nothing to check. Every figure is computed by walking each fragment once: a fragment's
 * depth, size and cost are memoised and reused at each of its spreads, so a "fragment bomb" (each fragment spreading
 * the one before twice) is measured in time linear in the document, however many billions of selections it would
 * expand to. A spread back into a fragment being measured (a cycle) counts as nothing here; validation refuses it.
 *
 * These are pure functions over (document), or (schema, document, variables) for the cost, so any GraphQL server can
 * call them before it validates or executes. Apollo calls them from `graphqlEdgePlugin`.
 */

type LimitRule = 'depth' | 'cost' | 'aliases' | 'tokens' | 'fragments' | 'directives' | 'fields';

export interface QueryLimits {
  /** Deepest nesting of fields (introspection fields excepted, as `MaxIntrospectionDepthRule` bounds those). */
  maxDepth: number;
  /** Highest estimated cost (see `operationCost`). */
  maxCost: number;
  /** Aliased fields, counted once per fragment spread. */
  maxAliases: number;
  /** Directive uses, counted once per fragment spread. */
  maxDirectives: number;
  /**
   * Lexical tokens of the document: enforced by the parser itself (`parse(source, { maxTokens })`), and a document
   * longer than CHARS_PER_TOKEN characters per token is refused without reading it.
   */
  maxTokens: number;
  /** Fragment spreads once every fragment is expanded (a spread inside a fragment spread twice counts twice). */
  maxFragments: number;
  /** Field selections once every fragment is expanded: what the executor would walk at most per object. */
  maxFields: number;
  /** Assumed length of a list field that has no page argument, such as `item.releases`. */
  listSize: number;
}

/** What one operation expands to. */
export interface DocumentMeasure {
  depth: number;
  fields: number;
  fragments: number;
  aliases: number;
  directives: number;
}

export interface LimitViolation {
  rule: LimitRule;
  value: number;
  max: number;
}

const zero = (): DocumentMeasure => ({ depth: 0, fields: 0, fragments: 0, aliases: 0, directives: 0 });

function addInto(into: DocumentMeasure, m: DocumentMeasure): void {
  into.fields += m.fields;
  into.fragments += m.fragments;
  into.aliases += m.aliases;
  into.directives += m.directives;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(def.name.value)) fragments.set(def.name.value, def);
  return fragments;
}

/**
 * Measures every operation of the document and returns, per figure, the largest over its operations. Linear in the
 * size of the document.
 */
export function measureDocument(document: DocumentNode): DocumentMeasure {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, DocumentMeasure | null>(); // null: being measured now

  const ofFragment = (name: string): DocumentMeasure => {
    if (memo.has(name)) return memo.get(name) ?? zero();
    const def = fragments.get(name);
    if (!def) return zero(); // unknown fragment: validation refuses it
    memo.set(name, null);
    const m = ofSet(def.selectionSet);
    m.directives += def.directives?.length ?? 0;
    memo.set(name, m);
    return m;
  };

  const ofSet = (set: SelectionSetNode): DocumentMeasure => {
    const m = zero();
    for (const sel of set.selections) {
      m.directives += sel.directives?.length ?? 0;
      if (sel.kind === Kind.FIELD) {
        m.fields += 1;
        if (sel.alias) m.aliases += 1;
        // Introspection (__schema, __type, __typename) is bounded by the schema and by graphql-js's own
        // MaxIntrospectionDepthRule, so it does not count towards depth; it does count towards size.
        const introspection = sel.name.value.startsWith('__');
        if (sel.selectionSet) {
          const child = ofSet(sel.selectionSet);
          addInto(m, child);
          if (!introspection) m.depth = Math.max(m.depth, 1 + child.depth);
        } else if (!introspection) {
          m.depth = Math.max(m.depth, 1);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const child = ofSet(sel.selectionSet);
        addInto(m, child);
        m.depth = Math.max(m.depth, child.depth);
      } else {
        const child = ofFragment(sel.name.value);
        m.fragments += 1;
        addInto(m, child);
        m.depth = Math.max(m.depth, child.depth);
      }
    }
    return m;
  };

  const worst = zero();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const m = ofSet(def.selectionSet);
    m.directives += def.directives?.length ?? 0;
    worst.depth = Math.max(worst.depth, m.depth);
    worst.fields = Math.max(worst.fields, m.fields);
    worst.fragments = Math.max(worst.fragments, m.fragments);
    worst.aliases = Math.max(worst.aliases, m.aliases);
    worst.directives = Math.max(worst.directives, m.directives);
  }
  return worst;
}

/** The first limit a parsed document breaks, in a fixed order (depth, fragments, aliases, directives, fields), or null. */
export function checkDocumentLimits(document: DocumentNode, limits: QueryLimits): LimitViolation | null {
  const m = measureDocument(document);
  const checks: [LimitRule, number, number][] = [
    ['depth', m.depth, limits.maxDepth],
    ['fragments', m.fragments, limits.maxFragments],
    ['aliases', m.aliases, limits.maxAliases],
    ['directives', m.directives, limits.maxDirectives],
    ['fields', m.fields, limits.maxFields],
  ];
  for (const [rule, value, max] of checks) if (value > max) return { rule, value, max };
  return null;
}

/** Characters allowed per token of GRAPHQL_MAX_TOKENS: 100 kB at the default of 1000. */
const CHARS_PER_TOKEN = 100;

const TOO_MANY_TOKENS = /Document contains more th\w* (\d+) tokens/;

/**
 * Checks a query's source text before any server parses it for real: the parser stops at `maxTokens` (so a 1 MB
 * document costs no more than a short one), then the document limits apply. A document that does not parse for any
 * other reason is not a limit matter and returns null: the server reports its own syntax error.
 */
export function checkQuerySource(source: string, limits: QueryLimits): LimitViolation | null {
  // Reading a megabyte of whitespace or one huge string literal is a few thousand tokens short of the limit but costs
  // the lexer ~10 ms; a document longer than CHARS_PER_TOKEN per allowed token is over the budget before it is read.
  if (source.length > limits.maxTokens * CHARS_PER_TOKEN) return { rule: 'tokens', value: limits.maxTokens + 1, max: limits.maxTokens };
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (e) {
    const tokens = TOO_MANY_TOKENS.exec((e as Error)?.message ?? '');
    return tokens ? { rule: 'tokens', value: limits.maxTokens + 1, max: limits.maxTokens } : null;
  }
  return checkDocumentLimits(document, limits);
}

/** The parser's own message when it stops at maxTokens, as a limit (for servers that parse with `maxTokens` themselves). */
export function tokenLimitFromMessage(message: string): LimitViolation | null {
  const m = TOO_MANY_TOKENS.exec(message);
  return m ? { rule: 'tokens', value: Number(m[1]) + 1, max: Number(m[1]) } : null;
}

const ADVICE: Record<LimitRule, (value: string, max: number) => string> = {
  depth: (v, max) => `This query nests ${v} levels deep; the limit is ${max}. Split it into smaller queries.`,
  cost: (v, max) => `This query would cost ${v}; the limit is ${max}. Ask for smaller pages or fewer fields.`,
  aliases: (v, max) => `This query uses ${v} aliases; the limit is ${max}. Ask for fewer aliased fields, and spread the rest over several requests.`,
  tokens: (_v, max) =>
    `This query is longer than the limit of ${max} tokens (or ${max * CHARS_PER_TOKEN} characters). Pass long values as variables, or split the query.`,
  fragments: (v, max) => `This query expands to ${v} fragment spreads; the limit is ${max}. Spread fragments fewer times, or split the query.`,
  directives: (v, max) => `This query uses ${v} directives; the limit is ${max}. Remove repeated directives.`,
  fields: (v, max) => `This query selects ${v} fields once its fragments are expanded; the limit is ${max}. Ask for fewer fields, or split the query.`,
};

function limitCode(rule: LimitRule): 'QUERY_TOO_DEEP' | 'QUERY_TOO_COMPLEX' {
  return rule === 'depth' ? 'QUERY_TOO_DEEP' : 'QUERY_TOO_COMPLEX';
}

/** The typed refusal: QUERY_TOO_DEEP or QUERY_TOO_COMPLEX, HTTP 400, with the rule, the measured value and the limit. */
export function limitError(v: LimitViolation): GraphQLError {
  // A fragment bomb measures in the billions and beyond; keep the figure a JSON number.
  const value = Math.min(v.value, Number.MAX_SAFE_INTEGER);
  const shown = Number.isSafeInteger(v.value) ? String(v.value) : `more than ${Number.MAX_SAFE_INTEGER}`;
  return new GraphQLError(ADVICE[v.rule](shown, v.max), {
    extensions: { code: limitCode(v.rule), rule: v.rule, value, max: v.max, http: { status: 400 } },
  });
}

/** Arguments that set how many items a list (or a connection's list) returns. */
const PAGE_ARGUMENTS: readonly string[] = ['first', 'last', 'limit'];
/** The page a paged field returns when its page argument is left out and the schema declares no default. */
const ASSUMED_DEFAULT_PAGE = 50;

export interface CostOptions {
  listSize: number;
  defaultPage?: number;
}

function pageValue(node: ValueNode | undefined, variables: Record<string, unknown>, defaults: ReadonlyMap<string, ValueNode>): number | null {
  if (!node) return null;
  let v: unknown;
  if (node.kind === Kind.VARIABLE) {
    const name = node.name.value;
    // As sent (a wrong type prices as "left out"; execution then refuses it), else the operation's default (a
    // constant: GraphQL allows no variables in defaults).
    if (!Object.prototype.hasOwnProperty.call(variables, name)) return pageValue(defaults.get(name), variables, defaults);
    v = variables[name];
  } else if (node.kind === Kind.INT || node.kind === Kind.FLOAT) v = Number(node.value);
  else return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return Math.max(0, Math.ceil(v));
}

/**
 * Estimated cost of one operation: every field costs 1, plus its children's cost times the number of items it returns.
 * - A field with a page argument (`first`, `last`, `limit`) returns that many; left out, the argument's schema default,
 *   else ASSUMED_DEFAULT_PAGE. On a connection or feed object the page size applies to the list inside it.
 * - A list field without a page argument (an unbounded relation such as `item.releases`) is assumed to hold
 *   `listSize` items.
 * `variables` are the values as sent; a variable left out takes its default from the operation.
 * So nested lists multiply: `item { releases { actions { item { releases { … } } } } }` grows as listSize^levels.
 * Introspection fields cost nothing (they are bounded by the schema). Linear in the document: each fragment is priced
 * once per page context.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: CostOptions,
): number {
  const fragments = fragmentsOf(document);
  const defaultPage = options.defaultPage ?? ASSUMED_DEFAULT_PAGE;
  const defaults = new Map<string, ValueNode>();
  for (const d of operation.variableDefinitions ?? []) if (d.defaultValue) defaults.set(d.variable.name.value, d.defaultValue);
  const memo = new Map<string, number | null>();

  const fieldsOf = (type: GraphQLNamedType | undefined | null): Record<string, GraphQLField<unknown, unknown>> | null =>
    type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : null;

  const ofFragment = (name: string, inheritedPage: number | null): number => {
    const key = `${name}|${inheritedPage ?? ''}`;
    if (memo.has(key)) return memo.get(key) ?? 0;
    const def = fragments.get(name);
    if (!def) return 0;
    memo.set(key, null);
    const cost = ofSet(def.selectionSet, schema.getType(def.typeCondition.name.value), inheritedPage);
    memo.set(key, cost);
    return cost;
  };

  const ofSet = (set: SelectionSetNode, parent: GraphQLNamedType | undefined | null, inheritedPage: number | null): number => {
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        cost += ofFragment(sel.name.value, inheritedPage);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        cost += ofSet(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent, inheritedPage);
        continue;
      }
      if (sel.name.value.startsWith('__')) continue;
      const def = fieldsOf(parent)?.[sel.name.value];
      if (!def) {
        cost += 1; // unknown field: validation refuses it
        continue;
      }
      const pageArg = def.args.find((a) => PAGE_ARGUMENTS.includes(a.name));
      let page: number | null = null;
      if (pageArg) {
        const given = pageValue(sel.arguments?.find((a) => a.name.value === pageArg.name)?.value, variables, defaults);
        const declared = typeof pageArg.defaultValue === 'number' ? pageArg.defaultValue : null;
        page = given ?? declared ?? defaultPage;
      }
      const isList = isListType(getNullableType(def.type));
      const items = isList ? (page ?? inheritedPage ?? options.listSize) : 1;
      const children = sel.selectionSet ? ofSet(sel.selectionSet, getNamedType(def.type), isList ? null : page) : 0;
      cost += 1 + items * children;
    }
    return cost;
  };

  return ofSet(operation.selectionSet, schema.getRootType(operation.operation), null);
}
