import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const WEBHOOK_EVENTS = ['release.launched', 'release.failed', 'release.rolled_back', 'item.published', 'item.unpublished'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  url: string;

  @Column('text', { nullable: true })
  description: string | null;

  /** Event types this endpoint receives; empty means all. */
  @Column('text', { array: true, default: () => "'{}'" })
  events: string[];

  /** The HMAC key. Kept in clear because signing needs it; shown to the admin once, at creation. */
  @Column('text')
  secret: string;

  @Column('boolean', { default: true })
  enabled: boolean;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryAttempt {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * The outbox and the delivery log in one table. Rows are inserted in the same transaction as the change they
 * announce, so an event exists exactly once, whether or not Redis was up at that moment.
 */
@Entity('webhook_deliveries')
@Index('idx_webhook_deliveries_endpoint', ['endpointId', 'createdAt'])
@Index('idx_webhook_deliveries_status', ['status', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  endpointId: string;

  /** The same for every endpoint that receives this event, so receivers can deduplicate. */
  @Column('uuid')
  eventId: string;

  @Column('text')
  eventType: string;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('text', { default: 'pending' })
  status: DeliveryStatus;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('jsonb', { default: () => "'[]'" })
  attemptLog: DeliveryAttempt[];

  @Column('int', { nullable: true })
  lastStatusCode: number | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const WEBHOOK_ENTITIES = [WebhookEndpointEntity, WebhookDeliveryEntity];
