import { OpeInputError } from '../errors';
import type { Policy } from '../types';
import { LoggedPolicy } from './logged';
import { MarqueeEngineOptions, MarqueeEnginePolicy } from './marquee-engine';
import { MarqueeTsOptions, MarqueeTsPolicy } from './marquee-ts';
import { UniformPolicy } from './uniform';

export { LoggedPolicy } from './logged';
export { MarqueeEnginePolicy } from './marquee-engine';
export { MarqueeTsPolicy } from './marquee-ts';
export { UniformPolicy } from './uniform';

/** Options every factory receives; each policy reads what it understands. */
export interface PolicyOptions extends MarqueeTsOptions, MarqueeEngineOptions {
  seed?: number | string;
}

export type PolicyFactory = (options: PolicyOptions) => Policy;

const factories = new Map<string, PolicyFactory>([
  ['uniform', () => new UniformPolicy()],
  ['logged', () => new LoggedPolicy()],
  ['marquee', (o) => new MarqueeEnginePolicy(o)],
  ['bayes-ts', (o) => new MarqueeTsPolicy(o)],
]);

// More policies (a candidate configuration, another engine) plug in here.
export function registerPolicy(name: string, factory: PolicyFactory): void {
  factories.set(name, factory);
}

export function policyNames(): string[] {
  return [...factories.keys()];
}

export function createPolicy(name: string, options: PolicyOptions = {}): Policy {
  const factory = factories.get(name);
  if (!factory) throw new OpeInputError('UNKNOWN_POLICY', `There is no policy named "${name}". Use one of: ${policyNames().join(', ')}.`);
  return factory(options);
}
