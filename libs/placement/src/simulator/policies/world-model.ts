/** The Bayes ceiling: a reference learner that knows how world.ts builds the world, but not each user's segment and tastes. */
import { ITEM_KINDS } from '../../engine/features';
import { normCdf } from '../../engine/math';
import { KIND_TASTE_SD, SEGMENTS, SimItem, TOPIC_TASTE_SD, TOPICS, USER_HOUR_SD, VISIT_HOUR_SD, Visit, World } from '../world';
import { ExplorationSlots } from './references';
import { ServedSlate, SimPolicy, topN } from './policy';

// Bound once: no global lookups in the loops (slow inside Jest's sandbox).
const { exp, log, max, sqrt, PI } = Math;

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PROBIT = 1.7; // σ(x) ≈ Φ(x / 1.7)

/**
 * Reference ceiling: a Bayesian learner that knows how the world is built: the four segments (their tastes,
 * hours, platforms and tiers), the spread of personal tastes, every item's quality, the examination curve and
 * each user's bias. All it does not know is each user's segment and own tastes. It infers them from the
 * request context and from that user's own impressions and successes (a mixture over segments, one Gaussian per
 * segment over the user's kind and topic tastes, updated by assumed-density filtering) and ranks by the posterior
 * mean success probability, spending the same exploration budget as Marquee. No policy that must also learn the
 * items and the world's structure from scratch can expect to beat it.
 */
export class WorldModelPolicy implements SimPolicy {
  readonly name = 'Bayes ceiling (knows the world)';
  private readonly dims = ITEM_KINDS.length + TOPICS.length;
  private readonly segs = SEGMENTS.length;
  private mean: (Float64Array | null)[];
  private vars: (Float64Array | null)[];
  private logw: (Float64Array | null)[];
  private hourMean: (Float64Array | null)[];
  private hourVar: (Float64Array | null)[];
  private w: Float64Array;
  private scores = new Float64Array(0);
  /** Latent-taste world: each user's Gaussian posterior over their hidden vector (the items' vectors are known). */
  private lMean: (Float64Array | null)[];
  private lCov: (Float64Array | null)[];
  private readonly ld: number;

  constructor(
    private world: World,
    private slots: number,
    private explore: ExplorationSlots,
  ) {
    const n = world.users.length;
    this.mean = new Array<Float64Array | null>(n).fill(null);
    this.vars = new Array<Float64Array | null>(n).fill(null);
    this.logw = new Array<Float64Array | null>(n).fill(null);
    this.hourMean = new Array<Float64Array | null>(n).fill(null);
    this.hourVar = new Array<Float64Array | null>(n).fill(null);
    this.w = new Float64Array(this.segs);
    this.lMean = new Array<Float64Array | null>(n).fill(null);
    this.lCov = new Array<Float64Array | null>(n).fill(null);
    this.ld = world.users[0]?.latent?.length ?? 0;
  }

  private latent(user: number): { m: Float64Array; c: Float64Array } | null {
    if (!this.ld) return null;
    if (!this.lMean[user]) {
      const d = this.ld;
      const sd = this.world.latentSd;
      this.lMean[user] = new Float64Array(d);
      const c = new Float64Array(d * d);
      for (let a = 0; a < d; a++) c[a * d + a] = sd * sd;
      this.lCov[user] = c;
    }
    return { m: this.lMean[user] as Float64Array, c: this.lCov[user] as Float64Array };
  }

  // The latent term's mean and variance for an item, under the user's posterior.
  private latentMoments(l: { m: Float64Array; c: Float64Array } | null, it: SimItem): [number, number] {
    if (!l || !it.latent) return [0, 0];
    const d = this.ld;
    let mean = 0;
    let v = 0;
    for (let a = 0; a < d; a++) {
      mean += it.latent[a] * l.m[a];
      let row = 0;
      for (let b = 0; b < d; b++) row += l.c[a * d + b] * it.latent[b];
      v += it.latent[a] * row;
    }
    return [mean, v];
  }

