import { SeededRandom } from './random';

// Bound once so hot loops make no global lookups (see platform-core's random.ts).
const { abs, exp, log, sqrt, imul, PI, sin, min, max } = Math;

const INV_SQRT_2PI = 0.3989422804014327;
const SQRT1_2 = 0.7071067811865476;

/** Standard normal density. */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * exp(-0.5 * x * x);
}

// Complementary error function (Numerical Recipes erfcc): relative error < 1.2e-7 everywhere, which keeps
// φ/Φ usable far into the tail where probit updates need it.
function erfc(x: number): number {
  const z = abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/** φ(t)/Φ(t), the probit "v" function of assumed-density filtering, stable for very negative t. */
export function millsV(t: number): number {
  if (t < -30) {
    const t2 = t * t;
    return -t / (1 - 1 / t2 + 3 / (t2 * t2));
  }
  return normPdf(t) / normCdf(t);
}

/** Inverse standard normal CDF (Acklam, relative error < 1.2e-9). */
export function normInv(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normInv needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = sqrt(-2 * log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normInv(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function lnGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return log(PI / sin(PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * log(2 * PI) + (x + 0.5) * log(t) - t + log(a);
}

// Continued fraction for the incomplete beta function (modified Lentz), as in Numerical Recipes.
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (abs(del - 1) < 1e-12) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b): the CDF of Beta(a, b) at x. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * log(x) + b * log(1 - x);
  const bt = exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return (bt * betaContinuedFraction(x, a, b)) / a;
  return 1 - (bt * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaLogPdf(x: number, a: number, b: number): number {
  return lnGamma(a + b) - lnGamma(a) - lnGamma(b) + (a - 1) * log(x) + (b - 1) * log(1 - x);
}

/** Quantile of Beta(a, b) by bisection on the CDF (used for reported intervals, never in a hot loop). */
export function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * P(X > Y) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2), by Simpson's rule over the narrower of the two
 * densities: the other variable's CDF is then smooth on the integration range, so 800 intervals are plenty.
 */
export function probBetaGreater(a1: number, b1: number, a2: number, b2: number): number {
  const var1 = (a1 * b1) / ((a1 + b1) * (a1 + b1) * (a1 + b1 + 1));
  const var2 = (a2 * b2) / ((a2 + b2) * (a2 + b2) * (a2 + b2 + 1));
  // P(X > Y) = ∫ f_X(x) F_Y(x) dx when X is narrower, else 1 − ∫ f_Y(y) F_X(y) dy.
  const xNarrow = var1 <= var2;
  const [na, nb, wa, wb] = xNarrow ? [a1, b1, a2, b2] : [a2, b2, a1, b1];
  const mean = na / (na + nb);
  const sd = sqrt(xNarrow ? var1 : var2);
  const lo = max(1e-12, mean - 12 * sd);
  const hi = min(1 - 1e-12, mean + 12 * sd);
  const n = 800;
  const h = (hi - lo) / n;
  let sum = 0;
  let mass = 0;
  for (let i = 0; i <= n; i++) {
    const x = lo + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    const f = exp(betaLogPdf(x, na, nb));
    sum += w * f * betaCdf(x, wa, wb);
    mass += w * f;
  }
  // Normalising by the integrated density removes most of the quadrature error at the range ends.
  const p = mass > 0 ? sum / mass : 0.5;
  return xNarrow ? p : 1 - p;
}

// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers): a standard normal costs about one 32-bit draw, which
// matters because a slate with propensities draws tens of thousands of normals.
const KN = new Uint32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(() => {
  const m1 = 2147483648.0;
  let dn = 3.442619855899;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = sqrt(-2 * log(vn / dn + exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
})();

const ZIG_R = 3.442619855899;

/** A standard normal draw from the seeded generator by the ziggurat method. */
export function gaussian(rng: SeededRandom): number {
  let hz = rng.nextUint32() | 0;
  let iz = hz & 127;
  if (abs(hz) < KN[iz]) return hz * WN[iz];
  for (;;) {
    if (iz === 0) {
      let x = 0;
      let y = 0;
      do {
        x = -log(1 - rng.next()) / ZIG_R;
        y = -log(1 - rng.next());
      } while (y + y < x * x);
      return hz > 0 ? ZIG_R + x : -ZIG_R - x;
    }
    const x = hz * WN[iz];
    if (FN[iz] + rng.next() * (FN[iz - 1] - FN[iz]) < exp(-0.5 * x * x)) return x;
    hz = rng.nextUint32() | 0;
    iz = hz & 127;
    if (abs(hz) < KN[iz]) return hz * WN[iz];
  }
}

/** A 32-bit integer mix (murmur3 finaliser) for deriving independent sub-seeds. */
export function mix32(a: number, b: number): number {
  let h = (imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b) >>> 0;
  h = imul(h ^ (h >>> 16), 0x85ebca6b);
  h = imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
