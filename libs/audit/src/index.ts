export * from './audit-entry.entity';
export * from './audit.service';
export * from './audit.module';
export * from './audit.resolver';
export * from './audit-log.query';
export * from './actor';
