import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditService } from './audit.service';
import { AuditResolver } from './audit.resolver';
import { AuditLogQuery } from './audit-log.query';

export const AUDIT_ENTITIES = [AuditEntryEntity];

@Global()
@Module({ imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)], providers: [AuditService], exports: [AuditService] })
export class AuditModule {}

@Module({ providers: [AuditLogQuery, AuditResolver] })
export class AuditApiModule {}
