import { Args, Field, GraphQLSchemaBuilderModule, GraphQLSchemaFactory, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { NestFactory } from '@nestjs/core';
import { graphql } from 'graphql';
import { registerStoredValuesEnum } from './stored-enum';

const STATUSES = ['pending', 'gate_passed'] as const;
const StatusGql = registerStoredValuesEnum(STATUSES, { name: 'SpecStatus' });

@ObjectType()
class SpecThing {
  @Field(() => StatusGql) status: (typeof STATUSES)[number];
}

@Resolver()
class SpecResolver {
  @Query(() => [SpecThing])
  things(): SpecThing[] {
    return [];
  }

  @Query(() => String)
  echo(@Args('status', { type: () => StatusGql }) status: string): string {
    return status;
  }
}

describe('registerStoredValuesEnum', () => {
  it('names each stored value by its UPPER_CASE spelling', () => {
    expect(StatusGql).toEqual({ PENDING: 'pending', GATE_PASSED: 'gate_passed' });
  });

  it('answers the UPPER_CASE name for the stored word a resolver returns, and passes the stored word for a name sent', async () => {
    const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
    try {
      const schema = await app.get(GraphQLSchemaFactory).create([SpecResolver]);
      // The schema alone has no resolvers bound: the root value answers, with the stored words.
      const rootValue = { things: (): SpecThing[] => [{ status: 'gate_passed' }, { status: 'pending' }], echo: (a: { status: string }) => a.status };
      expect(await graphql({ schema, source: '{ things { status } echo(status: GATE_PASSED) }', rootValue })).toEqual({
        data: { things: [{ status: 'GATE_PASSED' }, { status: 'PENDING' }], echo: 'gate_passed' },
      });
    } finally {
      await app.close();
    }
  });
});
