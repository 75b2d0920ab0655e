import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, In } from 'typeorm';
import { Actor, AuditService, SYSTEM_ACTOR } from '@marquee/audit';
import { CandidatePool, EngineState, EngineStore, SurfaceEntity, buildPool, cloneState, probBetaGreater, withSharedPrior } from '@marquee/placement';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock, DomainError, InputError, NotFoundError, assertId, isUuid } from '@marquee/platform-core';
import { JobName, QueueName } from '@marquee/platform-queue';
import { ExportedRewardModel, TrainProgress, TrainingRow, foldedBilinear, trainRewardModel } from '../../../../ml/src';
import { EstimateReport } from '../ope';
import { GateResult, ModelVersionEntity, OpeRunEntity, OpeTarget } from './entities';
import { EvaluatedPolicy, evaluateOnOwnLogs } from './ope-own';
import { FitMetrics, judgeFit } from './fit';
import { LoggedRequest, PoolSnapshot, itemFeatureVectors, loadOwnLogs, loadPoolSnapshot } from './own-logs';

/** The model's logit scale against the engine's probit scale (logit ≈ 1.702 × probit). */
const LOGIT_TO_PROBIT = 1 / 1.702;
const DAY = 86_400_000;

export interface TrainRequest {
  surfaceKey: string;
  days?: number | null;
  epochs?: number | null;
}