  private init(user: number): void {
    if (this.mean[user]) return;
    const u = this.world.users[user];
    const { dims, segs } = this;
    const K = ITEM_KINDS.length;
    const mean = new Float64Array(segs * dims);
    const vars = new Float64Array(segs * dims);
    const logw = new Float64Array(segs);
    const hourMean = new Float64Array(segs);
    const hourVar = new Float64Array(segs);
    // In the latent-taste world the kind and topic tastes are scaled by observableTaste.
    const ob = this.world.observableTaste;
    SEGMENTS.forEach((seg, s) => {
      for (let k = 0; k < K; k++) {
        mean[s * dims + k] = ob * seg.kindPref[k];
        vars[s * dims + k] = (ob * KIND_TASTE_SD) ** 2;
      }
      TOPICS.forEach((t, j) => {
        mean[s * dims + K + j] = ob * (seg.topicBoost[t] ?? 0);
        vars[s * dims + K + j] = (ob * TOPIC_TASTE_SD) ** 2;
      });
      const platform = seg.platform[['ios', 'android', 'web'].indexOf(u.platform)] ?? 1e-3;
      logw[s] = log(seg.weight) + log(platform) + log(u.tier === 'premium' ? seg.premium : 1 - seg.premium);
      hourMean[s] = seg.hour;
      hourVar[s] = USER_HOUR_SD * USER_HOUR_SD;
    });
    this.mean[user] = mean;
    this.vars[user] = vars;
    this.logw[user] = logw;
    this.hourMean[user] = hourMean;
    this.hourVar[user] = hourVar;
  }

  // Logit of P(success | examined) without the user's kind and topic tastes (everything else it knows).
  private base(user: number, it: SimItem, hour: number): number {
    const u = this.world.users[user];
    let x = this.world.base + u.bias + it.quality;
    if (it.kind === 1) x += hour >= 20 || hour < 3 ? 0.5 : -0.4;
    if (it.premium && u.tier === 'free') x -= 0.7;
    return x;
  }

  serve(v: Visit, live: readonly number[], requestIndex: number): ServedSlate {
    this.init(v.user);
    const mean = this.mean[v.user] as Float64Array;
    const vars = this.vars[v.user] as Float64Array;
    const logw = this.logw[v.user] as Float64Array;
    const hourMean = this.hourMean[v.user] as Float64Array;
    const hourVar = this.hourVar[v.user] as Float64Array;
    const { dims, segs, w } = this;
    // The request's local hour is evidence about the segment (through the user's habitual hour): fold it in.
    const vh = VISIT_HOUR_SD * VISIT_HOUR_SD;
    for (let s = 0; s < segs; s++) {
      const d = ((((v.hour - hourMean[s]) % 24) + 36) % 24) - 12;
      const pv = hourVar[s] + vh;
      logw[s] += -0.5 * ((d * d) / pv) - 0.5 * log(pv);
      const gain = hourVar[s] / pv;
      hourMean[s] += gain * d;
      hourVar[s] *= 1 - gain;
    }
    let top = -Infinity;
    for (let s = 0; s < segs; s++) top = max(top, logw[s]);
    let total = 0;
    for (let s = 0; s < segs; s++) total += w[s] = exp(logw[s] - top);
    for (let s = 0; s < segs; s++) w[s] /= total;
    if (this.scores.length < this.world.items.length) this.scores = new Float64Array(this.world.items.length);
    const K = ITEM_KINDS.length;
    const lat = this.latent(v.user);
    for (const i of live) {
      const it = this.world.items[i];
      const b = this.base(v.user, it, v.hour);
      const wt = 1 / it.topics.length;
      const [lm, lv] = this.latentMoments(lat, it);
      let p = 0;
      for (let s = 0; s < segs; s++) {
        if (w[s] < 1e-9) continue;
        const o = s * dims;
        let m = mean[o + it.kind] + lm;
        let vv = vars[o + it.kind] + lv;
        for (const t of it.topics) {
          m += wt * mean[o + K + t];
          vv += wt * wt * vars[o + K + t];
        }
        p += w[s] / (1 + exp(-(b + m) / sqrt(1 + (PI * vv) / 8)));
      }
      this.scores[i] = p;
    }
    const ranked = topN(live, (i) => this.scores[i], this.slots + 10);
    const items = this.explore.fill(v, live, requestIndex, ranked);
    return { items, reasons: items.map(() => null) };
  }

