/**
 * The engine draws from Marquee's one seedable PRNG (platform-core's `Rng`, xoshiro128**), so a seed means the same
 * slate, evaluation and simulation everywhere. The engine's name for it stays, for its many call sites.
 */
export { Rng as SeededRandom } from '@marquee/platform-core';
