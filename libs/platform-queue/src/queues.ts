/** Every queue and job name lives here; producers and processors both import them, so a typo cannot compile. */
export enum QueueName {
  Assets = 'assets',
  Imports = 'imports',
  Launches = 'launches',
  Webhooks = 'webhooks',
  Learning = 'learning',
  Training = 'training',
}

export enum JobName {
  CheckItemAssets = 'check-item-assets',
  SweepAssets = 'sweep-assets',
  RunImport = 'run-import',
  SweepImports = 'sweep-imports',
  LaunchRelease = 'launch-release',
  ReconcileLaunches = 'reconcile-launches',
  DeliverWebhook = 'deliver-webhook',
  SweepWebhooks = 'sweep-webhooks',
  Learn = 'learn',
  Maintain = 'maintain',
  TrainModel = 'train-model',
  TrainAll = 'train-all',
  EvaluatePolicy = 'evaluate-policy',
  MonitorCanary = 'monitor-canary',
}

/** Job ids are built here only: a deterministic id is what makes a re-enqueue a no-op instead of a duplicate. BullMQ 6 refuses ':' in ids. */
export const jobIds = {
  checkItemAssets: (versionId: string) => `assets_${versionId}`,
  runImport: (importId: string) => `import_${importId}`,
  launchRelease: (releaseId: string, revision: number) => `launch_${releaseId}_r${revision}`,
  deliverWebhook: (deliveryId: string) => `webhook_${deliveryId}`,
};

export interface CheckItemAssetsPayload {
  itemId: string;
  versionId: string;
}

export interface RunImportPayload {
  importId: string;
}
