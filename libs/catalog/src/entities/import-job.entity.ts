import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export interface ImportRowError {
  row: number;
  slug: string | null;
  problems: { field: string; message: string }[];
}

export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'completed_with_errors', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

@Entity('import_jobs')
@Index('idx_import_jobs_created', ['createdAt'])
export class ImportJobEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  filename: string;

  @Column('text')
  format: 'jsonl' | 'csv';

  @Column('text')
  source: 'studio' | 'cli' | 'api';

  @Column('text')
  status: ImportStatus;

  /** The uploaded file, kept until the worker has processed it. */
  @Column('text', { nullable: true })
  content: string | null;

  @Column('int', { default: 0 })
  totalRows: number;

  @Column('int', { default: 0 })
  processedRows: number;

  @Column('int', { default: 0 })
  createdItems: number;

  @Column('int', { default: 0 })
  updatedItems: number;

  /** Rows whose content the item's latest version already had: nothing was written for them. */
  @Column('int', { default: 0 })
  unchangedItems: number;

  @Column('int', { default: 0 })
  failedRows: number;

  @Column('jsonb', { default: () => "'[]'" })
  errors: ImportRowError[];

  @Column('text', { nullable: true })
  failure: string | null;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}
