import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Actor, AuditService, SYSTEM_ACTOR } from '@marquee/audit';
import { EngineState, EngineStore, MIN_SHARE, SurfaceEntity, cloneState, probBetaGreater, surfaceFilter, withSharedPrior } from '@marquee/placement';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock, DomainError, InputError, NotFoundError, assertId } from '@marquee/platform-core';
import { ExportedRewardModel, foldedBilinear } from '../../../../ml/src';
import { ModelVersionEntity } from './entities';
import { findSurface } from './surface';

/** The model's logit scale against the engine's probit scale (logit ≈ 1.702 × probit). */
const LOGIT_TO_PROBIT = 1 / 1.702;

/** The largest share of users a canary may serve. */
const MAX_CANARY_SHARE = 0.5;

/**
 * The model lifecycle after training: the versions, the engine state a version would serve with, its canary share of
 * traffic, and promotion or rollback, by hand or by the guardrail.
 */
@Injectable()
export class ModelLifecycleService {
  private readonly logger = new Logger('Models');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EngineStore,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list(surface?: string | null): Promise<ModelVersionEntity[]> {
    const surfaceKey = await surfaceFilter(this.db, surface);
    return this.db.getRepository(ModelVersionEntity).find({ where: surfaceKey ? { surfaceKey } : {}, order: { createdAt: 'DESC' }, take: 100 });
  }

  async get(id: string): Promise<ModelVersionEntity> {
    assertId('model version', id);
    const m = await this.db.getRepository(ModelVersionEntity).findOne({ where: { id } });
    if (!m) throw new NotFoundError('model version', id);
    return m;
  }

  async byIds(ids: string[]): Promise<ModelVersionEntity[]> {
    return ids.length ? this.db.getRepository(ModelVersionEntity).find({ where: { id: In(ids) } }) : [];
  }

  /** The engine state a model version would serve with: the live state, its shared prior replaced by the model's. */
  async candidateState(model: ModelVersionEntity): Promise<EngineState> {
    if (!model.export) throw new DomainError('PRECONDITION_FAILED', `${model.version} has no trained weights (it is ${model.status}).`);
    const live = (await this.store.load(model.surfaceKey)).state;
    const mean = foldedBilinear(model.export as unknown as ExportedRewardModel, 0, 0).map((w) => w * LOGIT_TO_PROBIT);
    return withSharedPrior(live, { version: model.version, mean });
  }

