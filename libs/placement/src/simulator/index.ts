export { runSimulation } from './simulate';
export type { SimulationOptions, SimulationResult } from './simulate';
export { formatReport } from './report';
