import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ControlStats, TestDecision } from '../engine';

/** A new item's guaranteed exploration on one surface, and its result. */
@Entity('content_tests')
@Index('uq_content_tests_surface_item', ['surfaceKey', 'itemId'], { unique: true })
@Index('idx_content_tests_status', ['status', 'surfaceKey'])
export class ContentTestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  surfaceKey: string;

  @Column('uuid')
  itemId: string;

  /** RUNNING, GRADUATED, UNDERPERFORMING or INCONCLUSIVE. */
  @Column('text')
  status: string;

  @Column('int')
  quota: number;

  @Column('int')
  maxDays: number;

  @Column('timestamptz')
  startedAt: Date;

  @Column('int', { default: 0 })
  impressions: number;

  /** Σ θ_k over impressions: how often the item was actually looked at. */
  @Column('double precision', { default: 0 })
  exposure: number;

  @Column('int', { default: 0 })
  successes: number;

  @Column('jsonb', { nullable: true })
  decision: TestDecision | null;

  /** The surface's cumulative control (and served impressions) when the test started; its control is what accrued since. */
  @Column('jsonb', { nullable: true })
  controlAtStart: ControlStats | null;

  /** The running minimum of the sequential test's always-valid p-value (1 before the first look). */
  @Column('double precision', { default: 1 })
  alwaysValidP: number;

  @Column('timestamptz', { nullable: true })
  decidedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
