import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService, SYSTEM_ACTOR } from '@marquee/audit';
import { SurfaceEntity } from '@marquee/placement';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock, ConflictError, DomainError, InputError } from '@marquee/platform-core';
import { JobName, QueueName } from '@marquee/platform-queue';
import { TrainProgress, TrainingRow, trainRewardModel } from '../../../../ml/src';
import { EstimateReport } from '../ope';
import { GateResult, ModelVersionEntity } from './entities';
import { EvaluationRunService } from './evaluation-run.service';
import { FitMetrics, judgeFit } from './fit';
import { ModelLifecycleService } from './model-lifecycle.service';
import { itemFeatureVectors, loadOwnLogs, requireLoggedFeeds } from './own-logs';
import { findSurface } from './surface';

const DAY = 86_400_000;

/** A run found "training" or "candidate" with no job left to move it on, and marked failed. */
interface LostRun {
  version: string;
  createdAt: Date;
  jobState: string;
  reason: string;
}

export interface TrainRequest {
  surfaceKey: string;
  days?: number | null;
  epochs?: number | null;
}

/**
 * Training a TensorFlow.js reward model on the surface's logs, then the offline gate against the live policy, then the
 * canary when it passes (through the lifecycle).
 */
@Injectable()
export class ModelTrainingService {
  private readonly logger = new Logger('Training');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Training) private readonly queue: Queue,
    private readonly audit: AuditService,
    private readonly lifecycle: ModelLifecycleService,
    private readonly evaluations: EvaluationRunService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Queues a training run; the worker reports progress on the model version row. Both the `trainModel` mutation and the
   * scheduled TrainAll come through here, so a run whose job was lost is marked failed, and replaced, on either path.
   */
  async requestTraining(actor: Actor, req: TrainRequest): Promise<ModelVersionEntity> {
    const surface = await this.surface(req.surfaceKey);
    if (req.days !== undefined && req.days !== null && (!Number.isInteger(req.days) || req.days < 1 || req.days > 90)) {
      throw new InputError('days must be from 1 to 90.', [{ field: 'days', message: 'must be from 1 to 90' }]);
    }
    if (req.epochs !== undefined && req.epochs !== null && (!Number.isInteger(req.epochs) || req.epochs < 1 || req.epochs > 50)) {
      throw new InputError('epochs must be from 1 to 50.', [{ field: 'epochs', message: 'must be from 1 to 50' }]);
    }
    const days = req.days ?? 30;
    // Refused now, the way evaluatePolicy refuses it, instead of a run that is queued and then fails in the worker.
    await requireLoggedFeeds(this.db, surface.key, days, new Date(this.clock.nowMs()), 'train');
    const id = randomUUID();
    const version = `tfjs-${surface.key}-${new Date(this.clock.nowMs()).toISOString().slice(0, 16).replace(/[-:T]/g, '')}-${id.slice(0, 6)}`;
    let lost: LostRun[] = [];
    const row = await this.db.transaction(async (m) => {
      // One training run per surface at a time: parallel requests for a surface queue behind this lock, and each one
      // after the first finds the run the first one queued.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`train_model:${surface.key}`]);
      lost = await this.assertNoTrainingRun(m, surface.key);
      const r = await m.save(
        ModelVersionEntity,
        m.create(ModelVersionEntity, { id, surfaceKey: surface.key, version, status: 'training', progress: 0, progressMessage: 'Queued' }),
      );
      await this.audit.record(m, actor, {
        action: 'model.training_requested',
        entityType: 'model_version',
        entityId: id,
        after: { surface: surface.key, version },
        summary: `Queued training of ${version}`,
      });
      return r;
    });
    // Said after the commit, so the log never reports a repair that was rolled back.
    for (const r of lost) {
      this.logger.warn(
        `${r.version} on "${surface.key}" (queued ${r.createdAt.toISOString()}) was marked failed: ${r.reason} Its job is ${r.jobState} in the queue, so nothing would ever have finished it. ${version} was queued in its place; nothing else is needed. If this keeps happening, look in the worker's log around ${r.createdAt.toISOString()} for a crash or a Redis restart.`,
      );
    }
    await this.queue.add(JobName.TrainModel, { modelId: id, days, epochs: req.epochs ?? null }, { jobId: `train_${id}`, attempts: 1 });
    return row;
  }

  /**
   * CONFLICT when a run on the surface is queued or training. A row still "training" whose job is no longer in the
   * queue (a worker that died mid-run, a Redis that lost it) would block the surface for good: it is marked failed and
   * does not count. A row younger than a minute counts whatever the queue says: its job may not be added yet.
   *
   * A "candidate" is a trained model whose job is running the offline gate; the gate moves it on (gate_passed or
   * gate_failed) in the same job. One whose job is gone or ended (the worker died, or the gate threw) would stay a
   * candidate "running the offline gate" for good, with nothing able to move it: it is marked failed here too. A
   * candidate never blocks a new run (its job is past training), so it is only tidied, never a CONFLICT.
   *
   * Returns the runs it marked failed, for the caller to report once its transaction has committed.
   */
  private async assertNoTrainingRun(m: EntityManager, surfaceKey: string): Promise<LostRun[]> {
    const lost: LostRun[] = [];
    const unfinished = await m.find(ModelVersionEntity, {
      where: { surfaceKey, status: In(['training', 'candidate']) },
      order: { createdAt: 'ASC' },
    });
    for (const r of unfinished) {
      const job = await this.queue.getJob(`train_${r.id}`);
      const state = job ? await job.getState() : 'missing';
      const running = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state);
      if (r.status === 'candidate') {
        if (!running)
          lost.push(
            await this.markLost(
              m,
              r,
              state,
              'The training job was lost (its worker stopped, or the offline gate failed to run) before the offline gate decided.',
            ),
          );
        continue;
      }
      const young = this.clock.nowMs() - r.createdAt.getTime() < 60_000;
      if (young || running) {
        throw new ConflictError(
          `A model is already training on "${surfaceKey}": ${r.version} (${r.progressMessage ?? 'queued'}). Only one training run per surface runs at a time, so nothing was queued. Follow that one with modelVersion(id: "${r.id}"), and train again once it has finished.`,
          { modelId: r.id, version: r.version },
        );
      }
      lost.push(await this.markLost(m, r, state, 'The training job was lost (its worker stopped or the queue dropped it) before it finished.'));
    }
    return lost;
  }

  private async markLost(m: EntityManager, r: ModelVersionEntity, jobState: string, reason: string): Promise<LostRun> {
    await m.update(ModelVersionEntity, { id: r.id }, { status: 'failed', statusReason: reason, progressMessage: reason, decidedAt: this.clock.now() });
    await this.audit.record(m, SYSTEM_ACTOR('trainer'), {
      action: 'model.failed',
      entityType: 'model_version',
      entityId: r.id,
      summary: `${r.version}: ${reason}`,
    });
    return { version: r.version, createdAt: r.createdAt, jobState, reason };
  }

  /** The training itself, run by the worker. Ends with the offline gate, then the canary when it passes. */
  async train(modelId: string, days: number, epochs: number | null, report: (p: number) => Promise<void>): Promise<ModelVersionEntity> {
    const model = await this.get(modelId);
    const surface = await this.surface(model.surfaceKey);
    const repo = this.db.getRepository(ModelVersionEntity);
    const fail = async (reason: string) => {
      await repo.update(modelId, { status: 'failed', statusReason: reason, progressMessage: reason, decidedAt: this.clock.now() });
      await this.audit.record(null, SYSTEM_ACTOR('trainer'), {
        action: 'model.failed',
        entityType: 'model_version',
        entityId: modelId,
        summary: `${model.version}: ${reason}`,
      });
      return this.get(modelId);
    };
    const to = new Date(this.clock.nowMs());
    const from = new Date(to.getTime() - days * DAY);
    await repo.update(modelId, { progressMessage: 'Reading logs', progress: 0.01 });
    const logs = await loadOwnLogs(this.db, surface.key, surface.successEvent, from, to, 50_000);
    const features = await itemFeatureVectors(
      this.db,
      logs.flatMap((r) => r.placements.map((p) => p.itemId)),
      to.getTime(),
    );
    const rows: TrainingRow[] = logs.flatMap((r) =>
      r.placements
        .filter((p) => p.impression && features.has(p.itemId))
        .map((p) => ({
          userId: r.userId,
          userFeatures: Array.from(r.userFeatures),
          itemId: p.itemId,
          itemFeatures: features.get(p.itemId)!,
          position: p.position,
          propensity: p.propensity,
          reward: p.success ? 1 : 0,
          at: r.servedAt,
        })),
    );
    const successes = rows.filter((r) => r.reward > 0).length;
    if (rows.length < this.config.minTrainingRows || successes < 10) {
      return fail(
        `Not enough data: ${rows.length} impressions and ${successes} successes on "${surface.key}" in the last ${days} days; training needs ${this.config.minTrainingRows} impressions and 10 successes.`,
      );
    }
    let result;
    try {
      result = await trainRewardModel(rows, {
        epochs: epochs ?? undefined,
        onProgress: async (p: TrainProgress) => {
          const frac = 0.05 + 0.8 * (p.step / p.totalSteps);
          if (p.phase === 'epoch' || p.batch % 10 === 0) {
            await repo.update(modelId, {
              progress: frac,
              progressMessage: `Epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}${p.holdoutLogLoss ? `, holdout log loss ${p.holdoutLogLoss.toFixed(4)}` : ''}`,
            });
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
      metrics: {
        holdoutAuc: m.holdout.auc,
        holdoutLogLoss: m.holdout.logLoss,
        baselineLogLoss: m.holdout.baselineLogLoss,
        trainLogLoss: m.train.logLoss,
        backend: result.backend,
      } as never,
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
    if (gated.status === 'gate_passed' && this.config.autoCanary) return this.lifecycle.startCanary(SYSTEM_ACTOR('trainer'), modelId, this.config.canaryShare);
    return this.get(modelId);
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
      throw new DomainError('ILLEGAL_TRANSITION', `${model.version} is ${model.status}; only a trained candidate goes through the gate.`, {
        state: model.status,
      });
    }
    const run = await this.evaluations.runOpe(SYSTEM_ACTOR('gate'), { surfaceKey: model.surfaceKey, target: 'MODEL', modelId, days: 7 });
    if (run.status !== 'done') {
      await this.db
        .getRepository(ModelVersionEntity)
        .update(modelId, { status: 'gate_failed', statusReason: `The offline evaluation could not run: ${run.error}`, decidedAt: this.clock.now() });
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
      await m.update(
        ModelVersionEntity,
        { id: modelId },
        { status, gate, statusReason: reason, decidedAt: this.clock.now(), progress: 1, progressMessage: null },
      );
      await this.audit.record(m, SYSTEM_ACTOR('gate'), {
        action: gate.passed ? 'model.gate_passed' : 'model.gate_failed',
        entityType: 'model_version',
        entityId: modelId,
        after: { surface: model.surfaceKey, ...gate },
        summary: `${model.version} ${gate.passed ? 'passed' : 'failed'} the offline gate: ${reason}`,
      });
    });
    return this.get(modelId);
  }

  private get(id: string): Promise<ModelVersionEntity> {
    return this.lifecycle.get(id);
  }

  private surface(key: string): Promise<SurfaceEntity> {
    return findSurface(this.db, key);
  }
}
