import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { currentRequestId } from '@marquee/platform-observability';
import { AuditEntryEntity } from './audit-entry.entity';

export interface Actor {
  id: string | null;
  label: string;
}

export const SYSTEM_ACTOR = (process: string): Actor => ({ id: `system:${process}`, label: `Marquee ${process}` });

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  summary?: string;
}

/** Writes audit entries inside the caller's transaction, so a change and its record commit or roll back together. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(manager: EntityManager | null, actor: Actor, entry: AuditRecord): Promise<void> {
    await (manager ?? this.db.manager).insert(AuditEntryEntity, {
      actorId: actor.id,
      actorLabel: actor.label,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: (entry.before ?? null) as never,
      after: (entry.after ?? null) as never,
      requestId: currentRequestId() ?? null,
      summary: entry.summary ?? null,
    });
  }
}