  async startCanary(actor: Actor, modelId: string, share?: number | null): Promise<ModelVersionEntity> {
    const s = share ?? this.config.canaryShare;
    // At least MIN_SHARE: the canary splits users into 10,000 buckets, and model_versions.canary_share is a PostgreSQL
    // real, which refuses a share like 1e-46 outright.
    if (!(s >= MIN_SHARE && s <= MAX_CANARY_SHARE))
      throw new InputError(
        `The canary share must be from ${MIN_SHARE} (0.01% of users) to ${MAX_CANARY_SHARE} (50% of users); ${s} is not. Give a share in that range, or none for the default (CANARY_PERCENT).`,
        [{ field: 'share', message: `must be from ${MIN_SHARE} to ${MAX_CANARY_SHARE}` }],
      );
    const model = await this.get(modelId);
    if (model.status !== 'gate_passed') {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `${model.version} is ${model.status.replace('_', ' ')}: only a model that passed the offline gate can go to canary.${model.status === 'gate_failed' ? ` The gate said: ${model.statusReason}` : ''}`,
        {
          state: model.status,
          allowed: ['gate_passed'],
        },
      );
    }
    const state = await this.candidateState(model);
    await this.db.transaction(async (m) => {
      const eng = await this.store.load(model.surfaceKey, m, { forUpdate: true });
      if (eng.canary) {
        const other = await m.findOne(ModelVersionEntity, { where: { id: eng.canary.modelId } });
        throw new DomainError(
          'CONFLICT',
          `"${model.surfaceKey}" already runs the canary ${other?.version ?? eng.canary.modelId}. Promote or roll it back first.`,
        );
      }
      const startedAt = new Date(this.clock.nowMs());
      eng.canary = { modelId, share: s, state, startedAt };
      await this.store.save(m, model.surfaceKey, eng);
      await m.update(
        ModelVersionEntity,
        { id: modelId },
        { status: 'canary', canaryShare: s, canaryStartedAt: startedAt, statusReason: `Serving ${percent(s)} of users` },
      );
      await this.audit.record(m, actor, {
        action: 'model.canary_started',
        entityType: 'model_version',
        entityId: modelId,
        after: { surface: model.surfaceKey, share: s },
        summary: `${model.version} serves ${percent(s)} of "${model.surfaceKey}" as a canary`,
      });
    });
    return this.get(modelId);
  }

  async promote(actor: Actor, modelId: string, reason = 'Promoted by hand'): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    if (model.status !== 'canary') {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `${model.version} is ${model.status.replace('_', ' ')}: only a model on canary can be promoted. ${model.status === 'gate_passed' ? 'Start its canary first.' : model.status === 'candidate' || model.status === 'gate_failed' ? 'It has not passed the offline gate.' : ''}`.trim(),
        {
          state: model.status,
          allowed: ['canary'],
        },
      );
    }
    await this.db.transaction(async (m) => {
      const eng = await this.store.load(model.surfaceKey, m, { forUpdate: true });
      if (!eng.canary || eng.canary.modelId !== modelId)
        throw new DomainError('CONFLICT', `${model.version} is not the canary of "${model.surfaceKey}" any more.`);
      const previous = eng.liveModelId;
      const liveRevision = eng.state.revision;
      eng.state = cloneState(eng.canary.state);
      // Revisions only grow on a surface, so every served revision keeps a unique snapshot for replays.
      eng.state.revision = Math.max(eng.state.revision, liveRevision) + 1;
      eng.liveModelId = modelId;
      eng.canary = null;
      await this.store.save(m, model.surfaceKey, eng);
      if (previous) await m.update(ModelVersionEntity, { id: previous }, { status: 'retired', statusReason: `Replaced by ${model.version}` });
      await m.update(ModelVersionEntity, { id: modelId }, { status: 'live', statusReason: reason, decidedAt: this.clock.now() });
      await this.audit.record(m, actor, {
        action: 'model.promoted',
        entityType: 'model_version',
        entityId: modelId,
        after: { surface: model.surfaceKey, stats: model.canaryStats },
        summary: `${model.version} is live on "${model.surfaceKey}": ${reason}`,
      });
    });
    return this.get(modelId);
  }

  async rollback(actor: Actor, modelId: string, reason = 'Rolled back by hand'): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    if (model.status !== 'canary')
      throw new DomainError('ILLEGAL_TRANSITION', `${model.version} is ${model.status.replace('_', ' ')}; only a canary can be rolled back.`, {
        state: model.status,
        allowed: ['canary'],
      });
    await this.db.transaction(async (m) => {
      const eng = await this.store.load(model.surfaceKey, m, { forUpdate: true });
      eng.canary = null;
      await this.store.save(m, model.surfaceKey, eng);
      await m.update(ModelVersionEntity, { id: modelId }, { status: 'rolled_back', statusReason: reason, decidedAt: this.clock.now() });
      await this.audit.record(m, actor, {
        action: 'model.rolled_back',
        entityType: 'model_version',
        entityId: modelId,
        after: { surface: model.surfaceKey, stats: model.canaryStats },
        summary: `${model.version} rolled back on "${model.surfaceKey}": ${reason}`,
      });
    });
    return this.get(modelId);
  }

  /**
   * The guardrail: canary against live on the same surface since the canary started, success per impression in
   * personalised slots. Rolls back when the canary is worse with ≥ 95% confidence; promotes when it is better with
   * ≥ 95% confidence, or has shown no harm (P(worse) < 50%) after CANARY_MIN_IMPRESSIONS × 5.
   */
  async monitor(): Promise<{ model: string; action: 'rolled_back' | 'promoted' | 'continue'; probCanaryWorse: number }[]> {
    const canaries = await this.db.getRepository(ModelVersionEntity).find({ where: { status: 'canary' } });
    const out: { model: string; action: 'rolled_back' | 'promoted' | 'continue'; probCanaryWorse: number }[] = [];
    for (const model of canaries) {
      const surface = await this.surface(model.surfaceKey);
      const rows: { arm: string; n: number; s: number }[] = await this.db.query(
        // One observation per served slot that was seen (a sticky slate shown again is not new evidence).
        `WITH seen AS (
           SELECT DISTINCT e.request_id, e.item_id FROM engagement_events e
            WHERE e.surface = $1 AND e.type = 'IMPRESSION' AND e.reason = 'PERSONALIZED' AND e.served_at >= $2)
         SELECT coalesce(r.context->>'arm', 'live') AS arm, count(*)::int AS n,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM engagement_events e2 WHERE e2.request_id = e.request_id AND e2.item_id = e.item_id AND e2.type = $3))::int AS s
           FROM seen e JOIN feed_requests r ON r.request_id = e.request_id
          WHERE r.served_at >= $2 AND (r.context->>'arm' IS DISTINCT FROM 'canary' OR r.context->>'modelId' = $4)
          GROUP BY 1`,
        [surface.key, model.canaryStartedAt ?? model.updatedAt, surface.successEvent, model.id],
      );
      const live = rows.find((r) => r.arm === 'live') ?? { n: 0, s: 0 };
      const can = rows.find((r) => r.arm === 'canary') ?? { n: 0, s: 0 };
      const probCanaryWorse = probBetaGreater(1 + live.s, 1 + live.n - live.s, 1 + can.s, 1 + can.n - can.s);
      const stats = {
        liveImpressions: live.n,
        liveSuccesses: live.s,
        canaryImpressions: can.n,
        canarySuccesses: can.s,
        probCanaryWorse,
        checkedAt: this.clock.now().toISOString(),
      };
      await this.db.getRepository(ModelVersionEntity).update(model.id, { canaryStats: stats });
      const min = this.config.canaryMinImpressions;
      let action: 'rolled_back' | 'promoted' | 'continue' = 'continue';
      const summary = `canary ${can.s}/${can.n} vs live ${live.s}/${live.n}, P(canary worse) = ${probCanaryWorse.toFixed(3)}`;
      if (can.n >= min / 5 && probCanaryWorse >= 0.95) {
        await this.rollback(SYSTEM_ACTOR('guardrail'), model.id, `Guardrail: ${summary}`);
        action = 'rolled_back';
      } else if (can.n >= min && (1 - probCanaryWorse >= 0.95 || (can.n >= min * 5 && probCanaryWorse < 0.5))) {
        await this.promote(SYSTEM_ACTOR('guardrail'), model.id, `Guardrail: ${summary}`);
        action = 'promoted';
      }
      if (action !== 'continue') this.logger.log(`${model.version} ${action.replace('_', ' ')}: ${summary}.`);
      out.push({ model: model.version, action, probCanaryWorse });
    }
    return out;
  }

  private surface(key: string): Promise<SurfaceEntity> {
    return findSurface(this.db, key);
  }
}

/** A share as a percentage with up to three significant digits: 5%, 0.01%, 12.5%. */
function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}
