import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON, DateTimeScalar, registerStoredValuesEnum } from '@marquee/platform-api';
import { FieldChangeGql, ItemFieldsGql, ItemGql, ItemVersionGql } from '@marquee/catalog';
import { LOCAL_TIME_KINDS, LocalTimeKind } from '../domain/time';
import { REVIEW_DECISIONS, ReviewDecision } from '../entities/version-review.entity';
import { LIVE_SOURCES, LiveSource } from '../services/live-content.service';
import { RELEASE_STATUSES } from '../entities/release.entity';

export enum ReleaseStatusGql {
  draft = 'draft',
  scheduled = 'scheduled',
  launched = 'launched',
  failed = 'failed',
  rolled_back = 'rolled_back',
  cancelled = 'cancelled',
}
registerEnumType(ReleaseStatusGql, {
  name: 'ReleaseStatus',
  description: "The 0.1 lowercase names of a release's state, kept for deployed clients until 1.0. Use ReleaseState.",
});

/** Where a release is in its life, in GraphQL's casing (the stored words are the lowercase ones). */
export const ReleaseStateGql = registerStoredValuesEnum(RELEASE_STATUSES, {
  name: 'ReleaseState',
  description: 'Where a release is: DRAFT, SCHEDULED, LAUNCHED, FAILED (at launch; nothing was published), ROLLED_BACK or CANCELLED.',
});

export enum ReleaseActionKindGql {
  PUBLISH = 'publish',
  UNPUBLISH = 'unpublish',
}
registerEnumType(ReleaseActionKindGql, { name: 'ReleaseActionKind' });

const ScheduleResolutionKindGql = registerStoredValuesEnum(LOCAL_TIME_KINDS, {
  name: 'ScheduleResolutionKind',
  description:
    'OK: one instant; GAP: the time does not exist (DST starts); AMBIGUOUS: it happens twice (DST ends), pick an offset; INVALID: not a time or not a zone.',
});

const ReviewDecisionGql = registerStoredValuesEnum(REVIEW_DECISIONS, {
  name: 'ReviewDecision',
  description: 'One review step on a version: SUBMITTED for review, then APPROVED or REJECTED.',
});

export const CatalogSourceGql = registerStoredValuesEnum(LIVE_SOURCES, {
  name: 'CatalogSource',
  description: 'Why an item is visible at an instant: LIVE (it is now) or SCHEDULED (a scheduled release makes it live by then).',
});

@ObjectType('Audience')
export class AudienceGql {
  @Field(() => [String]) locales: string[];
  @Field(() => [String]) platforms: string[];
  @Field(() => [String]) tiers: string[];
}

@InputType({
  description:
    'Who a release reaches; an empty or missing list means everyone. Each list takes at most 20 entries of at most 64 characters; repeats are dropped and entries are stored in canonical spelling. More, or an entry of the wrong shape, is refused with BAD_USER_INPUT naming the list.',
})
export class AudienceInput {
  @Field(() => [String], {
    nullable: true,
    description: 'BCP 47 locale codes as the catalogue spells them, e.g. en, de-AT, pt-BR ("EN_us" is stored as en-US). At most 20.',
  })
  locales?: string[];
  @Field(() => [String], { nullable: true, description: 'ios, android or web (any casing; stored lowercase). At most 20 entries.' })
  platforms?: string[];
  @Field(() => [String], {
    nullable: true,
    description: 'Tier names as the feed accepts them: a lowercase letter then up to 19 letters, digits, "-" or "_", e.g. free, premium. At most 20.',
  })
  tiers?: string[];
}

@ObjectType('ValidationIssue')
export class ValidationIssueGql {
  @Field() code: string;
  @Field(() => ID, { nullable: true }) itemId: string | null;
  @Field() message: string;
}

@ObjectType('ReleaseValidation')
export class ReleaseValidationGql {
  @Field(() => [ValidationIssueGql]) blocking: ValidationIssueGql[];
  @Field(() => [ValidationIssueGql]) warnings: ValidationIssueGql[];
  @Field({ description: 'No blocking problems: it can be scheduled or launched.' }) ok: boolean;
}

@ObjectType('Release')
export class ReleaseGql {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => ReleaseStatusGql, {
    deprecationReason: 'The 0.1 lowercase names, kept for deployed clients until 1.0. Read `state` (UPPER_CASE) instead.',
  })
  status: ReleaseStatusGql;
  @Field(() => DateTimeScalar, { nullable: true, description: 'The UTC instant it launches at.' }) scheduledAt: Date | null;
  @Field(() => String, { nullable: true, description: 'IANA zone it was scheduled in.' }) timeZone: string | null;
  @Field(() => String, { nullable: true, description: 'The wall-clock time the editor entered, in timeZone.' }) localTime: string | null;
  @Field(() => Int) scheduleRevision: number;
  @Field(() => Int) rolloutPercent: number;
  @Field(() => AudienceGql) audience: AudienceGql;
  @Field(() => DateTimeScalar, { nullable: true }) launchedAt: Date | null;
  @Field(() => Int, { nullable: true, description: 'How long after its instant it launched.' }) latenessMs: number | null;
  @Field(() => [ValidationIssueGql], { nullable: true }) failureReasons: ValidationIssueGql[] | null;
  @Field(() => DateTimeScalar, { nullable: true }) failedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) rolledBackAt: Date | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) updatedAt: Date;
}

