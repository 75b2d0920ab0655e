import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditService } from './audit.service';
import { AuditResolver } from './audit.resolver';

export const AUDIT_ENTITIES = [AuditEntryEntity];

@Global()
@Module({ imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)], providers: [AuditService], exports: [AuditService] })
export class AuditModule {}

@Module({ providers: [AuditResolver] })
export class AuditApiModule {}
