export { runSimulation, DEFAULT_SIMULATION } from './simulate';
export type { SimulationOptions, SimulationResult, PolicyResult, NewItemResult } from './simulate';
export { formatReport } from './report';
