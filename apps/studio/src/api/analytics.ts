import { gql } from './client';
import { graphql } from './generated';
import type { ContentTestDay, ExplorationSpend, ModelVersion, OpeRun, OpeTarget, SurfaceSuccess } from './types';

/** The analyst's dashboards: every query here is readable by analysts; the mutations are for admins. */

/** The chart's bucket unit; the API's `Granularity` enum is its UPPER_CASE name. */
export type Granularity = 'day' | 'hour';

const TestTimelineQuery = graphql(`
  query TestTimeline($testId: ID!) {
    contentTestTimeline(testId: $testId) {
      day
      impressions
      successes
    }
  }
`);

const SpendQuery = graphql(`
  query Spend($surface: String!, $days: Int, $granularity: Granularity) {
    explorationSpend(surface: $surface, days: $days, granularity: $granularity) {
      bucket
      servedSlots
      testSlots
      randomSlots
      share
      budget
    }
  }
`);

const SurfaceSuccessQuery = graphql(`
  query SurfaceSuccess($surface: String!, $days: Int) {
    surfaceSuccess(surface: $surface, days: $days) {
      day
      policyVersion
      impressions
      successes
      rate
      lower
      upper
    }
  }
`);

export async function fetchContentTestTimeline(testId: string, signal?: AbortSignal): Promise<ContentTestDay[]> {
  return (await gql(TestTimelineQuery, { testId }, { signal })).contentTestTimeline;
}

export async function fetchExplorationSpend(surface: string, days: number, granularity: Granularity): Promise<ExplorationSpend[]> {
  return (await gql(SpendQuery, { surface, days, granularity: granularity === 'hour' ? 'HOUR' : 'DAY' })).explorationSpend;
}

export async function fetchSurfaceSuccess(surface: string, days: number): Promise<SurfaceSuccess[]> {
  return (await gql(SurfaceSuccessQuery, { surface, days })).surfaceSuccess;
}

/* ---------- Offline evaluation ---------- */

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const OpeRunFields = graphql(`
  fragment OpeRunFields on OpeRun {
    id
    surfaceKey
    target
    modelId
    config
    label
    status
    progress
    windowFrom
    windowTo
    estimates
    error
    createdAt
    finishedAt
  }
`);

const OpeRunsQuery = graphql(`
  query OpeRuns($surface: String) {
    opeRuns(surface: $surface) {
      ...OpeRunFields
    }
  }
`);

const EvaluatePolicyMutation = graphql(`
  mutation EvaluatePolicy($surface: String!, $target: OpeTarget!, $modelId: ID, $config: JSON, $days: Int) {
    evaluatePolicy(surface: $surface, target: $target, modelId: $modelId, config: $config, days: $days) {
      ...OpeRunFields
    }
  }
`);

export async function fetchOpeRuns(surface: string | null): Promise<OpeRun[]> {
  return (await gql(OpeRunsQuery, { surface })).opeRuns as OpeRun[];
}

export interface EvaluateInput {
  surface: string;
  target: OpeTarget;
  modelId?: string | null;
  config?: Record<string, number> | null;
  days?: number | null;
}

export async function evaluatePolicy(input: EvaluateInput): Promise<OpeRun> {
  const d = await gql(EvaluatePolicyMutation, {
    surface: input.surface,
    target: input.target,
    modelId: input.modelId ?? null,
    config: input.config ?? null,
    days: input.days ?? null,
  });
  return d.evaluatePolicy as OpeRun;
}

/* ---------- Model versions ---------- */

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ModelVersionFields = graphql(`
  fragment ModelVersionFields on ModelVersion {
    id
    surfaceKey
    version
    status
    progress
    progressMessage
    dataFrom
    dataTo
    rows
    metrics
    trainingMs
    gate
    canaryShare
    canaryStats
    canaryStartedAt
    statusReason
    decidedAt
    createdAt
  }
`);

const ModelVersionsQuery = graphql(`
  query ModelVersions($surface: String) {
    modelVersions(surface: $surface) {
      ...ModelVersionFields
    }
  }
`);

const TrainModelMutation = graphql(`
  mutation TrainModel($surface: String!, $days: Int, $epochs: Int) {
    trainModel(surface: $surface, days: $days, epochs: $epochs) {
      ...ModelVersionFields
    }
  }
`);

const StartCanaryMutation = graphql(`
  mutation StartCanary($id: ID!, $share: Float) {
    startCanary(id: $id, share: $share) {
      ...ModelVersionFields
    }
  }
`);

const PromoteModelMutation = graphql(`
  mutation PromoteModel($id: ID!) {
    promoteModel(id: $id) {
      ...ModelVersionFields
    }
  }
`);

const RollbackModelMutation = graphql(`
  mutation RollbackModel($id: ID!) {
    rollbackModel(id: $id) {
      ...ModelVersionFields
    }
  }
`);

export async function fetchModelVersions(surface: string | null): Promise<ModelVersion[]> {
  return (await gql(ModelVersionsQuery, { surface })).modelVersions as ModelVersion[];
}

export async function trainModel(surface: string, days: number | null, epochs: number | null): Promise<ModelVersion> {
  return (await gql(TrainModelMutation, { surface, days, epochs })).trainModel as ModelVersion;
}

export async function startCanary(id: string, share: number | null): Promise<ModelVersion> {
  return (await gql(StartCanaryMutation, { id, share })).startCanary as ModelVersion;
}

export async function promoteModel(id: string): Promise<ModelVersion> {
  return (await gql(PromoteModelMutation, { id })).promoteModel as ModelVersion;
}

export async function rollbackModel(id: string): Promise<ModelVersion> {
  return (await gql(RollbackModelMutation, { id })).rollbackModel as ModelVersion;
}
