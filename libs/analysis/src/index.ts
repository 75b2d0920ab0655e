export * from './ope';
export * from './models/entities';
export * from './models/model-lifecycle.service';
export * from './models/model-training.service';
export * from './models/evaluation-run.service';
export * from './dashboards/analytics.service';
export * from './analysis.module';
