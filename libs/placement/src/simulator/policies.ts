/** The simulated placement policies, one module each under policies/; simulate.ts runs them over the same world. */
export type { ServedSlate, SimPolicy } from './policies/policy';
export { EditorialPolicy, EpsilonGreedyPolicy, OraclePolicy, PopularityPolicy } from './policies/baselines';
export type { EngineBelief, LoggedImpression, TestRecord } from './policies/marquee';
export { MarqueePolicy } from './policies/marquee';
export { BudgetedOraclePolicy, ExplorationSlots } from './policies/references';
export { WorldModelPolicy } from './policies/world-model';
