import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { AuditModule } from '@marquee/audit';
import { CatalogWorkerModule } from '@marquee/catalog';
import { LaunchWorkerModule } from '@marquee/launch';
import { WebhooksWorkerModule } from '@marquee/webhooks';
import { PlacementWorkerModule } from '@marquee/placement';
import { AnalysisWorkerModule } from '@marquee/analysis';
import { APP_CONFIG, AppConfig, ConfigModule } from '@marquee/platform-config';
import { DatabaseModule } from '@marquee/platform-database';
import { JobName, QueueModule, QueueName, REDIS, RedisModule, ScheduleSpec, SchedulerKeeper } from '@marquee/platform-queue';
import { ALL_ENTITIES } from '../../../migrations/entities';

/**
 * Which module processes each queue. Typed as a Record over QueueName, so a new queue without an owner does not
 * compile; the boot check below fails with the owner's name if that module forgot to register a processor.
 */
const QUEUE_OWNERS: Record<QueueName, Type> = {
  [QueueName.Assets]: CatalogWorkerModule,
  [QueueName.Imports]: CatalogWorkerModule,
  [QueueName.Launches]: LaunchWorkerModule,
  [QueueName.Webhooks]: WebhooksWorkerModule,
  [QueueName.Learning]: PlacementWorkerModule,
  [QueueName.Training]: AnalysisWorkerModule,
};

const PROCESSOR_METADATA = 'bullmq:processor_metadata';

/** The repeatable jobs. Postgres is the truth; the sweeps and the reconciler find work whose job Redis lost. */
function scheduleSpecs(config: AppConfig): ScheduleSpec[] {
  return [
    { queue: QueueName.Assets, id: 'sweep-assets', repeat: { every: 10 * 60 * 1000 }, job: JobName.SweepAssets },
    { queue: QueueName.Imports, id: 'sweep-imports', repeat: { every: config.reconcileIntervalMs }, job: JobName.SweepImports },
    { queue: QueueName.Launches, id: 'reconcile-launches', repeat: { every: config.reconcileIntervalMs }, job: JobName.ReconcileLaunches },
    { queue: QueueName.Webhooks, id: 'sweep-webhooks', repeat: { every: 60 * 1000 }, job: JobName.SweepWebhooks },
    { queue: QueueName.Learning, id: 'learn', repeat: { every: config.learnIntervalMs }, job: JobName.Learn },
    { queue: QueueName.Learning, id: 'maintain', repeat: { every: 60 * 60 * 1000 }, job: JobName.Maintain },
    { queue: QueueName.Training, id: 'train-all', repeat: { pattern: config.trainCron }, job: JobName.TrainAll },
    { queue: QueueName.Training, id: 'monitor-canary', repeat: { every: config.canaryCheckMs }, job: JobName.MonitorCanary },
  ];
}

@Injectable()
class WorkerBoot implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Worker');
  private keeper: SchedulerKeeper | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectQueue(QueueName.Assets) private readonly assets: Queue,
    @InjectQueue(QueueName.Imports) private readonly imports: Queue,
    @InjectQueue(QueueName.Launches) private readonly launches: Queue,
    @InjectQueue(QueueName.Webhooks) private readonly webhooks: Queue,
    @InjectQueue(QueueName.Learning) private readonly learning: Queue,
    @InjectQueue(QueueName.Training) private readonly training: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const served = new Set<string>();
    for (const w of this.discovery.getProviders()) {
      const meta = w.metatype ? Reflect.getMetadata(PROCESSOR_METADATA, w.metatype) : undefined;
      if (meta?.name) served.add(meta.name);
    }
    const missing = Object.values(QueueName).filter((q) => !served.has(q));
    if (missing.length) {
      throw new Error(
        `No processor for queue(s) ${missing.join(', ')}. Add a @Processor class for each to the providers of ${missing.map((q) => QUEUE_OWNERS[q].name).join(', ')}.`,
      );
    }
    const queues = {
      assets: this.assets,
      imports: this.imports,
      launches: this.launches,
      webhooks: this.webhooks,
      learning: this.learning,
      training: this.training,
    };
    this.keeper = new SchedulerKeeper(queues, scheduleSpecs(this.config), this.logger);
    await this.keeper.upsertAll();
    // A flush or failover takes the schedulers with it: re-create missing ones on every reconcile interval and reconnect.
    this.keeper.watch(this.redis, this.config.reconcileIntervalMs);
    await this.learning.add(JobName.Maintain, {}, { jobId: `maintain_boot_${Date.now()}` });
    // And once right now, so a restart after an outage catches up without waiting a full interval.
    await this.launches.add(JobName.ReconcileLaunches, {}, { jobId: `reconcile_boot_${Date.now()}` });
    // Unfinished imports whose job Redis lost or ended: the same sweep as on the interval, once at start.
    await this.imports.add(JobName.SweepImports, {}, { jobId: `sweep_imports_boot_${Date.now()}` });
    this.logger.log(`Processing queues: ${[...served].sort().join(', ')}.`);
  }

  onModuleDestroy(): void {
    this.keeper?.stop();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const owners = [...new Set(Object.values(QUEUE_OWNERS))];
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(ALL_ENTITIES, 'marquee-worker'),
        QueueModule.forRoot(),
        RedisModule,
        AuditModule,
        DiscoveryModule,
        ...owners,
      ],
      providers: [WorkerBoot],
    };
  }
}