  observe(v: Visit, slate: ServedSlate, successes: readonly boolean[]): void {
    const mean = this.mean[v.user] as Float64Array;
    const vars = this.vars[v.user] as Float64Array;
    const logw = this.logw[v.user] as Float64Array;
    const { dims, segs } = this;
    const K = ITEM_KINDS.length;
    const lat = this.latent(v.user);
    // Segment weights before this slate, for averaging the latent update over segments.
    let top = -Infinity;
    for (let s = 0; s < segs; s++) top = max(top, logw[s]);
    const ws = new Float64Array(segs);
    let tot = 0;
    for (let s = 0; s < segs; s++) tot += ws[s] = exp(logw[s] - top);
    slate.items.forEach((i, k) => {
      const it = this.world.items[i];
      const theta = this.world.examination[k + 1];
      const b = this.base(v.user, it, v.hour);
      const wt = 1 / it.topics.length;
      const [lm, lv] = this.latentMoments(lat, it);
      let aBar = 0;
      let gBar = 0;
      for (let s = 0; s < segs; s++) {
        const o = s * dims;
        let m = mean[o + it.kind] + lm;
        let vv = vars[o + it.kind] + lv;
        for (const t of it.topics) {
          m += wt * mean[o + K + t];
          vv += wt * wt * vars[o + K + t];
        }
        // Probit approximation of the logistic link, then the engine's examination-aware ADF update.
        const c = sqrt(1 + vv / (PROBIT * PROBIT));
        const tt = (b + m) / PROBIT / c;
        const phi = exp(-0.5 * tt * tt) / SQRT_2PI;
        const cdf = normCdf(tt);
        let alpha: number;
        let gamma: number;
        if (successes[k]) {
          alpha = phi / max(1e-300, cdf) / c;
          gamma = alpha * (alpha + tt / c);
          logw[s] += log(max(1e-300, theta * cdf));
        } else {
          const z = 1 - theta * cdf;
          alpha = (-theta * phi) / (c * z);
          gamma = alpha * alpha - (theta * tt * phi) / (c * c * z);
          logw[s] += log(max(1e-300, z));
        }
        for (let a = -1; a < it.topics.length; a++) {
          const j = o + (a < 0 ? it.kind : K + it.topics[a]);
          const xs = ((a < 0 ? 1 : wt) / PROBIT) * vars[j];
          mean[j] += alpha * xs;
          vars[j] = max(1e-6, vars[j] - gamma * xs * xs);
        }
        aBar += (ws[s] / tot) * alpha;
        gBar += (ws[s] / tot) * gamma;
      }
      if (lat && it.latent) {
        // Full-covariance ADF on the user's latent vector, with the segment-averaged update coefficients.
        const d = this.ld;
        const cx = new Float64Array(d);
        for (let a = 0; a < d; a++) {
          let r = 0;
          for (let c = 0; c < d; c++) r += lat.c[a * d + c] * (it.latent[c] / PROBIT);
          cx[a] = r;
        }
        for (let a = 0; a < d; a++) {
          lat.m[a] += aBar * cx[a];
          for (let c = 0; c < d; c++) lat.c[a * d + c] -= gBar * cx[a] * cx[c];
        }
      }
    });
  }
}
