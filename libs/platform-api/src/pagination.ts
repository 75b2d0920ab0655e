import { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { InputError } from '@marquee/platform-core';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** Relay-style connection, so every list pages the same way. */
export function Connection<T>(node: Type<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${name}Connection`, { isAbstract: true })
  abstract class ConnectionType {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int)
    totalCount: number;
  }
  return ConnectionType;
}

export { encodeCursor, decodeCursor, type CursorPart } from './cursor';

/**
 * A list query's page size: `def` when left out, else a whole number from 1 to `max`; anything else is BAD_USER_INPUT
 * naming `field` (the argument: `first` on connections, `limit` on plain lists).
 */
export function pageSize(first: number | null | undefined, def = 25, max = 100, field = 'first'): number {
  if (first === null || first === undefined) return def;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new InputError(`${field} must be from 1 to ${max}.`, [{ field, message: `must be from 1 to ${max}` }]);
  }
  return first;
}
