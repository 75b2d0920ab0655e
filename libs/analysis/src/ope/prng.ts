import { hashString } from '@marquee/platform-core';

// Module-scope aliases: the bootstrap draws millions of numbers, and a global `Math` lookup per draw costs ~0.5 µs
// inside Jest's vm sandbox (about 80× the cost outside it), which made the coverage test take minutes.
const imul = Math.imul;
const sqrt = Math.sqrt;
const log = Math.log;

/** The part of a PRNG the estimators and policies need; platform-core's Rng satisfies it too. */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
}

// Same algorithm as platform-core's Rng (not the same stream), written so its hot path touches no globals.
export class FastRng implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number | string) {
    let h = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
    const next = () => {
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = imul(z ^ (z >>> 16), 0x85ebca6b);
      z = imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  private u32(): number {
    const b = this.b;
    const r = imul(((imul(b, 5) << 7) | (imul(b, 5) >>> 25)), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return r;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return ((this.u32() / 4294967296) * n) | 0;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = sqrt((-2 * log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }
}
