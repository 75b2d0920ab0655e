import { Field, Float, Int, ObjectType, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DateTimeScalar, registerStoredValuesEnum } from '@marquee/platform-api';
import { Allow, Who } from '@marquee/platform-auth';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock } from '@marquee/platform-core';
import { SchedulerHealthGql } from '@marquee/launch';
import { calibrationGain, calibrationHistoryKappa, CollabCalibration, storedCalibration } from '../engine';

/** Events counted one by one up to this many; beyond it the count says "at least" (eventsWaitingCapped). */
const COUNT_CAP = 100_000;

/** The learner's two passes over the events, each with its own watermark (`learner_watermarks.name`). */
const LEARNING_PASSES = ['profiles', 'model'] as const;
const LearningPassGql = registerStoredValuesEnum(LEARNING_PASSES, {
  name: 'LearningPass',
  description: 'PROFILES: each person, from every event within seconds; MODEL: each served item, after the label window.',
});

@ObjectType('LearningPassLag')
export class LearningPassLagGql {
  @Field(() => LearningPassGql) pass: (typeof LEARNING_PASSES)[number];
  @Field(() => Int, { description: 'Stored events this pass has not folded yet (counted up to 100,000).' }) eventsWaiting: number;
  @Field({ description: 'True when eventsWaiting stopped counting at 100,000.' }) eventsWaitingCapped: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When this pass last folded events (null: never).' }) lastFoldAt: Date | null;
  @Field(() => Float, { nullable: true, description: 'Age in seconds of the oldest event waiting for this pass (null: none waiting).' }) oldestWaitingSeconds:
    number | null;
}

@ObjectType('SurfaceTasteModel', { description: "A surface's collaborative model: the item factors people's tastes are learnt against." })
export class SurfaceTasteModelGql {
  @Field(() => Int, { description: 'Refit count: each refit of the item factors is a new version.' }) version: number;
  @Field(() => DateTimeScalar, { description: 'When the item factors were last refit.' }) fittedAt: Date;
  @Field(() => Int, { description: 'Labelled impressions the last refit used.' }) events: number;
  @Field(() => Float, {
    description:
      "How far each person's learnt taste moves their slate: 1 uses it as fitted; towards 0, their tastes have not predicted what they went on to do (people with few events, or tastes that are mostly shared), so the slate leans on the shared model. Measured on each impression before it is learnt (docs/placement-engine.md §11).",
  })
  gain: number;
  @Field(() => Int, {
    description:
      "How much a person's own history with a single item counts against the model's prediction for them, in examined impressions of that item (κ): their rate for it becomes (plays + κ·model) / (examined impressions + κ). 0 while the surface's evidence does not favour using histories (tastes that people mostly share), when the slate is the model's alone (docs/placement-engine.md §11).",
  })
  historyWeight: number;
}

@ObjectType('SurfaceModelAge')
export class SurfaceModelAgeGql {
  @Field() surface: string;
  @Field(() => DateTimeScalar) updatedAt: Date;
  @Field(() => Float, { description: "Seconds since the learner last saved this surface's model." }) ageSeconds: number;
  @Field(() => SurfaceTasteModelGql, { nullable: true, description: 'The collaborative model (null until its first refit, after 2,000 labelled impressions).' })
  tasteModel: SurfaceTasteModelGql | null;
}

@ObjectType('LearningLag')
export class LearningLagGql {
  @Field(() => [LearningPassLagGql]) passes: LearningPassLagGql[];
  @Field(() => [SurfaceModelAgeGql]) models: SurfaceModelAgeGql[];
  @Field(() => Int, { description: 'LEARN_INTERVAL_MS: how often the learner runs.' }) learnIntervalMs: number;
  @Field(() => Int, { description: 'LABEL_WINDOW_SECONDS: how long the model pass waits for a success after an impression.' }) labelWindowSeconds: number;
  @Field({ description: 'False when a pass has events waiting and has not folded for 3 learn intervals + the label window + 30 s: check the worker.' })
  healthy: boolean;
}

/** How far behind the learning loop is: events waiting per pass, when each last folded, and each surface model's age. */
@Injectable()
export class LearningLagService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async lag(): Promise<LearningLagGql> {
    const now = this.clock.nowMs();
    const marks: { name: string; last_event_id: string; updated_at: Date }[] = await this.db.query(
      `SELECT name, last_event_id, updated_at FROM learner_watermarks`,
    );
    const byName = new Map(marks.map((m) => [m.name, m]));
    const passes: LearningPassLagGql[] = [];
    const staleAfter = 3 * this.config.learnIntervalMs + this.config.labelWindowSeconds * 1000 + 30_000;
    let healthy = true;
    for (const pass of LEARNING_PASSES) {
      const m = byName.get(pass);
      const wm = m ? m.last_event_id : '0';
      const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM engagement_events WHERE id > $1 LIMIT ${COUNT_CAP}) w`, [wm]);
      const [oldest] = await this.db.query(`SELECT received_at FROM engagement_events WHERE id > $1 ORDER BY id LIMIT 1`, [wm]);
      const oldestWaitingSeconds = oldest ? Math.max(0, (now - new Date(oldest.received_at).getTime()) / 1000) : null;
      passes.push({ pass, eventsWaiting: n, eventsWaitingCapped: n >= COUNT_CAP, lastFoldAt: m ? m.updated_at : null, oldestWaitingSeconds });
      if (oldestWaitingSeconds !== null && oldestWaitingSeconds * 1000 > staleAfter) healthy = false;
    }
    // Only the collaborative model's small fields, not its factor arrays.
    const rows: {
      surface_key: string;
      updated_at: Date;
      version: number | null;
      fitted_at: string | null;
      events: number | null;
      calib: CollabCalibration | null;
    }[] = await this.db.query(
      `SELECT surface_key, updated_at, (state->'collab'->>'version')::int AS version, state->'collab'->>'fittedAt' AS fitted_at,
                (state->'collab'->>'events')::int AS events, state->'collab'->'calib' AS calib
           FROM engine_states ORDER BY surface_key`,
    );
    return {
      passes,
      models: rows.map((r) => ({
        surface: r.surface_key,
        updatedAt: r.updated_at,
        ageSeconds: Math.max(0, (now - r.updated_at.getTime()) / 1000),
        tasteModel:
          r.version && r.version > 0
            ? {
                version: r.version,
                fittedAt: new Date(Number(r.fitted_at)),
                events: r.events ?? 0,
                gain: calibrationGain(storedCalibration(r.calib)),
                historyWeight: calibrationHistoryKappa(storedCalibration(r.calib)),
              }
            : null,
      })),
      learnIntervalMs: this.config.learnIntervalMs,
      labelWindowSeconds: this.config.labelWindowSeconds,
      healthy,
    };
  }
}

@Resolver(() => LearningLagGql)
export class LearningLagResolver {
  constructor(private readonly lag: LearningLagService) {}

  @Query(() => LearningLagGql, { description: "The learning loop's lag: events waiting per pass, the last fold, and each surface model's age." })
  @Allow(...Who.staff)
  learningLag(): Promise<LearningLagGql> {
    return this.lag.lag();
  }
}

/** Scheduler health carries the learning loop's lag too, so one page shows whether launches and learning keep up. */
@Resolver(() => SchedulerHealthGql)
export class SchedulerLearningResolver {
  constructor(private readonly lag: LearningLagService) {}

  @ResolveField(() => LearningLagGql, { description: "The learning loop's lag (see learningLag)." })
  @Allow(...Who.staff)
  learning(): Promise<LearningLagGql> {
    return this.lag.lag();
  }
}
