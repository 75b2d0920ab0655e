import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '@marquee/audit';
import { isDomainError } from '@marquee/platform-core';
import { JobName, QueueName } from '@marquee/platform-queue';
import { EvaluationRunService } from './evaluation-run.service';
import { ModelLifecycleService } from './model-lifecycle.service';
import { ModelTrainingService } from './model-training.service';

@Processor(QueueName.Training, { concurrency: 1, lockDuration: 120_000 })
export class TrainingProcessor extends WorkerHost {
  private readonly logger = new Logger('Training');

  constructor(
    private readonly training: ModelTrainingService,
    private readonly evaluations: EvaluationRunService,
    private readonly lifecycle: ModelLifecycleService,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.TrainModel: {
        const { modelId, days, epochs } = job.data as { modelId: string; days: number; epochs: number | null };
        const m = await this.training.train(modelId, days, epochs, (p) => job.updateProgress(Math.round(p * 100)));
        this.logger.log(`${m.version}: ${m.status}${m.statusReason ? ` (${m.statusReason})` : ''}.`);
        return { status: m.status };
      }
      case JobName.TrainAll: {
        // The scheduled retraining: one model per enabled surface that has none training already.
        const surfaces: { key: string }[] = await this.db.query(
          `SELECT key FROM surfaces s WHERE enabled AND NOT EXISTS (SELECT 1 FROM model_versions m WHERE m.surface_key = s.key AND m.status = 'training')`,
        );
        let queued = 0;
        for (const s of surfaces) {
          // A surface with no logs yet, or one whose run someone queued meanwhile, is skipped: the others still train.
          try {
            await this.training.requestTraining(SYSTEM_ACTOR('scheduler'), { surfaceKey: s.key });
            queued++;
          } catch (e) {
            if (!isDomainError(e)) throw e;
            this.logger.log(`Scheduled retraining skipped "${s.key}": ${e.message}`);
          }
        }
        return { queued };
      }
      case JobName.EvaluatePolicy: {
        const run = await this.evaluations.executeOpe((job.data as { runId: string }).runId, (p) => job.updateProgress(Math.round(p * 100)));
        return { status: run.status };
      }
      case JobName.MonitorCanary:
        return this.lifecycle.monitor();
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Training}. Add a case to TrainingProcessor.process.`);
    }
  }
}
