import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, GraphQLJSON, DateTimeScalar, registerStoredValuesEnum } from '@marquee/platform-api';
import { ATTRIBUTE_TYPES, AttributeType, REQUIREMENTS, Requirement } from '../domain/kinds';
import { ASSET_ROLES, ASSET_STATUSES, AssetRole, AssetStatus } from '../entities/asset-check.entity';
import { IMPORT_STATUSES } from '../entities/import-job.entity';

/** GraphQL names are UPPER_CASE; the values are what the database stores. */
export enum ItemStateGql {
  DRAFT = 'draft',
  IN_REVIEW = 'in_review',
  APPROVED = 'approved',
  SCHEDULED = 'scheduled',
  LIVE = 'live',
  RETIRED = 'retired',
}
registerEnumType(ItemStateGql, { name: 'ItemState', description: 'Workflow state of an item.' });

export enum ItemSortGql {
  UPDATED_DESC = 'UPDATED_DESC',
  UPDATED_ASC = 'UPDATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  TITLE_ASC = 'TITLE_ASC',
  TITLE_DESC = 'TITLE_DESC',
  SLUG_ASC = 'SLUG_ASC',
}
registerEnumType(ItemSortGql, { name: 'ItemSort' });

export enum LocaleStatusGql {
  COMPLETE = 'COMPLETE',
  INCOMPLETE = 'INCOMPLETE',
  MISSING = 'MISSING',
}
registerEnumType(LocaleStatusGql, { name: 'LocaleStatus', description: 'Filter by how far a locale is filled in.' });

const AssetCheckStatusGql = registerStoredValuesEnum(ASSET_STATUSES, {
  name: 'AssetCheckStatus',
  description: 'PENDING until the first check; then OK, or UNREACHABLE (the error says why).',
});
const AssetRoleGql = registerStoredValuesEnum(ASSET_ROLES, { name: 'AssetRole', description: 'The media field a URL is in.' });
const RequirementGql = registerStoredValuesEnum(REQUIREMENTS, {
  name: 'Requirement',
  description: 'REQUIRED: an item of the kind cannot launch without it; OPTIONAL; NONE: the kind has no such field.',
});
const KindAttributeTypeGql = registerStoredValuesEnum(ATTRIBUTE_TYPES, {
  name: 'KindAttributeType',
  description: 'What an attribute holds: STRING or NUMBER.',
});

@ObjectType('LocalizedText')
export class LocalizedTextGql {
  @Field()
  locale: string;
  @Field(() => String, { nullable: true })
  title: string | null;
  @Field(() => String, { nullable: true })
  subtitle: string | null;
  @Field(() => String, { nullable: true })
  description: string | null;
}

@ObjectType()
export class Media {
  @Field(() => String, { nullable: true })
  audioUrl: string | null;
  @Field(() => String, { nullable: true })
  videoUrl: string | null;
  @Field(() => String, { nullable: true })
  artworkUrl: string | null;
}

@ObjectType()
export class ItemFieldsGql {
  @Field()
  slug: string;
  @Field()
  kind: string;
  @Field()
  defaultLocale: string;
  @Field(() => [String])
  locales: string[];
  @Field(() => [LocalizedTextGql])
  localized: LocalizedTextGql[];
  @Field(() => Int, { nullable: true })
  durationSeconds: number | null;
  @Field(() => Media)
  media: Media;
  @Field(() => [String])
  topics: string[];
  @Field(() => [String])
  collections: string[];
  @Field()
  availability: string;
  @Field(() => [String])
  platforms: string[];
  @Field(() => String, { nullable: true })
  minAppVersion: string | null;
  @Field(() => GraphQLJSON, { description: 'Kind-specific attributes, e.g. {"narrator": "Ana"}.' })
  attributes: Record<string, string | number>;
  @Field(() => [ID], { description: 'Ordered session item ids (courses).' })
  sessions: string[];
}

@ObjectType()
export class UserSummary {
  @Field(() => ID)
  id: string;
  @Field()
  displayName: string;
  @Field()
  email: string;
}

