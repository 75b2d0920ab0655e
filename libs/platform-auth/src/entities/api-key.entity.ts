import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  /** The first characters of the key, shown in lists so people can tell keys apart. */
  @Column('text')
  prefix: string;

  /** SHA-256 of the key. Keys are 160 random bits, so a slow hash adds nothing but latency on every feed call. */
  @Index('uq_api_keys_key_hash', { unique: true })
  @Column('text')
  keyHash: string;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('uuid', { nullable: true })
  revokedBy: string | null;
}
