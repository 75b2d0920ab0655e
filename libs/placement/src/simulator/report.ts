import { SimulationResult } from './simulate';

const pct = (x: number | null, d = 2) => (x === null || Number.isNaN(x) ? '—' : `${(x * 100).toFixed(d)}%`);
const num = (x: number | null, d = 2) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(d));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The simulator's result as readable tables. */
export function formatReport(r: SimulationResult): string {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `Marquee placement simulator: ${o.days} days, ${o.users} users, ${r.requests} requests, ${o.slots} slots, seed ${o.seed}, ` +
      `${o.launchesPerDay} launches/day, budget ${pct(o.budget, 0)} (floor ${pct(o.floor, 0)}), ${r.seconds.toFixed(1)} s`,
  );
  out.push('');
  const mq = r.policies.find((p) => p.name === 'marquee');
  out.push(
    table(
      ['policy', 'impressions', 'successes', 'success rate', 'marquee ÷ policy'],
      r.policies.map((p) => [p.name, String(p.impressions), String(p.successes), pct(p.successRate), mq ? num(mq.successRate / p.successRate, 3) : '—']),
    ),
  );
  out.push('');
  out.push(
    table(
      ['day', ...r.policies.map((p) => p.name.split(' ')[0]), 'explore', 'tests', 'floor', 'min hour', 'max hour'],
      r.exploration.perDay.map((d, i) => [
        String(d.day),
        ...r.policies.map((p) => pct(p.perDay[i])),
        pct(d.share),
        pct(d.testShare),
        pct(d.floorShare),
        pct(d.minHour, 1),
        pct(d.maxHour, 1),
      ]),
    ),
  );
  out.push(`hours with exploration outside budget ±1 pp: ${r.exploration.hoursOutsideBudget} of ${r.exploration.hours}`);
  out.push('');
  out.push(
    table(
      ['position', 'θ estimated', 'θ true'],
      r.positionBias.map((p) => [String(p.position), num(p.estimated, 3), num(p.truth, 3)]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['new item', 'day', 'true rate', '÷ median', 'class', 'decision', 'why', 'impressions', 'hours', 'P(beats)', 'truth', 'right'],
      r.newItems.map((x) => [
        x.itemId,
        String(x.launchDay),
        pct(x.trueRate),
        num(x.ratioToMedian),
        x.class,
        x.status,
        x.reason ?? '',
        String(x.impressions),
        x.hoursToDecision === null ? '—' : num(x.hoursToDecision, 1),
        num(x.probBeatsControl, 3),
        x.truth,
        x.right === null ? '—' : x.right ? 'yes' : 'NO',
      ]),
    ),
  );
  const s = r.summary;
  out.push(
    `decided ${s.decided}, running ${s.running}; clearly good graduated ${s.clearlyGood.graduated}/${s.clearlyGood.count}, ` +
      `clearly bad graduated ${s.clearlyBad.graduated}/${s.clearlyBad.count}; right among decisive ${pct(s.rightShareOfDecisive, 1)}; ` +
      `mean impressions to decision ${num(s.meanImpressionsToDecision, 0)}`,
  );
  out.push(
    `propensities logged on ${r.propensities.slates} slates: ${pct(r.propensities.exactShare, 1)} exact, mean Monte Carlo error ${num(r.propensities.meanError, 4)}`,
  );
  out.push('');
  if (Number.isFinite(r.ratios.ceilingVsOracle)) {
    out.push(
      `reference bounds: the oracle spending the same exploration budget reaches ${num(r.ratios.vsOracle / r.ratios.vsBudgetedOracle, 3)}× the per-person oracle; ` +
        `a Bayesian learner that knows how the world is built (all but each user's segment and tastes) reaches ${num(r.ratios.ceilingVsOracle, 3)}×. ` +
        `Marquee reaches ${num(r.ratios.vsCeiling, 3)}× that learner.`,
    );
    out.push('');
  }
  out.push(
    table(
      ['target', 'value', 'target', 'met'],
      r.targets.map((t) => [t.name, t.value === null ? '—' : num(t.value, 3), t.target, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
    ),
  );
  return out.join('\n');
}