@ObjectType('ItemVersion')
export class ItemVersionGql {
  @Field(() => ID)
  id: string;
  @Field(() => ID)
  itemId: string;
  @Field(() => Int)
  number: number;
  @Field(() => ItemFieldsGql)
  fields: ItemFieldsGql;
  @Field(() => ID, { nullable: true })
  authorId: string | null;
  @Field(() => Int, { nullable: true })
  restoredFrom: number | null;
  @Field(() => String, { nullable: true })
  note: string | null;
  @Field(() => DateTimeScalar)
  createdAt: Date;
}

@ObjectType()
export class LocaleCompletenessGql {
  @Field()
  locale: string;
  @Field()
  complete: boolean;
  @Field(() => [String])
  missing: string[];
}

@ObjectType()
export class ReadinessProblemGql {
  @Field()
  field: string;
  @Field(() => String, { nullable: true })
  locale: string | null;
  @Field()
  message: string;
}

@ObjectType()
export class AssetStatusGql {
  @Field(() => AssetRoleGql)
  role: AssetRole;
  @Field()
  url: string;
  @Field(() => AssetCheckStatusGql)
  status: AssetStatus;
  @Field(() => Int, { nullable: true })
  httpStatus: number | null;
  @Field(() => String, { nullable: true })
  error: string | null;
  @Field(() => DateTimeScalar, { nullable: true })
  checkedAt: Date | null;
}

@ObjectType('Item')
export class ItemGql {
  @Field(() => ID)
  id: string;
  @Field()
  slug: string;
  @Field()
  kind: string;
  @Field(() => ItemStateGql)
  state: ItemStateGql;
  @Field()
  defaultLocale: string;
  @Field(() => [String])
  locales: string[];
  @Field(() => [String])
  completeLocales: string[];
  @Field(() => [String])
  topics: string[];
  @Field(() => [String])
  collections: string[];
  @Field({ description: 'Title in the default locale.' })
  title: string;
  @Field(() => Int)
  latestVersionNumber: number;
  @Field(() => ID)
  latestVersionId: string;
  @Field(() => ID, { nullable: true })
  liveVersionId: string | null;
  @Field(() => DateTimeScalar)
  createdAt: Date;
  @Field(() => DateTimeScalar)
  updatedAt: Date;
}

@ObjectType()
export class ItemConnection extends Connection(ItemGql, 'Item') {}

@ObjectType()
export class FieldChangeGql {
  @Field()
  path: string;
  @Field(() => GraphQLJSON, { nullable: true })
  before: unknown;
  @Field(() => GraphQLJSON, { nullable: true })
  after: unknown;
}

@ObjectType()
export class KindAttributeGql {
  @Field()
  key: string;
  @Field()
  label: string;
  @Field(() => KindAttributeTypeGql)
  type: AttributeType;
  @Field()
  required: boolean;
}

@ObjectType('KindLocalizedRequirements')
export class KindLocalizedRequirementsGql {
  @Field(() => RequirementGql)
  title: Requirement;
  @Field(() => RequirementGql)
  subtitle: Requirement;
  @Field(() => RequirementGql)
  description: Requirement;
}

@ObjectType('KindMediaRequirements')
export class KindMediaRequirementsGql {
  @Field(() => RequirementGql)
  audio: Requirement;
  @Field(() => RequirementGql)
  video: Requirement;
  @Field(() => RequirementGql)
  artwork: Requirement;
  @Field({ description: 'True when an item needs at least one of audio or video to launch.' })
  playable: boolean;
}

@ObjectType()
export class ContentKindGql {
  @Field()
  key: string;
  @Field()
  label: string;
  @Field()
  description: string;
  @Field(() => KindLocalizedRequirementsGql, { description: 'What each localized field needs, in every target locale.' })
  localized: KindLocalizedRequirementsGql;
  @Field(() => KindMediaRequirementsGql)
  media: KindMediaRequirementsGql;
  @Field(() => RequirementGql)
  duration: Requirement;
  @Field(() => [KindAttributeGql])
  attributes: KindAttributeGql[];
  @Field()
  hasSessions: boolean;
}

