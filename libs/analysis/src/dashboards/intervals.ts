import { betaCdf } from '@marquee/placement';

/** Equal-tailed 95% interval of a Beta(1 + k, 1 + n − k) posterior on a rate, by bisection on the CDF. */
export function betaInterval(k: number, n: number, level = 0.95): { lower: number; upper: number } {
  const a = 1 + k;
  const b = 1 + n - k;
  const q = (p: number) => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (betaCdf(mid, a, b) < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const tail = (1 - level) / 2;
  return { lower: q(tail), upper: q(1 - tail) };
}
