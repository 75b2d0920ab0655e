/**
 * Slate construction, in slate/ by its seams (issue 11): types, workspace (scratch buffers and per-pool caches), plan
 * (per request), construct (one draw), propensity, and build (buildSlate, replaySlate). Importers keep using this path.
 */
export type { DiversityRule, Slate, SlateHistory, SlateLog, SlateReason, SlateRequest, SurfacePolicy } from './slate/types';
export { buildSlate, capServedPropensities, replaySlate } from './slate/build';
export { poolFactors } from './slate/workspace';
