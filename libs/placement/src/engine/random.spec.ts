import { Rng } from '@marquee/platform-core';
import { SeededRandom } from './random';

describe('SeededRandom', () => {
  it('produces the same stream as platform-core Rng for numeric and string seeds', () => {
    for (const seed of [0, 1, 42, 0xffffffff, 'surface:home', 'user-7']) {
      const a = new Rng(seed);
      const b = new SeededRandom(seed);
      for (let i = 0; i < 1000; i++) expect(b.nextUint32()).toBe(a.nextUint32());
    }
  });
});
