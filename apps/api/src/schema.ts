import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Logger, Type } from '@nestjs/common';
import { ENTRY_PROVIDER_WATERMARK } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { ORPHANED_GRAPHQL_TYPES } from '@marquee/platform-api';
import { GRAPHQL_API_MODULES } from './api.module';

/**
 * The GraphQL schema as SDL, built from the same resolver classes the API registers, without a database or Redis:
 * the committed `schema.graphql` is this text, and the API serves the same schema (the integration test
 * `schema-contract.int-spec.ts` compares the running API's introspection with the file).
 */
export async function buildSchemaSdl(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    const schema = await app.get(GraphQLSchemaFactory).create(resolverClasses(), { orphanedTypes: ORPHANED_GRAPHQL_TYPES });
    return `${printSchema(lexicographicSortSchema(schema)).trimEnd()}\n`;
  } finally {
    await app.close();
  }
}

/** Resolver classes provided by the API modules and the modules they import, in a stable order. */
function resolverClasses(): Type[] {
  const seen = new Set<unknown>();
  const found = new Set<Type>();
  const visit = (mod: unknown): void => {
    if (!mod || seen.has(mod)) return;
    seen.add(mod);
    const cls = (typeof mod === 'object' && 'module' in (mod as object) ? (mod as { module: unknown }).module : mod) as Type;
    const providers = [...((Reflect.getMetadata('providers', cls) as unknown[]) ?? []), ...((mod as { providers?: unknown[] }).providers ?? [])];
    for (const p of providers) {
      const c = (typeof p === 'function' ? p : (p as { useClass?: unknown })?.useClass) as Type | undefined;
      if (typeof c === 'function' && Reflect.getMetadata(ENTRY_PROVIDER_WATERMARK, c)) found.add(c);
    }
    const imports = [...((Reflect.getMetadata('imports', cls) as unknown[]) ?? []), ...((mod as { imports?: unknown[] }).imports ?? [])];
    for (const i of imports) visit(i);
  };
  for (const m of GRAPHQL_API_MODULES) visit(m);
  return [...found].sort((a, b) => a.name.localeCompare(b.name));
}

/** `node dist/apps/api/src/schema.js <file>`: writes the schema (npm run schema, and the build into dist/). */
if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('Usage: node dist/apps/api/src/schema.js <output file>, e.g. schema.graphql\n');
    process.exit(2);
  }
  buildSchemaSdl()
    .then((sdl) => {
      writeFileSync(out, sdl);
      new Logger('Schema').log(`Wrote the GraphQL schema to ${out} (${sdl.split('\n').length} lines).`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`Could not build the GraphQL schema: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
}
