import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { InputError, NotFoundError, assertId, isUuid, Clock, quoteInput } from '@marquee/platform-core';
import { OutboundHttp, OutboundRefusedError, httpUrlProblem, redactUrlCredentials } from '@marquee/platform-outbound';
import { JobName, QueueName, jobIds } from '@marquee/platform-queue';
import { WEBHOOK_EVENTS, WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEvent } from './entities';

/** Sizes of what an admin types for an endpoint: a URL as long as a media URL may be, a description of a few lines. */
export const WEBHOOK_LIMITS = { urlChars: 2048, descriptionChars: 500 } as const;

export interface OutboxEvent {
  type: WebhookEvent;
  data: Record<string, unknown>;
}

@Injectable()
export class WebhookService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Webhooks) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly http: OutboundHttp,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  listEndpoints(): Promise<WebhookEndpointEntity[]> {
    return this.db.getRepository(WebhookEndpointEntity).find({ order: { createdAt: 'DESC' } });
  }

  async createEndpoint(actor: Actor, input: { url: string; description?: string | null; events?: string[] | null }): Promise<WebhookEndpointEntity> {
    const description = this.checkDescription(input.description);
    const url = await this.checkUrl(input.url);
    const events = this.checkEvents(input.events ?? []);
    const secret = `whsec_${randomBytes(24).toString('hex')}`;
    return this.db.transaction(async (m) => {
      const ep = await m.save(
        WebhookEndpointEntity,
        m.create(WebhookEndpointEntity, {
          url,
          description,
          events,
          secret,
          enabled: true,
          createdBy: isUuid(actor.id) ? actor.id : null,
        }),
      );
      await this.audit.record(m, actor, {
        action: 'webhook.created',
        entityType: 'webhook_endpoint',
        entityId: ep.id,
        after: { url, events },
        summary: `Added webhook ${url}`,
      });
      return ep;
    });
  }

  async updateEndpoint(
    actor: Actor,
    id: string,
    input: { url?: string | null; description?: string | null; events?: string[] | null; enabled?: boolean | null },
  ): Promise<WebhookEndpointEntity> {
    await this.getEndpoint(id);
    const description = input.description !== undefined && input.description !== null ? this.checkDescription(input.description) : undefined;
    // Checked before the row is locked: the URL check resolves the host.
    const url = input.url ? await this.checkUrl(input.url) : null;
    const events = input.events ? this.checkEvents(input.events) : null;
    return this.db.transaction(async (m) => {
      // Read again under a lock: an update that raced a delete must not save (and so re-insert) the endpoint.
      const ep = await this.lockedEndpoint(m, id);
      const before = { url: ep.url, events: ep.events, enabled: ep.enabled };
      if (url) ep.url = url;
      if (events) ep.events = events;
      if (description !== undefined) ep.description = description;
      if (input.enabled !== undefined && input.enabled !== null) ep.enabled = input.enabled;
      await m.update(WebhookEndpointEntity, { id }, { url: ep.url, events: ep.events, description: ep.description, enabled: ep.enabled });
      await this.audit.record(m, actor, {
        action: 'webhook.updated',
        entityType: 'webhook_endpoint',
        entityId: id,
        before,
        after: { url: ep.url, events: ep.events, enabled: ep.enabled },
        summary: `Updated webhook ${ep.url}`,
      });
      return ep;
    });
  }

  async deleteEndpoint(actor: Actor, id: string): Promise<boolean> {
    assertId('webhook endpoint', id);
    await this.db.transaction(async (m) => {
      // Locked, so of parallel deletes one removes it (and writes the one audit entry) and the others find it gone.
      const ep = await this.lockedEndpoint(m, id);
      await m.delete(WebhookDeliveryEntity, { endpointId: id });
      await m.delete(WebhookEndpointEntity, { id });
      await this.audit.record(m, actor, {
        action: 'webhook.deleted',
        entityType: 'webhook_endpoint',
        entityId: id,
        before: { url: ep.url },
        summary: `Removed webhook ${ep.url}`,
      });
    });
    return true;
  }

  private async lockedEndpoint(m: EntityManager, id: string): Promise<WebhookEndpointEntity> {
    const ep = await m.findOne(WebhookEndpointEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!ep) throw new NotFoundError('webhook endpoint', id);
    return ep;
  }

  async getEndpoint(id: string): Promise<WebhookEndpointEntity> {
    assertId('webhook endpoint', id);
    const ep = await this.db.getRepository(WebhookEndpointEntity).findOne({ where: { id } });
    if (!ep) throw new NotFoundError('webhook endpoint', id);
    return ep;
  }

  /** `limit` is already checked (1 to 200) by the resolver's pageSize; the bound here only keeps internal callers honest. */
  async deliveries(endpointId?: string | null, limit = 50): Promise<WebhookDeliveryEntity[]> {
    if (endpointId) assertId('webhook endpoint', endpointId);
    return this.db
      .getRepository(WebhookDeliveryEntity)
      .find({ where: endpointId ? { endpointId } : {}, order: { createdAt: 'DESC' }, take: Math.min(Math.max(limit, 1), 200) });
  }

  /**
   * Writes the event into the outbox inside the caller's transaction: one row per subscribed endpoint, sharing one
   * event id. Returns the delivery ids, to be queued with `dispatch` after the transaction commits.
   */
  async enqueue(m: EntityManager, events: OutboxEvent[]): Promise<string[]> {
    if (!events.length) return [];
    const endpoints = await m.find(WebhookEndpointEntity, { where: { enabled: true } });
    const ids: string[] = [];
    for (const ev of events) {
      const eventId = randomUUID();
      for (const ep of endpoints) {
        if (ep.events.length && !ep.events.includes(ev.type)) continue;
        const id = randomUUID();
        const payload = { id: eventId, type: ev.type, createdAt: this.clock.now().toISOString(), data: ev.data };
        await m.insert(WebhookDeliveryEntity, { id, endpointId: ep.id, eventId, eventType: ev.type, payload, status: 'pending' });
        ids.push(id);
      }
    }
    return ids;
  }

  /** Queues deliveries; never throws, because a webhook must not fail or delay what it announces. */
  async dispatch(deliveryIds: string[]): Promise<void> {
    for (const id of deliveryIds) {
      try {
        await this.queue.add(
          JobName.DeliverWebhook,
          { deliveryId: id },
          { jobId: jobIds.deliverWebhook(id), attempts: 8, backoff: { type: 'exponential', delay: this.config.webhookBackoffMs } },
        );
      } catch (e) {
        this.logger.warn(`Webhook delivery ${id} is stored but could not be queued (${(e as Error).message}); the worker's sweep will send it.`);
      }
    }
  }

  /**
   * Sends a delivery again. Decided under the delivery's row lock: of parallel requests (a double click, a retried
   * call) the first marks it pending, writes the one audit entry and queues the one job; the others find it already
   * pending (queued, not yet tried) and change nothing. Ten parallel calls used to write ten audit entries and send
   * the same delivery up to ten times.
   */
  async redeliver(actor: Actor, deliveryId: string): Promise<WebhookDeliveryEntity> {
    assertId('webhook delivery', deliveryId);
    let queued = false;
    const d = await this.db.transaction(async (m) => {
      const d = await m.findOne(WebhookDeliveryEntity, { where: { id: deliveryId }, lock: { mode: 'pessimistic_write' } });
      if (!d) throw new NotFoundError('webhook delivery', deliveryId);
      if (d.status === 'pending') return d;
      await m.update(WebhookDeliveryEntity, { id: deliveryId }, { status: 'pending' });
      await this.audit.record(m, actor, {
        action: 'webhook.redelivered',
        entityType: 'webhook_delivery',
        entityId: deliveryId,
        summary: `Sent ${d.eventType} again`,
      });
      queued = true;
      return { ...d, status: 'pending' as const };
    });
    if (!queued) return d;
    // Under the delivery's own job id, the one the sweep uses too: a second job for it (a redelivery beside a sweep's
    // re-queue) would send it twice at once. A job that ended (or waits out a retry's backoff) makes way for a fresh
    // one with all its tries; a job queued or running now is the redelivery already.
    const jobId = jobIds.deliverWebhook(deliveryId);
    try {
      const existing = await this.queue.getJob(jobId);
      const state = existing ? await existing.getState() : 'missing';
      if (state === 'active' || state === 'waiting' || state === 'prioritized') return d;
      if (existing) await existing.remove();
      await this.queue.add(
        JobName.DeliverWebhook,
        { deliveryId },
        { jobId, attempts: 8, backoff: { type: 'exponential', delay: this.config.webhookBackoffMs } },
      );
    } catch (e) {
      // It is pending in PostgreSQL: the worker's sweep sends it, as it does any delivery whose job was lost.
      this.logger.warn(
        `Webhook delivery ${deliveryId} is marked for redelivery but could not be queued (${(e as Error).message}); the worker's sweep will send it.`,
      );
    }
    return d;
  }

  /** Deliveries still pending whose job may have been lost with Redis. */
  async unsent(olderThanMs: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM webhook_deliveries WHERE status IN ('pending', 'retrying') AND created_at < now() - ($1 || ' milliseconds')::interval ORDER BY created_at LIMIT 500`,
      [String(olderThanMs)],
    );
    return rows.map((r) => r.id);
  }

  async byIds(ids: string[]): Promise<WebhookDeliveryEntity[]> {
    return ids.length ? this.db.getRepository(WebhookDeliveryEntity).find({ where: { id: In(ids) } }) : [];
  }

  /** An http(s) URL whose host does not resolve to an internal address now; delivery checks again at every connect. */
  private async checkUrl(raw: string): Promise<string> {
    const url = (raw ?? '').trim();
    if (url.length > WEBHOOK_LIMITS.urlChars)
      throw new InputError(
        `The URL is ${url.length} characters; the limit is ${WEBHOOK_LIMITS.urlChars}. Give your receiver's address without long query strings.`,
        [{ field: 'url', message: `is ${url.length} characters; the limit is ${WEBHOOK_LIMITS.urlChars}` }],
      );
    const problem = httpUrlProblem(url);
    const shown = redactUrlCredentials(url).slice(0, 200);
    if (problem === 'not-http')
      throw new InputError(
        `"${shown}" is not an http(s) URL. Give the full address of your receiver, e.g. https://example.com/hooks/marquee (a port, if any, from 1 to 65535).`,
        [{ field: 'url', message: 'must be an http(s) URL' }],
      );
    if (problem === 'port-0')
      throw new InputError(
        `"${shown}" has port 0, which no receiver can listen on. Give a port from 1 to 65535, or none for the scheme's default (80 or 443).`,
        [{ field: 'url', message: 'must have a port from 1 to 65535, or none' }],
      );
    if (problem === 'credentials')
      throw new InputError(
        `"${shown}" has a user:password part, which deliveries cannot send and which would be shown to every admin. Remove it; check each delivery's x-marquee-signature header to know it came from Marquee.`,
        [{ field: 'url', message: 'must not contain a user:password part' }],
      );
    try {
      await this.http.assertNotInternal(url);
    } catch (e) {
      if (!(e instanceof OutboundRefusedError)) throw e;
      this.logger.warn(`Refused webhook URL ${redactUrlCredentials(url)}: ${e.detail}.`);
      throw new InputError(e.message, [{ field: 'url', message: 'refused: internal address' }]);
    }
    return url;
  }

  private checkDescription(raw: string | null | undefined): string | null {
    const description = raw?.trim() || null;
    if (description && description.length > WEBHOOK_LIMITS.descriptionChars)
      throw new InputError(
        `The description is ${description.length} characters; the limit is ${WEBHOOK_LIMITS.descriptionChars}. Shorten it: it names the receiver in the webhook list.`,
        [{ field: 'description', message: `is ${description.length} characters; the limit is ${WEBHOOK_LIMITS.descriptionChars}` }],
      );
    return description;
  }

  private checkEvents(events: string[]): string[] {
    const bad = events.filter((e) => !WEBHOOK_EVENTS.includes(e as WebhookEvent));
    if (bad.length)
      throw new InputError(
        `Unknown event type ${bad
          .slice(0, 5)
          .map((e) => quoteInput(e))
          .join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}. Use ${WEBHOOK_EVENTS.join(', ')}, or none for all.`,
        [{ field: 'events', message: 'has an unknown event type' }],
      );
    return [...new Set(events)];
  }
}
