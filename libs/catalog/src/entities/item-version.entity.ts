import { Column, CreateDateColumn, Entity, Index, ManyToOne, JoinColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ItemFields } from '../domain/item-fields';
import { ItemEntity } from './item.entity';

/** An immutable snapshot. Rows are only ever inserted; a database trigger refuses updates to `fields`. */
@Entity('item_versions')
@Index('uq_item_versions_item_number', ['itemId', 'number'], { unique: true })
export class ItemVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  itemId: string;

  @ManyToOne(() => ItemEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'fk_item_versions_item' })
  item?: ItemEntity;

  @Column('int')
  number: number;

  @Column('jsonb')
  fields: ItemFields;

  @Column('uuid', { nullable: true })
  authorId: string | null;

  /** Set when this version was made by restoring an older one. */
  @Column('int', { nullable: true })
  restoredFrom: number | null;

  @Column('text', { nullable: true })
  note: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
