import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn, CreateDateColumn } from 'typeorm';
import type { SerializedEngineState } from '../engine';
import type { ControlStats, PositionCounts } from '../engine';

/** The live engine state of one surface. The learner writes it; every API process reloads it when `revision` moves. */
@Entity('engine_states')
export class EngineStateEntity {
  @PrimaryColumn('text')
  surfaceKey: string;

  @Column('text')
  policyVersion: string;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  revision: number;

  @Column('jsonb')
  state: SerializedEngineState;

  /** Randomised-slot counts per position, from which the examination curve is estimated. */
  @Column('jsonb')
  positionCounts: PositionCounts;

  /** Established items on randomised slots: the control every content test on this surface compares against. */
  @Column('jsonb')
  control: ControlStats;

  /** The model version whose export is the live state's shared prior (null: the engine's structural prior). */
  @Column('uuid', { nullable: true })
  liveModelId: string | null;

  /** A candidate model on a canary share of traffic: its own state, learning from the same events as the live one. */
  @Column('uuid', { nullable: true })
  canaryModelId: string | null;

  @Column('real', { default: 0 })
  canaryShare: number;

  @Column('jsonb', { nullable: true })
  canaryState: SerializedEngineState | null;

  @Column('timestamptz', { nullable: true })
  canaryStartedAt: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** Every revision that served traffic, kept for `SNAPSHOT_RETENTION_HOURS` so a logged slate can be replayed exactly. */
@Entity('engine_snapshots')
@Index('uq_engine_snapshots_revision', ['surfaceKey', 'revision'], { unique: true })
export class EngineSnapshotEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('text')
  surfaceKey: string;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  revision: number;

  /** gzip of the serialized state. */
  @Column('bytea')
  state: Buffer;

  @Index('idx_engine_snapshots_created')
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The candidates a pool was built from (ids, features and test weights), by fingerprint, for replays. */
@Entity('pool_snapshots')
export class PoolSnapshotEntity {
  @PrimaryColumn('text')
  fingerprint: string;

  @Column('text')
  surfaceKey: string;

  @Column('bytea')
  candidates: Buffer;

  @Index('idx_pool_snapshots_created')
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('user_profiles')
export class UserProfileEntity {
  @PrimaryColumn('text')
  userId: string;

  @Column('jsonb')
  profile: Record<string, unknown>;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('learner_watermarks')
export class LearnerWatermarkEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  lastEventId: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * One person's collaborative posterior on one surface (engine/collab.ts PersonFactors: O(k²) numbers). The learner
 * writes it; the feed reads it through the per-user state cache.
 */
@Entity('person_factors')
export class PersonFactorsEntity {
  @PrimaryColumn('text')
  userId: string;

  @PrimaryColumn('text')
  surfaceKey: string;

  @Column('jsonb')
  factors: Record<string, unknown>;

  /** The person's history with single items (engine/collab.ts PersonHistory); null until the learner folds one. */
  @Column('jsonb', { nullable: true })
  history: Record<string, unknown> | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
