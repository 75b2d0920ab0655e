export * from './ope';
export * from './models/entities';
export * from './models/models.service';
export * from './dashboards/analytics.service';
export * from './analysis.module';
