import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last run of each periodic worker task, so scheduler health can tell a stalled scheduler from a quiet one. */
@Entity('scheduler_heartbeats')
export class HeartbeatEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('timestamptz')
  at: Date;

  @Column('jsonb', { nullable: true })
  details: Record<string, unknown> | null;
}
