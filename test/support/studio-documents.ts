import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Every GraphQL document the Studio sends, captured by calling each exported function of apps/studio/src/api with a
 * fetch that records the request body (the Studio's own code builds the documents, so nothing is copied by hand).
 * Arguments are tried from a few shapes until the function reaches fetch.
 */
export interface StudioDocument {
  fn: string;
  query: string;
  variables: Record<string, unknown>;
}

const UUID = '00000000-0000-4000-8000-000000000000';
const ARGUMENT_SHAPES: unknown[][] = [
  [],
  [UUID],
  [{}],
  [[UUID, UUID]],
  [UUID, {}],
  [UUID, [UUID]],
  [UUID, 1, 'day'],
  [UUID, true],
  [UUID, UUID],
  [{ surface: 'home', target: 'CURRENT' }],
  [{}, 'UPDATED_DESC', 25, null],
  ['home', { userId: 'u' }, null, null],
  [UUID, { itemId: UUID, position: 1, startsAt: null, endsAt: null }],
];
/** Exports that are not GraphQL calls (helpers, REST uploads). */
export const NOT_GRAPHQL = new Set(['gql', 'rest', 'toApiError', 'onUnauthenticated', 'ApiError', 'uploadImport', 'isImportRunning']);

export async function collectStudioDocuments(): Promise<{ documents: StudioDocument[]; unreached: string[] }> {
  const dir = resolve(__dirname, '../../apps/studio/src/api');
  const realFetch = globalThis.fetch;
  const captured: { query: string; variables: Record<string, unknown> }[] = [];
  globalThis.fetch = (async (_url: unknown, init?: { body?: unknown }) => {
    if (typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { query?: string; variables?: Record<string, unknown> };
      if (body.query) captured.push({ query: body.query, variables: body.variables ?? {} });
    }
    return new Response(JSON.stringify({ data: null, errors: [{ message: 'captured', extensions: { code: 'CAPTURED' } }] }), {
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  const documents: StudioDocument[] = [];
  const unreached: string[] = [];
  try {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'types.ts')) {
      const mod = (await import(resolve(dir, file))) as Record<string, unknown>;
      for (const [name, fn] of Object.entries(mod)) {
        if (typeof fn !== 'function' || NOT_GRAPHQL.has(name)) continue;
        let reached = false;
        for (const args of ARGUMENT_SHAPES) {
          const before = captured.length;
          try {
            await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
          } catch {
            // the captured answer is an error on purpose
          }
          if (captured.length > before) {
            for (const c of captured.slice(before)) documents.push({ fn: `${file.replace(/\.ts$/, '')}.${name}`, ...c });
            reached = true;
            break;
          }
        }
        if (!reached) unreached.push(`${file}:${name}`);
      }
    }
  } finally {
    globalThis.fetch = realFetch;
  }
  return { documents, unreached };
}
