import { TOPICS as WORLD_TOPICS } from '../../libs/placement/src/simulator/world';

/** The topics the benchmarks' synthetic catalogues draw from (two per item): the simulator's, plus four more. */
export const TOPICS: readonly string[] = [...WORLD_TOPICS, 'grief', 'morning', 'evening', 'walking'];
