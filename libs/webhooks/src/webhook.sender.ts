import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryAttempt, WebhookDeliveryEntity, WebhookEndpointEntity } from './entities';
import { signPayload } from './signing';

export class DeliveryFailed extends Error {}

/** Sends one delivery once. The BullMQ job around it retries with exponential backoff. */
@Injectable()
export class WebhookSender {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
    const timestamp = Math.floor(Date.now() / 1000);
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(ep.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(10000),
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
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? 'No answer within 10 s.' : `Could not connect (${err.cause?.code ?? err.message}).`;
    }
    const attempt: DeliveryAttempt = { at: new Date().toISOString(), statusCode, error, durationMs: Date.now() - started };
    const delivered = error === null;
    await this.db.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, attempt_log = attempt_log || $2::jsonb, last_status_code = $3, last_error = $4,
              status = $5, delivered_at = CASE WHEN $5 = 'delivered' THEN now() ELSE delivered_at END WHERE id = $1`,
      [deliveryId, JSON.stringify([attempt]), statusCode, error, delivered ? 'delivered' : isLastAttempt ? 'failed' : 'retrying'],
    );
    if (!delivered) throw new DeliveryFailed(`Webhook ${d.eventType} to ${ep.url} failed: ${error}`);
    return { delivered: true };
  }
}
