import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { CandidatePool, EngineStore, SurfaceEntity, buildPool, engineSettingsProblems, surfaceFilter } from '@marquee/placement';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock, DomainError, InputError, isUuid } from '@marquee/platform-core';
import { JobName, QueueName } from '@marquee/platform-queue';
import { OpeRunEntity, OpeTarget } from './entities';
import { ModelLifecycleService } from './model-lifecycle.service';
import { EvaluatedPolicy, evaluateOnOwnLogs } from './ope-own';
import { LoggedRequest, PoolSnapshot, loadOwnLogs, loadPoolSnapshot, requireLoggedFeeds } from './own-logs';
import { findSurface } from './surface';

const DAY = 86_400_000;

export interface OpeRequest {
  surfaceKey: string;
  target: OpeTarget;
  modelId?: string | null;
  config?: Record<string, unknown> | null;
  days?: number | null;
}

/** Offline evaluation runs of a policy (live, uniform, a configuration or a model version) on the surface's own logs. */
@Injectable()
export class EvaluationRunService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Training) private readonly queue: Queue,
    private readonly store: EngineStore,
    private readonly audit: AuditService,
    private readonly lifecycle: ModelLifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async listOpeRuns(surface?: string | null): Promise<OpeRunEntity[]> {
    const surfaceKey = await surfaceFilter(this.db, surface);
    return this.db.getRepository(OpeRunEntity).find({ where: surfaceKey ? { surfaceKey } : {}, order: { createdAt: 'DESC' }, take: 100 });
  }

  async requestOpe(actor: Actor, input: OpeRequest): Promise<OpeRunEntity> {
    const run = await this.createOpeRun(actor, input);
    await this.queue.add(JobName.EvaluatePolicy, { runId: run.id }, { jobId: `ope_${run.id}`, attempts: 1 });
    return run;
  }

  /** Runs an evaluation now (the gate uses this in the worker). */
  async runOpe(actor: Actor, input: OpeRequest): Promise<OpeRunEntity> {
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
      else if (run.target === 'MODEL') policy = { kind: 'engine', state: await this.lifecycle.candidateState(await this.lifecycle.get(run.modelId!)) };
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
      await repo.update(runId, {
        status: 'done',
        progress: 1,
        estimates: { ...est, requests: requests.length, rows, draws: this.config.opeDraws } as never,
        finishedAt: this.clock.now(),
      });
    } catch (e) {
      await repo.update(runId, { status: 'failed', error: (e as Error).message, finishedAt: this.clock.now() });
    }
    return repo.findOneOrFail({ where: { id: runId } });
  }

  private async createOpeRun(actor: Actor, input: OpeRequest): Promise<OpeRunEntity> {
    const surface = await this.surface(input.surfaceKey);
    const days = input.days ?? 7;
    if (!Number.isInteger(days) || days < 1 || days > 90)
      throw new InputError('days must be from 1 to 90.', [{ field: 'days', message: 'must be from 1 to 90' }]);
    let label = input.target === 'CURRENT' ? 'Live policy' : input.target === 'UNIFORM' ? 'Uniform random' : 'Configuration';
    if (input.target === 'MODEL') {
      if (!input.modelId || !isUuid(input.modelId))
        throw new InputError('Give the model version to evaluate.', [{ field: 'modelId', message: 'is required for target MODEL' }]);
      const model = await this.lifecycle.get(input.modelId);
      if (!model.export) throw new DomainError('PRECONDITION_FAILED', `${model.version} has no trained weights (${model.status}).`);
      label = model.version;
    }
    if (input.target !== 'CONFIG' && input.config !== undefined && input.config !== null)
      throw new InputError(`Only target CONFIG takes a configuration; ${input.target} evaluates a policy as it is. Leave config out, or use target CONFIG.`, [
        { field: 'config', message: 'is only for target CONFIG' },
      ]);
    if (input.target === 'CONFIG') {
      const c = input.config ?? {};
      const allowed = ['explorationBudget', 'randomFloor', 'slots'];
      if (typeof c !== 'object' || Array.isArray(c))
        throw new InputError(`A configuration is an object that sets ${allowed.join(', ')}, e.g. {"slots": 5}.`, [
          { field: 'config', message: 'must be an object' },
        ]);
      const bad = Object.keys(c).filter((k) => !allowed.includes(k));
      if (!Object.keys(c).length || bad.length)
        throw new InputError(`A configuration sets ${allowed.join(', ')}.`, [
          { field: 'config', message: bad.length ? `unknown ${bad.join(', ')}` : 'is empty' },
        ]);
      // The rules the surface's own settings follow (and the engine enforces when the worker runs it), on the surface's
      // settings with the configuration applied: refused now, instead of a run that is queued and then fails.
      const settings = { slots: surface.slots, explorationBudget: surface.explorationBudget, randomFloor: surface.randomFloor, ...c };
      const problems = engineSettingsProblems(settings, 'config.');
      if (problems.length)
        throw new InputError(
          `The configuration was not evaluated: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')} (with the others as "${surface.key}" has them now). Nothing was queued.`,
          problems,
        );
      label = `Configuration ${JSON.stringify(c)}`;
    }
    const to = new Date(this.clock.nowMs());
    await requireLoggedFeeds(this.db, surface.key, days, to, 'evaluate');
    return this.db.transaction(async (m) => {
      const run = await m.save(
        OpeRunEntity,
        m.create(OpeRunEntity, {
          surfaceKey: surface.key,
          target: input.target,
          modelId: input.modelId ?? null,
          config: input.config ?? null,
          label,
          status: 'queued',
          windowFrom: new Date(to.getTime() - days * DAY),
          windowTo: to,
        }),
      );
      await this.audit.record(m, actor, {
        action: 'ope.requested',
        entityType: 'ope_run',
        entityId: run.id,
        after: { surface: surface.key, target: input.target, label, days },
        summary: `Offline evaluation of ${label} on "${surface.key}" (${days} days)`,
      });
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

  private surface(key: string): Promise<SurfaceEntity> {
    return findSurface(this.db, key);
  }
}
