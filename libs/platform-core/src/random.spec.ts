import { Rng, hashString } from './random';

describe('Rng', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const a = new Rng('s');
    const b = new Rng('s');
    const c = new Rng('t');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('draws uniform integers and standard normals with the right moments', () => {
    const rng = new Rng(7);
    const counts = new Array<number>(10).fill(0);
    let s = 0;
    let s2 = 0;
    const N = 200000;
    for (let i = 0; i < N; i++) {
      counts[rng.int(10)] += 1;
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    // Each bucket expects 20,000 ± 134 (1 sd); 5 sd of slack.
    for (const c of counts) expect(Math.abs(c - N / 10)).toBeLessThan(700);
    expect(Math.abs(s / N)).toBeLessThan(0.012);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.02);
  });
});

describe('hashString', () => {
  it('is FNV-1a 32: stable seeds and rollout buckets across processes and releases', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
  });
});
