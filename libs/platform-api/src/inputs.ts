import {
  DirectiveNode,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLArgument,
  GraphQLError,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isScalarType,
} from 'graphql';

/**
 * Input checks at the edge, before anything executes, over the document and the coerced variables:
 * - text hygiene: no String, ID or JSON input (literal or variable, however deeply nested) may hold a NUL (U+0000) or
 *   a lone UTF-16 surrogate. PostgreSQL refuses both in text and jsonb, and a refused row can take its whole batch
 *   with it, so they are refused here, once, instead of in every resolver.
 * - nesting: no variable nests lists and objects more than MAX_INPUT_DEPTH levels (a JSON value a million levels deep
 *   would overflow the stack of whatever serialises it next).
 * - malformed ids: an `ID` argument or input field whose value is one of our UUIDs must look like one. Ids that are
 *   the client's own (a feed's `userId`, an event's `eventId`) are listed as opaque and left alone, except that no ID
 *   variable, opaque or not, may be a JSON number beyond 2^53: JSON rounds it, and graphql-js would take the rounded
 *   digits as the id.
 * Pure functions, so any GraphQL server can run them; `graphqlEdgePlugin` runs them in Apollo.
 */

export interface InputProblem {
  field: string;
  message: string;
}

export interface InputCheckOptions {
  /**
   * Schema coordinates of ID positions that are NOT UUIDs, e.g. `Query.feed(userId:)` or `PersonaInput.userId`.
   * Every other ID argument and ID input field must hold a UUID.
   */
  opaqueIds: ReadonlySet<string>;
  /** Stop after this many problems (default 20), so a huge input is refused as fast as a small one. */
  maxProblems?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A NUL is exactly what this looks for.
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text, or null when it can. */
export function textProblem(s: string): string | null {
  if (!SUSPECT.test(s)) return null;
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000); remove it';
  if (LONE_SURROGATE.test(s)) return 'contains a lone surrogate (half of a UTF-16 pair, U+D800 to U+DFFF), which is not valid Unicode; send well-formed text';
  return null;
}

/** A short, printable rendering of a refused value for a message (never the whole value, never a raw NUL). */
function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v);
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s).replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/**
 * An ID sent as a JSON number that JSON cannot carry exactly (beyond 2^53): graphql-js turns it into a string of the
 * rounded number, so 12345678901234567890 became the id "12345678901234567000", another user's or another event's.
 */
function unsafeNumberProblem(v: unknown): string | null {
  if (typeof v !== 'number' || Number.isSafeInteger(v)) return null;
  return `is the number ${String(v)}, which JSON cannot carry exactly (integers beyond 2^53 are rounded, so two different ids would become the same one); send the id as a string`;
}

function uuidProblem(v: unknown): string | null {
  if (typeof v === 'string' && UUID.test(v)) return null;
  return `is not a valid id: ${shown(v)} is not a UUID (like 3f2c1a9e-5b7d-4c1e-9a2b-0c4d6e8f1a2b). Check the id, or list them to find the right one`;
}

function joinPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  // A value nested 100,000 levels deep would otherwise name its field in 600 kB.
  return out.length > 200 ? `${out.slice(0, 120)}…${out.slice(-60)}` : out;
}

/** A path kept as a chain of parents, so walking a deep value never copies it; rendered only for a problem. */
interface PathNode {
  parent: PathNode | null;
  key: string | number;
  /** Containers from the variable down to here (for the nesting limit). */
  depth: number;
}

/** Deepest nesting of lists and objects accepted in a variable (a JSON attribute included). */
export const MAX_INPUT_DEPTH = 32;

function pathOf(node: PathNode): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let n: PathNode | null = node; n; n = n.parent) keys.push(n.key);
  return keys.reverse();
}

/**
 * Every text, nesting and id problem in the inputs of one operation (up to `maxProblems`). `variables` are the values
 * as the client sent them (JSON), before graphql-js coerces them: coercing a 1 MB list costs more than checking it, and
 * execution coerces them anyway, refusing a wrong type with BAD_USER_INPUT. A string here is the same string after
 * coercion, so nothing the checks look at changes. Walks each fragment once; the values are walked without recursion,
 * so a deeply nested JSON value cannot overflow the stack.
 */