@InputType()
export class LocalizedTextInput {
  @Field()
  locale: string;
  @Field(() => String, { nullable: true })
  title?: string | null;
  @Field(() => String, { nullable: true })
  subtitle?: string | null;
  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class MediaInput {
  @Field(() => String, { nullable: true })
  audioUrl?: string | null;
  @Field(() => String, { nullable: true })
  videoUrl?: string | null;
  @Field(() => String, { nullable: true })
  artworkUrl?: string | null;
}

@InputType()
export class ItemInput {
  @Field()
  slug: string;
  @Field()
  kind: string;
  @Field()
  defaultLocale: string;
  @Field(() => [String], { nullable: true })
  locales?: string[];
  @Field(() => [LocalizedTextInput])
  localized: LocalizedTextInput[];
  @Field(() => Int, { nullable: true })
  durationSeconds?: number | null;
  @Field(() => MediaInput, { nullable: true })
  media?: MediaInput | null;
  @Field(() => [String], { nullable: true })
  topics?: string[];
  @Field(() => [String], { nullable: true })
  collections?: string[];
  @Field(() => String, { nullable: true })
  availability?: string | null;
  @Field(() => [String], { nullable: true })
  platforms?: string[];
  @Field(() => String, { nullable: true })
  minAppVersion?: string | null;
  @Field(() => GraphQLJSON, { nullable: true })
  attributes?: Record<string, unknown> | null;
  @Field(() => [String], { nullable: true, description: 'Session item ids or slugs, in order (courses).' })
  sessions?: string[];
}

@InputType()
export class ItemFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Only these items (e.g. the sessions of a course).' })
  ids?: string[] | null;
  @Field(() => String, {
    nullable: true,
    description: 'Words to find in titles, subtitles, descriptions and slugs (prefix match on every word); at most 200 characters.',
  })
  text?: string | null;
  @Field(() => [String], { nullable: true })
  kinds?: string[] | null;
  @Field(() => [ItemStateGql], { nullable: true })
  states?: ItemStateGql[] | null;
  @Field(() => String, { nullable: true })
  topic?: string | null;
  @Field(() => String, { nullable: true })
  collection?: string | null;
  @Field(() => String, { nullable: true })
  locale?: string | null;
  @Field(() => LocaleStatusGql, { nullable: true })
  localeStatus?: LocaleStatusGql | null;
  @Field(() => Boolean, { nullable: true, description: 'Only items with (true) or without (false) a live version.' })
  live?: boolean | null;
}

@ObjectType()
export class ImportRowErrorGql {
  @Field(() => Int)
  row: number;
  @Field(() => String, { nullable: true })
  slug: string | null;
  @Field(() => [ImportProblemGql])
  problems: ImportProblemGql[];
}

@ObjectType()
export class ImportProblemGql {
  @Field()
  field: string;
  @Field()
  message: string;
}

/** Where an import is, in GraphQL's casing (the stored words are the lowercase ones). */
export const ImportJobStateGql = registerStoredValuesEnum(IMPORT_STATUSES, {
  name: 'ImportJobState',
  description: 'Where an import is: QUEUED, RUNNING, SUCCEEDED, COMPLETED_WITH_ERRORS (some rows failed) or FAILED.',
});

@ObjectType('ImportJob')
export class ImportJobGql {
  @Field(() => ID)
  id: string;
  @Field()
  filename: string;
  @Field()
  format: string;
  @Field()
  source: string;
  @Field({
    description: 'queued, running, succeeded, completed_with_errors or failed',
    deprecationReason: 'The 0.1 lowercase string, kept for deployed clients until 1.0. Read `state` (an UPPER_CASE enum) instead.',
  })
  status: string;

  @Field(() => Int)
  totalRows: number;
  @Field(() => Int)
  processedRows: number;
  @Field(() => Int)
  createdItems: number;
  @Field(() => Int)
  updatedItems: number;
  @Field(() => Int, {
    description:
      "Rows whose content the item's latest version already had: nothing was written for them (no new version, no audit entry; approval and state unchanged).",
  })
  unchangedItems: number;
  @Field(() => Int)
  failedRows: number;
  @Field(() => [ImportRowErrorGql])
  errors: ImportRowErrorGql[];
  @Field(() => String, { nullable: true })
  failure: string | null;
  @Field(() => DateTimeScalar)
  createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt: Date | null;
}
