import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { OutboundHttp, OutboundRefusedError, describeOutboundFailure, redactUrlCredentials } from '@marquee/platform-outbound';
import { DeliveryAttempt, WebhookDeliveryEntity, WebhookEndpointEntity } from './entities';
import { signPayload } from './signing';
import { Clock, stopwatch } from '@marquee/platform-core';

class DeliveryFailed extends Error {}

/**
 * Sends one delivery once, within WEBHOOK_TIMEOUT_MS. The BullMQ job around it retries with exponential backoff.
 * Redirects are not followed (a 3xx is a failed try), and an internal address is refused at connect time.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: OutboundHttp,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async send(deliveryId: string, isLastAttempt: boolean): Promise<{ delivered: boolean; skipped?: string }> {
    const repo = this.db.getRepository(WebhookDeliveryEntity);
    const d = await repo.findOne({ where: { id: deliveryId } });
    if (!d) return { delivered: false, skipped: 'delivery no longer exists' };
    if (d.status === 'delivered') return { delivered: true, skipped: 'already delivered' };
    const ep = await this.db.getRepository(WebhookEndpointEntity).findOne({ where: { id: d.endpointId } });
    if (!ep || !ep.enabled) {
      await repo.update(deliveryId, { status: 'failed', lastError: 'The endpoint was disabled or removed before delivery.' });
      return { delivered: false, skipped: 'endpoint disabled' };
    }
    const body = JSON.stringify(d.payload);
    const timestamp = Math.floor(this.clock.nowMs() / 1000);
    const elapsed = stopwatch();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await this.http.request(ep.url, {
        method: 'POST',
        maxRedirects: 0,
        timeoutMs: this.config.webhookTimeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Marquee-Webhooks/1',
          'x-marquee-event': d.eventType,
          'x-marquee-event-id': d.eventId,
          'x-marquee-delivery': d.id,
          'x-marquee-timestamp': String(timestamp),
          'x-marquee-signature': signPayload(ep.secret, timestamp, body),
        },
        body,
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `The receiver answered HTTP ${res.status}.`;
    } catch (e) {
      error = describeOutboundFailure(e, `No answer within ${this.config.webhookTimeoutMs} ms (WEBHOOK_TIMEOUT_MS). Check that the receiver answers quickly.`);
      if (e instanceof OutboundRefusedError)
        this.logger.warn(
          `Webhook delivery ${d.id} to ${redactUrlCredentials(ep.url)} refused (${e.detail}). Change the endpoint's URL, or add the host to OUTBOUND_ALLOWLIST.`,
        );
    }
    const attempt: DeliveryAttempt = { at: this.clock.now().toISOString(), statusCode, error, durationMs: Math.round(elapsed()) };
    const delivered = error === null;
    await this.db.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, attempt_log = attempt_log || $2::jsonb, last_status_code = $3, last_error = $4,
              status = $5, delivered_at = CASE WHEN $5 = 'delivered' THEN now() ELSE delivered_at END WHERE id = $1`,
      [deliveryId, JSON.stringify([attempt]), statusCode, error, delivered ? 'delivered' : isLastAttempt ? 'failed' : 'retrying'],
    );
    if (!delivered) throw new DeliveryFailed(`Webhook ${d.eventType} to ${redactUrlCredentials(ep.url)} failed: ${error}`);
    return { delivered: true };
  }
}