export function inspectInputs(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: InputCheckOptions,
): InputProblem[] {
  const max = options.maxProblems ?? 20;
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const report = (field: string, message: string): void => {
    const key = `${field}\u0001${message}`;
    if (seen.has(key) || problems.length >= max) return;
    seen.add(key);
    problems.push({ field, message });
  };
  const full = () => problems.length >= max;

  // 1. Text in the variables, whatever their type (String, ID, JSON, nested input objects and lists): keys and values,
  // and how deeply they nest. Strings are checked where they are found; only containers are pushed.
  type Entry = { value: unknown; at: PathNode };
  const stack: Entry[] = [];
  const visitValue = (value: unknown, parent: PathNode | null, key: string | number): void => {
    if (typeof value === 'string') {
      const p = textProblem(value);
      if (p) report(joinPath(pathOf({ parent, key, depth: 0 })), p);
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      const at: PathNode = { parent, key, depth: (parent?.depth ?? 0) + 1 };
      if (at.depth > MAX_INPUT_DEPTH) report(joinPath(pathOf(at)), `is nested more than ${MAX_INPUT_DEPTH} levels deep; send a flatter value`);
      else stack.push({ value, at });
    }
  };
  // Only declared variables reach the operation; a default value is a literal, checked in step 2.
  const declared = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d]));
  for (const name of declared.keys()) if (Object.prototype.hasOwnProperty.call(variables, name)) visitValue(variables[name], null, name);
  while (stack.length && !full()) {
    const { value, at } = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0 && !full(); i--) visitValue(value[i], at, i);
    } else {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const kp = textProblem(k);
        if (kp) report(joinPath(pathOf({ parent: at, key: k, depth: 0 })), `has a key that ${kp}`);
        visitValue(v, at, k);
      }
    }
  }

  // 2. Literals in the document, and ids wherever they sit (literal or variable), by schema position.
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const visited = new Set<string>();

  const isIdPosition = (type: GraphQLInputType): boolean => getNamedType(type).name === 'ID';
  const isUuidPosition = (type: GraphQLInputType, coordinate: string): boolean => isIdPosition(type) && !options.opaqueIds.has(coordinate);
  // A variable at an ID position: a UUID where one of ours goes, and never a number JSON rounded (opaque ids included).
  const variableIdProblem = (v: unknown, uuid: boolean): string | null => (uuid ? uuidProblem(v) : unsafeNumberProblem(v));

  // Does a value of this type hold any ID position at all? Memoised per input type.
  const holdsIds = new Map<string, boolean>();
  const needsIdCheck = (type: GraphQLInputType): boolean => {
    const named = getNamedType(type);
    if (!isInputObjectType(named)) return isIdPosition(type);
    const known = holdsIds.get(named.name);
    if (known !== undefined) return known;
    holdsIds.set(named.name, false); // a recursive input type: decided by its other fields
    const fields = named.getFields();
    const result = Object.keys(fields).some((k) => needsIdCheck(fields[k].type));
    holdsIds.set(named.name, result);
    return result;
  };

  // A variable's value at a typed position: only ids need checking here (text was checked in step 1).
  const checkVariableIds = (value: unknown, type: GraphQLInputType, coordinate: string, at: PathNode): void => {
    if (value === null || value === undefined || full() || !needsIdCheck(type)) return;
    const t = getNullableType(type) as GraphQLInputType;
    if (isListType(t)) {
      const item = t.ofType as GraphQLInputType;
      if (!Array.isArray(value)) return checkVariableIds(value, item, coordinate, at);
      if (!isInputObjectType(getNamedType(item)) && !isListType(getNullableType(item))) {
        // A list of ids: check each in a tight loop.
        const uuid = isUuidPosition(item, coordinate);
        for (let i = 0; i < value.length && !full(); i++) {
          if (value[i] === null || value[i] === undefined) continue;
          const p = variableIdProblem(value[i], uuid);
          if (p) report(joinPath(pathOf({ parent: at, key: i, depth: 0 })), p);
        }
        return;
      }
      for (let i = 0; i < value.length && !full(); i++) checkVariableIds(value[i], item, coordinate, { parent: at, key: i, depth: 0 });
      return;
    }
    if (isInputObjectType(t)) {
      if (typeof value !== 'object' || Array.isArray(value)) return; // not an object: coercion refuses it
      const fields = t.getFields();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const f = fields[k];
        if (f) checkVariableIds(v, f.type, `${t.name}.${k}`, { parent: at, key: k, depth: 0 });
      }
      return;
    }
    const p = variableIdProblem(value, isUuidPosition(t, coordinate));
    if (p) report(joinPath(pathOf(at)), p);
  };

  // Any literal, typed or not (JSON objects): its strings, and the variables inside it. A JSON value takes a
  // variable's value where it sits, so one the request did not give (and that has no default) is refused here with
  // where it is; graphql-js would only say "invalid value", as an internal error.
  const checkUntypedLiteral = (node: ValueNode, path: (string | number)[]): void => {
    if (full()) return;
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (declared.has(name) && !Object.prototype.hasOwnProperty.call(variables, name) && !declared.get(name)!.defaultValue)
        report(
          joinPath(path),
          `is the variable $${name}, which this request does not give a value, inside a JSON value; give $${name} a value (null if you mean null) or write the value in place`,
        );
    } else if (node.kind === Kind.STRING) {
      const p = textProblem(node.value);
      if (p) report(joinPath(path), p);
    } else if (node.kind === Kind.LIST) {
      node.values.forEach((v, i) => checkUntypedLiteral(v, [...path, i]));
    } else if (node.kind === Kind.OBJECT) {
      for (const f of node.fields) checkUntypedLiteral(f.value, [...path, f.name.value]);
    }
  };

  const checkLiteral = (node: ValueNode, type: GraphQLInputType | undefined, coordinate: string, path: (string | number)[]): void => {
    if (full()) return;
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (!type) return;
      if (Object.prototype.hasOwnProperty.call(variables, name)) checkVariableIds(variables[name], type, coordinate, { parent: null, key: name, depth: 0 });
      else if (declared.get(name)?.defaultValue) checkLiteral(declared.get(name)!.defaultValue!, type, coordinate, [name]);
      return;
    }
    const t = type ? (getNullableType(type) as GraphQLInputType) : undefined;
    // A list or object where a JSON value goes is one untyped value, variables and all.
    if (t && isScalarType(t) && (node.kind === Kind.LIST || node.kind === Kind.OBJECT)) return checkUntypedLiteral(node, path);
    if (node.kind === Kind.LIST) {
      const item = t && isListType(t) ? (t.ofType as GraphQLInputType) : t;
      node.values.forEach((v, i) => checkLiteral(v, item, coordinate, [...path, i]));
      return;
    }
    if (t && isListType(t)) return checkLiteral(node, t.ofType as GraphQLInputType, coordinate, path); // a single value where a list goes
    if (node.kind === Kind.OBJECT) {
      if (t && isInputObjectType(t)) {
        const fields = t.getFields();
        for (const f of node.fields) {
          const def = fields[f.name.value];
          checkLiteral(f.value, def?.type, `${t.name}.${f.name.value}`, [...path, f.name.value]);
        }
      } else {
        checkUntypedLiteral(node, path);
      }
      return;
    }
    if (node.kind === Kind.STRING) {
      const p = textProblem(node.value);
      if (p) return report(joinPath(path), p);
    }
    if (t && node.kind !== Kind.NULL && isUuidPosition(t, coordinate)) {
      const p = uuidProblem(node.kind === Kind.STRING || node.kind === Kind.INT ? node.value : `(${node.kind})`);
      if (p) report(joinPath(path), p);
    }
  };

  const checkArguments = (nodeArgs: FieldNode['arguments'], defs: readonly GraphQLArgument[] | undefined, owner: string): void => {
    for (const a of nodeArgs ?? []) {
      const def = defs?.find((d) => d.name === a.name.value);
      checkLiteral(a.value, def?.type, `${owner}(${a.name.value}:)`, [a.name.value]);
    }
  };

  const checkDirectives = (directives: readonly DirectiveNode[] | undefined): void => {
    for (const d of directives ?? []) checkArguments(d.arguments, schema.getDirective(d.name.value)?.args, `@${d.name.value}`);
  };

  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined): void => {
    for (const sel of set.selections) {
      if (full()) return;
      checkDirectives(sel.directives);
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const name = sel.name.value;
        const def = fragments.get(name);
        if (def && !visited.has(name)) {
          visited.add(name);
          checkDirectives(def.directives);
          walk(def.selectionSet, schema.getType(def.typeCondition.name.value));
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent);
      } else {
        const fieldDef = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
        checkArguments(sel.arguments, fieldDef?.args, `${parent?.name ?? '?'}.${sel.name.value}`);
        if (sel.selectionSet) walk(sel.selectionSet, fieldDef ? getNamedType(fieldDef.type) : undefined);
      }
    }
  };

  for (const [name, d] of declared) if (d.defaultValue) checkUntypedLiteral(d.defaultValue, [name]);
  checkDirectives(operation.directives);
  walk(operation.selectionSet, schema.getRootType(operation.operation));
  return problems;
}

/** The typed refusal for input problems: BAD_USER_INPUT, HTTP 400, `extensions.problems: [{field, message}]`. */
export function inputProblemsError(problems: InputProblem[]): GraphQLError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}, listed in extensions.problems)` : '';
  return new GraphQLError(`${first.field} ${first.message}${more}. Nothing was run; fix the input and send it again.`, {
    extensions: { code: 'BAD_USER_INPUT', problems, http: { status: 400 } },
  });
}
