import type { FitCheck } from './fit';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const MODEL_STATUSES = ['training', 'failed', 'candidate', 'gate_failed', 'gate_passed', 'canary', 'live', 'rolled_back', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export interface GateResult {
  estimator: 'snips';
  liveEstimate: number;
  candidateEstimate: number;
  candidateLower: number;
  candidateUpper: number;
  margin: number;
  threshold: number;
  passed: boolean;
  requests: number;
  rows: number;
  opeRunId: string;
  /** The model's own holdout fit; the gate passes only when both this and the estimate pass. Absent on older rows. */
  fit?: FitCheck;
}

export interface CanaryStats {
  liveImpressions: number;
  liveSuccesses: number;
  canaryImpressions: number;
  canarySuccesses: number;
  probCanaryWorse: number;
  checkedAt: string;
}

/** One trained TensorFlow.js reward model, and where it is in its lifecycle. */
@Entity('model_versions')
@Index('idx_model_versions_surface', ['surfaceKey', 'createdAt'])
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  surfaceKey: string;

  /** Human-readable and unique: `tfjs-<surface>-<date>-<short id>`; it becomes part of the policy version. */
  @Column('text')
  version: string;

  @Column('text')
  status: ModelStatus;

  /** 0..1 while training. */
  @Column('real', { default: 0 })
  progress: number;

  @Column('text', { nullable: true })
  progressMessage: string | null;

  @Column('timestamptz', { nullable: true })
  dataFrom: Date | null;

  @Column('timestamptz', { nullable: true })
  dataTo: Date | null;

  @Column('int', { default: 0 })
  rows: number;

  /** Holdout log loss and AUC on a time split, the constant predictor's log loss, train log loss, backend. */
  @Column('jsonb', { nullable: true })
  metrics: Record<string, number | string | null> | null;

  @Column('int', { nullable: true })
  trainingMs: number | null;

  /** The exported arrays (`marquee.reward-model.v1`). */
  @Column('jsonb', { nullable: true })
  export: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  gate: GateResult | null;

  @Column('real', { nullable: true })
  canaryShare: number | null;

  @Column('jsonb', { nullable: true })
  canaryStats: CanaryStats | null;

  @Column('timestamptz', { nullable: true })
  canaryStartedAt: Date | null;

  @Column('text', { nullable: true })
  statusReason: string | null;

  @Column('timestamptz', { nullable: true })
  decidedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export type OpeTarget = 'CURRENT' | 'MODEL' | 'UNIFORM' | 'CONFIG';

export const OPE_RUN_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type OpeRunStatus = (typeof OPE_RUN_STATUSES)[number];

/** One offline policy evaluation on Marquee's own logs. */
@Entity('ope_runs')
@Index('idx_ope_runs_surface', ['surfaceKey', 'createdAt'])
export class OpeRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  surfaceKey: string;

  @Column('text')
  target: OpeTarget;

  @Column('uuid', { nullable: true })
  modelId: string | null;

  /** Surface overrides evaluated when target is CONFIG (budget, floor, diversity…). */
  @Column('jsonb', { nullable: true })
  config: Record<string, unknown> | null;

  @Column('text')
  label: string;

  @Column('text')
  status: OpeRunStatus;

  @Column('real', { default: 0 })
  progress: number;

  @Column('timestamptz')
  windowFrom: Date;

  @Column('timestamptz')
  windowTo: Date;

  /** IPS, SNIPS, DM, DR with bootstrap 95% intervals and effective sample sizes, overall and per position. */
  @Column('jsonb', { nullable: true })
  estimates: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  error: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}

export const ANALYSIS_ENTITIES = [ModelVersionEntity, OpeRunEntity];
