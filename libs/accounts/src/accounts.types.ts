import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '@marquee/platform-api';

/**
 * GraphQL names are UPPER_CASE; the values are what the database stores.
 *
 * The 0.1 lowercase names stay as deprecated aliases so deployed clients that send `role: "reviewer"` keep working
 * until 1.0 (see CHANGELOG.md). Two names share each value, and graphql-js answers with the LAST name declared for a
 * value (GraphQLEnumType.serialize looks the value up in a Map built in declaration order), so the aliases come
 * first and answers say `REVIEWER`, never `reviewer`.
 */
/* eslint-disable @typescript-eslint/no-duplicate-enum-values -- each UPPER_CASE name shares its value with its alias, on purpose */
export enum RoleGql {
  admin = 'admin',
  editor = 'editor',
  reviewer = 'reviewer',
  analyst = 'analyst',
  ADMIN = 'admin',
  EDITOR = 'editor',
  REVIEWER = 'reviewer',
  ANALYST = 'analyst',
}
/* eslint-enable @typescript-eslint/no-duplicate-enum-values */
const lowercaseAlias = (name: string) => ({
  deprecationReason: `The 0.1 name, accepted on input until 1.0; send ${name} (answers always say ${name}).`,
});
registerEnumType(RoleGql, {
  name: 'Role',
  description:
    'ADMIN: everything; EDITOR: writes content; REVIEWER: writes and approves; ANALYST: reads everything, changes nothing. ' +
    'The lowercase names are deprecated input aliases kept for 0.1 clients; answers use the UPPER_CASE names.',
  valuesMap: {
    admin: lowercaseAlias('ADMIN'),
    editor: lowercaseAlias('EDITOR'),
    reviewer: lowercaseAlias('REVIEWER'),
    analyst: lowercaseAlias('ANALYST'),
  },
});

@ObjectType('User')
export class UserGql {
  @Field(() => ID)
  id: string;
  @Field()
  email: string;
  @Field()
  displayName: string;
  @Field(() => RoleGql)
  role: RoleGql;
  @Field(() => DateTimeScalar, { nullable: true })
  disabledAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true })
  lastLoginAt: Date | null;
  @Field(() => DateTimeScalar)
  createdAt: Date;
}

@ObjectType()
export class Session {
  @Field(() => UserGql)
  user: UserGql;
  @Field({ description: 'Bearer token for API use. The Studio uses the httpOnly cookie set with it instead.' })
  token: string;
  @Field(() => DateTimeScalar)
  expiresAt: Date;
}

@ObjectType()
export class CreatedUser {
  @Field(() => UserGql)
  user: UserGql;
  @Field(() => String, { nullable: true, description: 'Shown once, when Marquee generated the password.' })
  temporaryPassword: string | null;
}

@ObjectType('ApiKey')
export class ApiKeyGql {
  @Field(() => ID)
  id: string;
  @Field()
  name: string;
  @Field({ description: 'First characters of the key, to tell keys apart.' })
  prefix: string;
  @Field(() => DateTimeScalar)
  createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKeyGql)
  apiKey: ApiKeyGql;
  @Field({ description: 'The key itself. It is shown only now; Marquee stores only its hash.' })
  secret: string;
}

@ObjectType()
export class AccessRuleGql {
  @Field()
  type: string;
  @Field()
  field: string;
  @Field(() => [String], { nullable: true })
  audience: string[] | null;
}

@InputType()
export class CreateUserInput {
  @Field()
  email: string;
  @Field()
  displayName: string;
  @Field(() => RoleGql)
  role: RoleGql;
  @Field(() => String, { nullable: true, description: 'Leave empty to generate one (returned once).' })
  password?: string | null;
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  displayName?: string | null;
  @Field(() => RoleGql, { nullable: true })
  role?: RoleGql | null;
}
