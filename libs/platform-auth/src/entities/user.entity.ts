import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const ROLES = ['admin', 'editor', 'reviewer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

@Entity('users')
@Check('ck_users_role', `"role" IN ('admin', 'editor', 'reviewer', 'analyst')`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_users_email', { unique: true })
  @Column('text')
  email: string;

  @Column('text')
  displayName: string;

  @Column('text')
  role: Role;

  @Column('text')
  passwordHash: string;

  /** Bumped on password change or disable, which invalidates every session token issued before. */
  @Column('int', { default: 0 })
  tokenVersion: number;

  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastLoginAt: Date | null;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