@ObjectType('ReleaseAction')
export class ReleaseActionGql {
  @Field(() => ID) id: string;
  @Field(() => ID) releaseId: string;
  @Field(() => ID) itemId: string;
  @Field(() => ReleaseActionKindGql) kind: ReleaseActionKindGql;
  @Field(() => ID, { nullable: true }) versionId: string | null;
  @Field(() => Int, { nullable: true }) versionNumber: number | null;
  @Field(() => Int, { nullable: true, description: 'Position in the launch order (dependencies first).' }) appliedOrder: number | null;
  @Field(() => ID, { nullable: true }) priorLiveVersionId: string | null;
}

@ObjectType('ReleaseEvent')
export class ReleaseEventGql {
  @Field(() => DateTimeScalar) at: Date;
  @Field() kind: string;
  @Field() message: string;
  @Field(() => GraphQLJSON, { nullable: true }) details: unknown;
}

const NAME_RULE = 'One line of 1 to 120 characters (trimmed); line breaks, control characters and bidi controls are refused with BAD_USER_INPUT.';
const DESCRIPTION_RULE = 'At most 2,000 characters (trimmed; line breaks allowed); longer is refused with BAD_USER_INPUT.';

@InputType()
export class ReleaseInput {
  @Field({ description: NAME_RULE }) name: string;
  @Field(() => String, { nullable: true, description: DESCRIPTION_RULE }) description?: string | null;
}

@InputType()
export class ReleaseUpdate {
  @Field(() => String, { nullable: true, description: `${NAME_RULE} Null or missing keeps the name.` }) name?: string | null;
  @Field(() => String, { nullable: true, description: `${DESCRIPTION_RULE} Null or empty clears it; missing keeps it.` }) description?: string | null;
}

@InputType()
export class ScheduleInputGql {
  @Field({ description: 'Wall-clock time in timeZone, e.g. 2026-03-29T11:00.' }) localDateTime: string;
  @Field({ description: 'IANA zone, e.g. Europe/Amsterdam.' }) timeZone: string;
  @Field(() => Int, { nullable: true, description: 'Needed only when the time happens twice (DST ends): the UTC offset in minutes to use.' })
  offsetMinutes?: number | null;
}

@ObjectType('ScheduleOption')
export class ScheduleOptionGql {
  @Field(() => Int) offsetMinutes: number;
  @Field(() => DateTimeScalar) instant: Date;
  @Field() label: string;
}

@ObjectType('ScheduleResolution')
export class ScheduleResolutionGql {
  @Field(() => ScheduleResolutionKindGql) kind: LocalTimeKind;
  @Field(() => DateTimeScalar, { nullable: true }) instant: Date | null;
  @Field(() => String, { nullable: true }) message: string | null;
  @Field(() => [ScheduleOptionGql]) options: ScheduleOptionGql[];
}

@ObjectType('SchedulerHealth')
export class SchedulerHealthGql {
  @Field(() => [ReleaseGql]) upcoming: ReleaseGql[];
  @Field(() => [ReleaseGql], { description: 'Still scheduled more than 5 s after their instant.' }) late: ReleaseGql[];
  @Field(() => [ReleaseGql]) failed: ReleaseGql[];
  @Field(() => [ReleaseGql]) recentLaunches: ReleaseGql[];
  @Field(() => Int, { nullable: true }) latenessP50Ms: number | null;
  @Field(() => Int, { nullable: true }) latenessP95Ms: number | null;
  @Field(() => Int, { nullable: true }) latenessMaxMs: number | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastReconcileAt: Date | null;
  @Field() reconcilerHealthy: boolean;
}

@ObjectType('CatalogEntry')
export class CatalogEntryGql {
  @Field(() => ID) itemId: string;
  @Field(() => ID) versionId: string;
  @Field(() => ItemFieldsGql) fields: ItemFieldsGql;
  @Field(() => CatalogSourceGql) source: LiveSource;
  @Field(() => ID, { nullable: true }) releaseId: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) liveSince: Date | null;
}

@InputType()
export class PersonaInput {
  @Field(() => ID, {
    description:
      'The person, in your own ids: 1 to 128 characters of visible text; a line break, control, bidi or zero-width character is refused with BAD_USER_INPUT.',
  })
  userId: string;
  @Field(() => String, { nullable: true }) locale?: string | null;
  @Field(() => String, { nullable: true }) platform?: string | null;
  @Field(() => String, { nullable: true }) tier?: string | null;
}

@ObjectType('ReviewRecord')
export class ReviewRecordGql {
  @Field(() => Int) versionNumber: number;
  @Field(() => ReviewDecisionGql) decision: ReviewDecision;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field(() => ID, { nullable: true }) actorId: string | null;
  @Field(() => DateTimeScalar) at: Date;
}

@ObjectType('ReviewQueueEntry')
export class ReviewQueueEntryGql {
  @Field(() => ItemGql) item: ItemGql;
  @Field(() => ItemVersionGql) version: ItemVersionGql;
  @Field(() => DateTimeScalar) submittedAt: Date;
  @Field(() => ID, { nullable: true }) submittedBy: string | null;
  @Field(() => [FieldChangeGql], { description: 'What this version changes compared with the live version (everything, if nothing is live).' })
  changesFromLive: FieldChangeGql[];
}
