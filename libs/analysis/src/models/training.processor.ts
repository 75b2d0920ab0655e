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
        // The scheduled retraining: one model per enabled surface. Whether a surface already has a run is decided by
        // requestTraining, as for the trainModel mutation: a run still in the queue is a CONFLICT and the surface is
        // skipped; a run whose job was lost is marked failed and a new one is queued in this pass. (Filtering out every
        // surface with a "training" row here left a lost run blocking its surface's retraining for good.)
        const surfaces: { key: string }[] = await this.db.query(`SELECT key FROM surfaces WHERE enabled ORDER BY key`);
        let queued = 0;
        for (const s of surfaces) {
          // A surface with no logs yet, or one with a run still queued or training, is skipped: the others still train.
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
