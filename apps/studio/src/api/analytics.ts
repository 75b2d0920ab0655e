import { gql } from './client';
import type { ContentTestDay, ExplorationSpend, ModelVersion, OpeRun, OpeTarget, SurfaceSuccess } from './types';

/** The analyst's dashboards: every query here is readable by analysts; the mutations are for admins. */

export type Granularity = 'day' | 'hour';

export async function fetchContentTestTimeline(testId: string, signal?: AbortSignal): Promise<ContentTestDay[]> {
  const d = await gql<{ contentTestTimeline: ContentTestDay[] }>('query TestTimeline($testId: ID!) { contentTestTimeline(testId: $testId) { day impressions successes } }', { testId }, { signal });
  return d.contentTestTimeline;
}

export async function fetchExplorationSpend(surface: string, days: number, granularity: Granularity): Promise<ExplorationSpend[]> {
  const d = await gql<{ explorationSpend: ExplorationSpend[] }>(
    'query Spend($surface: String!, $days: Int, $granularity: String) { explorationSpend(surface: $surface, days: $days, granularity: $granularity) { bucket servedSlots testSlots randomSlots share budget } }',
    { surface, days, granularity },
  );
  return d.explorationSpend;
}

export async function fetchSurfaceSuccess(surface: string, days: number): Promise<SurfaceSuccess[]> {
  const d = await gql<{ surfaceSuccess: SurfaceSuccess[] }>(
    'query SurfaceSuccess($surface: String!, $days: Int) { surfaceSuccess(surface: $surface, days: $days) { day policyVersion impressions successes rate lower upper } }',
    { surface, days },
  );
  return d.surfaceSuccess;
}

/* ---------- Offline evaluation ---------- */

const OPE_RUN = 'id surfaceKey target modelId config label status progress windowFrom windowTo estimates error createdAt finishedAt';

export async function fetchOpeRuns(surface: string | null): Promise<OpeRun[]> {
  return (await gql<{ opeRuns: OpeRun[] }>(`query OpeRuns($surface: String) { opeRuns(surface: $surface) { ${OPE_RUN} } }`, { surface })).opeRuns;
}

export interface EvaluateInput {
  surface: string;
  target: OpeTarget;
  modelId?: string | null;
  config?: Record<string, number> | null;
  days?: number | null;
}

export async function evaluatePolicy(input: EvaluateInput): Promise<OpeRun> {
  const d = await gql<{ evaluatePolicy: OpeRun }>(
    `mutation EvaluatePolicy($surface: String!, $target: OpeTarget!, $modelId: ID, $config: JSON, $days: Int) {
      evaluatePolicy(surface: $surface, target: $target, modelId: $modelId, config: $config, days: $days) { ${OPE_RUN} }
    }`,
    { surface: input.surface, target: input.target, modelId: input.modelId ?? null, config: input.config ?? null, days: input.days ?? null },
  );
  return d.evaluatePolicy;
}

/* ---------- Model versions ---------- */

const MODEL = `id surfaceKey version status progress progressMessage dataFrom dataTo rows metrics trainingMs gate canaryShare canaryStats canaryStartedAt
  statusReason decidedAt createdAt`;

export async function fetchModelVersions(surface: string | null): Promise<ModelVersion[]> {
  return (await gql<{ modelVersions: ModelVersion[] }>(`query ModelVersions($surface: String) { modelVersions(surface: $surface) { ${MODEL} } }`, { surface })).modelVersions;
}

export async function trainModel(surface: string, days: number | null, epochs: number | null): Promise<ModelVersion> {
  const d = await gql<{ trainModel: ModelVersion }>(`mutation TrainModel($surface: String!, $days: Int, $epochs: Int) { trainModel(surface: $surface, days: $days, epochs: $epochs) { ${MODEL} } }`, {
    surface,
    days,
    epochs,
  });
  return d.trainModel;
}

export async function startCanary(id: string, share: number | null): Promise<ModelVersion> {
  return (await gql<{ startCanary: ModelVersion }>(`mutation StartCanary($id: ID!, $share: Float) { startCanary(id: $id, share: $share) { ${MODEL} } }`, { id, share })).startCanary;
}

export async function promoteModel(id: string): Promise<ModelVersion> {
  return (await gql<{ promoteModel: ModelVersion }>(`mutation PromoteModel($id: ID!) { promoteModel(id: $id) { ${MODEL} } }`, { id })).promoteModel;
}

export async function rollbackModel(id: string): Promise<ModelVersion> {
  return (await gql<{ rollbackModel: ModelVersion }>(`mutation RollbackModel($id: ID!) { rollbackModel(id: $id) { ${MODEL} } }`, { id })).rollbackModel;
}
