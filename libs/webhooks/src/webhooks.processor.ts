import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobName, QueueName } from '@marquee/platform-queue';
import { WebhookSender } from './webhook.sender';
import { WebhookService } from './webhook.service';

@Processor(QueueName.Webhooks, { concurrency: 8 })
export class WebhooksProcessor extends WorkerHost {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly sender: WebhookSender,
    private readonly webhooks: WebhookService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.DeliverWebhook: {
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        try {
          return await this.sender.send((job.data as { deliveryId: string }).deliveryId, last);
        } catch (e) {
          if (last)
            this.logger.warn(`${(e as Error).message} Giving up after ${job.attemptsMade + 1} tries; an admin can resend it from the Studio's webhook log.`);
          throw e;
        }
      }
      case JobName.SweepWebhooks: {
        const ids = await this.webhooks.unsent(60_000);
        await this.webhooks.dispatch(ids);
        return { requeued: ids.length };
      }
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Webhooks}. Add a case to WebhooksProcessor.process.`);
    }
  }
}