/**
 * The model lifecycle: train a TensorFlow.js reward model on the surface's logs, check it offline against the live
 * policy (the gate), put it on a canary share of traffic, and promote it or roll it back on the guardrail.
 */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger('Models');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Training) private readonly queue: Queue,
    private readonly store: EngineStore,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  list(surfaceKey?: string | null): Promise<ModelVersionEntity[]> {
    return this.db.getRepository(ModelVersionEntity).find({ where: surfaceKey ? { surfaceKey } : {}, order: { createdAt: 'DESC' }, take: 100 });
  }

  async get(id: string): Promise<ModelVersionEntity> {
    assertId('model version', id);
    const m = await this.db.getRepository(ModelVersionEntity).findOne({ where: { id } });
    if (!m) throw new NotFoundError('model version', id);
    return m;
  }

  /** Queues a training run; the worker reports progress on the model version row. */
  async requestTraining(actor: Actor, req: TrainRequest): Promise<ModelVersionEntity> {
    const surface = await this.surface(req.surfaceKey);
    if (req.days !== undefined && req.days !== null && (!Number.isInteger(req.days) || req.days < 1 || req.days > 90)) {
      throw new InputError('days must be from 1 to 90.', [{ field: 'days', message: 'must be from 1 to 90' }]);
    }
    if (req.epochs !== undefined && req.epochs !== null && (!Number.isInteger(req.epochs) || req.epochs < 1 || req.epochs > 50)) {
      throw new InputError('epochs must be from 1 to 50.', [{ field: 'epochs', message: 'must be from 1 to 50' }]);
    }
    const id = randomUUID();
    const version = `tfjs-${surface.key}-${new Date(this.clock.nowMs()).toISOString().slice(0, 16).replace(/[-:T]/g, '')}-${id.slice(0, 6)}`;
    const row = await this.db.transaction(async (m) => {
      const r = await m.save(ModelVersionEntity, m.create(ModelVersionEntity, { id, surfaceKey: surface.key, version, status: 'training', progress: 0, progressMessage: 'Queued' }));
      await this.audit.record(m, actor, { action: 'model.training_requested', entityType: 'model_version', entityId: id, after: { surface: surface.key, version }, summary: `Queued training of ${version}` });
      return r;
    });
    await this.queue.add(JobName.TrainModel, { modelId: id, days: req.days ?? 30, epochs: req.epochs ?? null }, { jobId: `train_${id}`, attempts: 1 });
    return row;
  }

  /** The training itself, run by the worker. Ends with the offline gate, then the canary when it passes. */
  async train(modelId: string, days: number, epochs: number | null, report: (p: number) => Promise<void>): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    const surface = await this.surface(model.surfaceKey);
    const repo = this.db.getRepository(ModelVersionEntity);
    const fail = async (reason: string) => {
      await repo.update(modelId, { status: 'failed', statusReason: reason, progressMessage: reason, decidedAt: new Date() });
      await this.audit.record(null, SYSTEM_ACTOR('trainer'), { action: 'model.failed', entityType: 'model_version', entityId: modelId, summary: `${model.version}: ${reason}` });
      return this.get(modelId);
    };
    const to = new Date(this.clock.nowMs());
    const from = new Date(to.getTime() - days * DAY);
    await repo.update(modelId, { progressMessage: 'Reading logs', progress: 0.01 });
    const logs = await loadOwnLogs(this.db, surface.key, surface.successEvent, from, to, 50_000);
    const features = await itemFeatureVectors(this.db, logs.flatMap((r) => r.placements.map((p) => p.itemId)), to.getTime());
    const rows: TrainingRow[] = logs.flatMap((r) =>
      r.placements
        .filter((p) => p.impression && features.has(p.itemId))
        .map((p) => ({ userId: r.userId, userFeatures: Array.from(r.userFeatures), itemId: p.itemId, itemFeatures: features.get(p.itemId)!, position: p.position, propensity: p.propensity, reward: p.success ? 1 : 0, at: r.servedAt })),
    );
    const successes = rows.filter((r) => r.reward > 0).length;
    if (rows.length < this.config.minTrainingRows || successes < 10) {
      return fail(`Not enough data: ${rows.length} impressions and ${successes} successes on "${surface.key}" in the last ${days} days; training needs ${this.config.minTrainingRows} impressions and 10 successes.`);
    }
    let result;
    try {
      result = await trainRewardModel(rows, {
        epochs: epochs ?? undefined,
        onProgress: async (p: TrainProgress) => {
          const frac = 0.05 + 0.8 * (p.step / p.totalSteps);
          if (p.phase === 'epoch' || p.batch % 10 === 0) {
            await repo.update(modelId, { progress: frac, progressMessage: `Epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}${p.holdoutLogLoss ? `, holdout log loss ${p.holdoutLogLoss.toFixed(4)}` : ''}` });
            await report(frac);
          }
        },
      });
    } catch (e) {
      return fail(`Training failed: ${(e as Error).message}`);
    }
    const m = result.metrics;
    await repo.update(modelId, {
      status: 'candidate',
      progress: 0.85,
      progressMessage: 'Trained; running the offline gate',
      export: result.model as never,
      metrics: { holdoutAuc: m.holdout.auc, holdoutLogLoss: m.holdout.logLoss, baselineLogLoss: m.holdout.baselineLogLoss, trainLogLoss: m.train.logLoss, backend: result.backend } as never,
      trainingMs: Math.round(result.trainingMs),
      rows: rows.length,
      dataFrom: new Date(Math.min(...rows.map((r) => new Date(r.at).getTime()))),
      dataTo: new Date(Math.max(...rows.map((r) => new Date(r.at).getTime()))),
    });
    await this.audit.record(null, SYSTEM_ACTOR('trainer'), {
      action: 'model.trained',
      entityType: 'model_version',
      entityId: modelId,
      after: { surface: model.surfaceKey, rows: rows.length, auc: m.holdout.auc, logLoss: m.holdout.logLoss },
      summary: `Trained ${model.version} on ${rows.length} impressions: holdout AUC ${m.holdout.auc.toFixed(3)}, log loss ${m.holdout.logLoss.toFixed(4)}`,
    });
    await report(0.9);
    const gated = await this.gate(modelId);
    await repo.update(modelId, { progress: 1, progressMessage: null });
    if (gated.status === 'gate_passed' && this.config.autoCanary) return this.startCanary(SYSTEM_ACTOR('trainer'), modelId, this.config.canaryShare);
    return this.get(modelId);
  }

  /** The engine state a model version would serve with: the live state, its shared prior replaced by the model's. */
  async candidateState(model: ModelVersionEntity): Promise<EngineState> {
    if (!model.export) throw new DomainError('PRECONDITION_FAILED', `${model.version} has no trained weights (it is ${model.status}).`);
    const live = (await this.store.load(model.surfaceKey)).state;
    const mean = foldedBilinear(model.export as unknown as ExportedRewardModel, 0, 0).map((w) => w * LOGIT_TO_PROBIT);
    return withSharedPrior(live, { version: model.version, mean });
  }

  /**
   * The offline gate: SNIPS of the candidate on recent logs against the live policy's on-policy value, and the model's
   * own holdout fit. It passes when the lower end of the candidate's 95% interval is no more than GATE_MARGIN (relative)
   * below the live value, and the model ranks held-out impressions better than chance and predicts them better than the
   * base rate (see fit.ts).
   */
  async gate(modelId: string): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    if (!['candidate', 'gate_failed'].includes(model.status)) {
      throw new DomainError('ILLEGAL_TRANSITION', `${model.version} is ${model.status}; only a trained candidate goes through the gate.`, { state: model.status });
    }
    const run = await this.runOpe(SYSTEM_ACTOR('gate'), { surfaceKey: model.surfaceKey, target: 'MODEL', modelId, days: 7 });
    if (run.status !== 'done') {
      await this.db.getRepository(ModelVersionEntity).update(modelId, { status: 'gate_failed', statusReason: `The offline evaluation could not run: ${run.error}`, decidedAt: new Date() });
      return this.get(modelId);
    }
    const est = run.estimates as unknown as EstimateReport;
    const snips = est.results.find((r) => r.estimator === 'snips')!;
    const live = est.onPolicy.value;
    const threshold = live * (1 - this.config.gateMargin);
    const fit = judgeFit(model.metrics as FitMetrics | null);
    const estimatePassed = snips.ci.lower >= threshold;
    const gate: GateResult = {
      estimator: 'snips',
      liveEstimate: live,
      candidateEstimate: snips.value,
      candidateLower: snips.ci.lower,
      candidateUpper: snips.ci.upper,
      margin: this.config.gateMargin,
      threshold,
      passed: estimatePassed && fit.passed,
      requests: Number((run.estimates as { requests?: number }).requests ?? 0),
      rows: est.n,
      opeRunId: run.id,
      fit,
    };
    const status = gate.passed ? 'gate_passed' : 'gate_failed';
    const margin = `(live ${live.toFixed(4)} − ${(this.config.gateMargin * 100).toFixed(0)}%)`;
    const estimate = estimatePassed
      ? `SNIPS lower bound ${gate.candidateLower.toFixed(4)} ≥ ${threshold.toFixed(4)} ${margin}.`
      : `SNIPS lower bound ${gate.candidateLower.toFixed(4)} < ${threshold.toFixed(4)} ${margin}: it could be materially worse than the live policy.`;
    // A failed part comes first: it is what the reader has to act on.
    const reason = fit.passed || !estimatePassed ? `${estimate} ${fit.reason}` : `${fit.reason} ${estimate}`;
    await this.db.transaction(async (m) => {
      // Progress ends with the gate's decision in the same write, so nobody reads a decided model still at 85%.
      await m.update(ModelVersionEntity, { id: modelId }, { status, gate, statusReason: reason, decidedAt: new Date(), progress: 1, progressMessage: null });
      await this.audit.record(m, SYSTEM_ACTOR('gate'), { action: gate.passed ? 'model.gate_passed' : 'model.gate_failed', entityType: 'model_version', entityId: modelId, after: { surface: model.surfaceKey, ...gate }, summary: `${model.version} ${gate.passed ? 'passed' : 'failed'} the offline gate: ${reason}` });
    });
    return this.get(modelId);
  }

  async startCanary(actor: Actor, modelId: string, share?: number | null): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    const s = share ?? this.config.canaryShare;
    if (!(s > 0 && s <= 0.5)) throw new InputError('The canary share must be above 0 and at most 0.5 (50% of users).', [{ field: 'share', message: 'must be in (0, 0.5]' }]);
    if (model.status !== 'gate_passed') {
      throw new DomainError('ILLEGAL_TRANSITION', `${model.version} is ${model.status.replace('_', ' ')}: only a model that passed the offline gate can go to canary.${model.status === 'gate_failed' ? ` The gate said: ${model.statusReason}` : ''}`, {
        state: model.status,
        allowed: ['gate_passed'],
      });
    }
    const state = await this.candidateState(model);
    await this.db.transaction(async (m) => {
      const eng = await this.store.load(model.surfaceKey, m, { forUpdate: true });
      if (eng.canary) {
        const other = await m.findOne(ModelVersionEntity, { where: { id: eng.canary.modelId } });
        throw new DomainError('CONFLICT', `"${model.surfaceKey}" already runs the canary ${other?.version ?? eng.canary.modelId}. Promote or roll it back first.`);
      }
      const startedAt = new Date(this.clock.nowMs());
      eng.canary = { modelId, share: s, state, startedAt };
      await this.store.save(m, model.surfaceKey, eng);
      await m.update(ModelVersionEntity, { id: modelId }, { status: 'canary', canaryShare: s, canaryStartedAt: startedAt, statusReason: `Serving ${(s * 100).toFixed(0)}% of users` });
      await this.audit.record(m, actor, { action: 'model.canary_started', entityType: 'model_version', entityId: modelId, after: { surface: model.surfaceKey, share: s }, summary: `${model.version} serves ${(s * 100).toFixed(0)}% of "${model.surfaceKey}" as a canary` });
    });
    return this.get(modelId);
  }

  async promote(actor: Actor, modelId: string, reason = 'Promoted by hand'): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    if (model.status !== 'canary') {
      throw new DomainError('ILLEGAL_TRANSITION', `${model.version} is ${model.status.replace('_', ' ')}: only a model on canary can be promoted. ${model.status === 'gate_passed' ? 'Start its canary first.' : model.status === 'candidate' || model.status === 'gate_failed' ? 'It has not passed the offline gate.' : ''}`.trim(), {
        state: model.status,
        allowed: ['canary'],
      });
    }
    await this.db.transaction(async (m) => {
      const eng = await this.store.load(model.surfaceKey, m, { forUpdate: true });
      if (!eng.canary || eng.canary.modelId !== modelId) throw new DomainError('CONFLICT', `${model.version} is not the canary of "${model.surfaceKey}" any more.`);
      const previous = eng.liveModelId;
      const liveRevision = eng.state.revision;
      eng.state = cloneState(eng.canary.state);
      // Revisions only grow on a surface, so every served revision keeps a unique snapshot for replays.
      eng.state.revision = Math.max(eng.state.revision, liveRevision) + 1;
      eng.liveModelId = modelId;
      eng.canary = null;
      await this.store.save(m, model.surfaceKey, eng);
      if (previous) await m.update(ModelVersionEntity, { id: previous }, { status: 'retired', statusReason: `Replaced by ${model.version}` });
      await m.update(ModelVersionEntity, { id: modelId }, { status: 'live', statusReason: reason, decidedAt: new Date() });
      await this.audit.record(m, actor, { action: 'model.promoted', entityType: 'model_version', entityId: modelId, after: { surface: model.surfaceKey, stats: model.canaryStats }, summary: `${model.version} is live on "${model.surfaceKey}": ${reason}` });
    });
    return this.get(modelId);
  }

  async rollback(actor: Actor, modelId: string, reason = 'Rolled back by hand'): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    if (model.status !== 'canary') throw new DomainError('ILLEGAL_TRANSITION', `${model.version} is ${model.status.replace('_', ' ')}; only a canary can be rolled back.`, { state: model.status, allowed: ['canary'] });
    await this.db.transaction(async (m) => {
      const eng = await this.store.load(model.surfaceKey, m, { forUpdate: true });
      eng.canary = null;
      await this.store.save(m, model.surfaceKey, eng);
      await m.update(ModelVersionEntity, { id: modelId }, { status: 'rolled_back', statusReason: reason, decidedAt: new Date() });
      await this.audit.record(m, actor, { action: 'model.rolled_back', entityType: 'model_version', entityId: modelId, after: { surface: model.surfaceKey, stats: model.canaryStats }, summary: `${model.version} rolled back on "${model.surfaceKey}": ${reason}` });
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
      const stats = { liveImpressions: live.n, liveSuccesses: live.s, canaryImpressions: can.n, canarySuccesses: can.s, probCanaryWorse, checkedAt: new Date().toISOString() };
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

  listOpeRuns(surfaceKey?: string | null): Promise<OpeRunEntity[]> {
    return this.db.getRepository(OpeRunEntity).find({ where: surfaceKey ? { surfaceKey } : {}, order: { createdAt: 'DESC' }, take: 100 });
  }

  async requestOpe(actor: Actor, input: { surfaceKey: string; target: OpeTarget; modelId?: string | null; config?: Record<string, unknown> | null; days?: number | null }): Promise<OpeRunEntity> {
    const run = await this.createOpeRun(actor, input);
    await this.queue.add(JobName.EvaluatePolicy, { runId: run.id }, { jobId: `ope_${run.id}`, attempts: 1 });
    return run;
  }

  /** Runs an evaluation now (the gate uses this in the worker). */
  async runOpe(actor: Actor, input: { surfaceKey: string; target: OpeTarget; modelId?: string | null; config?: Record<string, unknown> | null; days?: number | null }): Promise<OpeRunEntity> {
    const run = await this.createOpeRun(actor, input);
    return this.executeOpe(run.id);
  }

  async executeOpe(runId: string, report?: (p: number) => Promise<void>): Promise<OpeRunEntity> {
    const repo = this.db.getRepository(OpeRunEntity);
    const run = await repo.findOneOrFail({ where: { id: runId } });
    const surface = await this.surface(run.surfaceKey);
    await repo.update(runId, { status: 'running' });
    try {
      const requests = await loadOwnLogs(this.db, surface.key, surface.successEvent, run.windowFrom, run.windowTo, this.config.opeMaxRequests);
      const pools = await this.pools(requests);
      let policy: EvaluatedPolicy;
      if (run.target === 'UNIFORM') policy = { kind: 'uniform' };
      else if (run.target === 'MODEL') policy = { kind: 'engine', state: await this.candidateState(await this.get(run.modelId!)) };
      else policy = { kind: 'engine', state: (await this.store.load(surface.key)).state, overrides: (run.config ?? undefined) as never };
      const { report: est, rows } = await evaluateOnOwnLogs(requests, pools, policy, {
        draws: this.config.opeDraws,
        bootstrap: 500,
        seed: runId,
        onProgress: async (done, total) => {
          await repo.update(runId, { progress: done / total });
          await report?.(done / total);
        },
      });
      await repo.update(runId, { status: 'done', progress: 1, estimates: { ...est, requests: requests.length, rows, draws: this.config.opeDraws } as never, finishedAt: new Date() });
    } catch (e) {
      await repo.update(runId, { status: 'failed', error: (e as Error).message, finishedAt: new Date() });
    }
    return repo.findOneOrFail({ where: { id: runId } });
  }

  private async createOpeRun(actor: Actor, input: { surfaceKey: string; target: OpeTarget; modelId?: string | null; config?: Record<string, unknown> | null; days?: number | null }): Promise<OpeRunEntity> {
    const surface = await this.surface(input.surfaceKey);
    const days = input.days ?? 7;
    if (!Number.isInteger(days) || days < 1 || days > 90) throw new InputError('days must be from 1 to 90.', [{ field: 'days', message: 'must be from 1 to 90' }]);
    let label = input.target === 'CURRENT' ? 'Live policy' : input.target === 'UNIFORM' ? 'Uniform random' : 'Configuration';
    if (input.target === 'MODEL') {
      if (!input.modelId || !isUuid(input.modelId)) throw new InputError('Give the model version to evaluate.', [{ field: 'modelId', message: 'is required for target MODEL' }]);
      const model = await this.get(input.modelId);
      if (!model.export) throw new DomainError('PRECONDITION_FAILED', `${model.version} has no trained weights (${model.status}).`);
      label = model.version;
    }
    if (input.target === 'CONFIG') {
      const c = input.config ?? {};
      const allowed = ['explorationBudget', 'randomFloor', 'slots'];
      const bad = Object.keys(c).filter((k) => !allowed.includes(k));
      if (!Object.keys(c).length || bad.length) throw new InputError(`A configuration sets ${allowed.join(', ')}.`, [{ field: 'config', message: bad.length ? `unknown ${bad.join(', ')}` : 'is empty' }]);
      label = `Configuration ${JSON.stringify(c)}`;
    }
    const to = new Date(this.clock.nowMs());
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM feed_requests WHERE surface = $1 AND served_at >= $2 AND NOT fallback`, [surface.key, new Date(to.getTime() - days * DAY)]);
    if (!n) {
      throw new InputError(`There are no logged feeds on "${surface.key}" in the last ${days} days, so there is nothing to evaluate on. Choose a longer window, or wait for traffic.`, [
        { field: 'days', message: 'holds no logs' },
      ]);
    }
    return this.db.transaction(async (m) => {
      const run = await m.save(OpeRunEntity, m.create(OpeRunEntity, { surfaceKey: surface.key, target: input.target, modelId: input.modelId ?? null, config: input.config ?? null, label, status: 'queued', windowFrom: new Date(to.getTime() - days * DAY), windowTo: to }));
      await this.audit.record(m, actor, { action: 'ope.requested', entityType: 'ope_run', entityId: run.id, after: { surface: surface.key, target: input.target, label, days }, summary: `Offline evaluation of ${label} on "${surface.key}" (${days} days)` });
      return run;
    });
  }

  private async pools(requests: LoggedRequest[]): Promise<Map<string, { pool: CandidatePool; snapshot: PoolSnapshot }>> {
    const out = new Map<string, { pool: CandidatePool; snapshot: PoolSnapshot }>();
    for (const fp of new Set(requests.map((r) => r.poolFingerprint))) {
      const snapshot = await loadPoolSnapshot(this.db, fp);
      if (snapshot) out.set(fp, { snapshot, pool: buildPool(snapshot.candidates, snapshot.builtAt).pool });
    }
    return out;
  }

  private async surface(key: string): Promise<SurfaceEntity> {
    const s = await this.db.getRepository(SurfaceEntity).findOne({ where: { key } });
    if (!s) throw new NotFoundError('surface', key, '', 'key');
    return s;
  }

  async byIds(ids: string[]): Promise<ModelVersionEntity[]> {
    return ids.length ? this.db.getRepository(ModelVersionEntity).find({ where: { id: In(ids) } }) : [];
  }
}
