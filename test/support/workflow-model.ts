import fc from 'fast-check';
import { ApiHandle, Credentials, GqlResult, gql } from './stack';
import { meditationInput } from './launch-helpers';
import { pollUntil } from './wait';

/**
 * A model of the editorial workflow, for a model-based property test against the real API and worker: random
 * sequences of edit, submit, approve, reject, compose, schedule, launch, unschedule, cancel and rollback run on the
 * real system and on this model, and after every step the two must agree, and no approval may ever be lost.
 *
 * The model is written from the rules as the README states them, not from the code: a version's review status is its
 * latest decision, a release pins the newest approved version, a launch applies its actions and remembers what was
 * live, a rollback puts back what was live and is refused while a later release owns one of its items.
 */

export type Decision = 'submitted' | 'approved' | 'rejected';
export type State = 'draft' | 'in_review' | 'approved' | 'scheduled' | 'live' | 'retired';
type ReleaseStatus = 'draft' | 'scheduled' | 'launched' | 'rolled_back' | 'cancelled' | 'failed';

interface MItem {
  slug: string;
  /** decisions[v - 1] = the decisions on version v, in order. */
  decisions: Decision[][];
  live: number | null;
  liveRelease: number | null;
  /** Every version ever approved. Approvals are never withdrawn: this is the invariant. */
  approved: Set<number>;
}

interface MAction {
  item: number;
  kind: 'publish' | 'unpublish';
  version: number | null;
  prior?: { live: number | null; liveRelease: number | null };
}

interface MRelease {
  status: ReleaseStatus;
  actions: MAction[];
}

export interface Model {
  items: MItem[];
  releases: MRelease[];
  log: string[];
}

/** What the runs exercised, so the test can show it was more than refusals: steps, and how many of each were accepted. */
export const coverage = { steps: 0, accepted: new Map<string, number>() };

export interface Real {
  api: ApiHandle;
  editor: Credentials;
  reviewer: Credentials;
  mediaBase: string;
  itemIds: string[];
  releaseIds: string[];
}

const latest = (i: MItem) => i.decisions.length;
const statusOf = (i: MItem, v: number): Decision | null => i.decisions[v - 1].at(-1) ?? null;
const EDITABLE: ReleaseStatus[] = ['draft', 'scheduled', 'failed'];

/** The state the README's rules give an item. */
export function expectedState(m: Model, index: number): State {
  const it = m.items[index];
  const v = latest(it);
  if (it.live === v) return 'live';
  if (it.live === null && it.liveRelease !== null) {
    const a = m.releases[it.liveRelease].actions.find((x) => x.item === index);
    if (a?.kind === 'unpublish' && a.prior?.live === v) return 'retired';
  }
  const d = statusOf(it, v);
  if (d === 'approved') {
    const pinned = m.releases.some((r) => r.status === 'scheduled' && r.actions.some((a) => a.item === index && a.kind === 'publish' && a.version === v));
    return pinned ? 'scheduled' : 'approved';
  }
  return d === 'submitted' ? 'in_review' : 'draft';
}

function newestApproved(it: MItem): number | null {
  for (let v = latest(it); v >= 1; v--) if (statusOf(it, v) === 'approved') return v;
  return null;
}

/** What validation blocks in this model's world (one kind of item, reachable media, distinct slugs). */
function blocked(m: Model, r: MRelease): string | null {
  if (!r.actions.length) return 'empty';
  for (const a of r.actions) {
    const it = m.items[a.item];
    if (a.kind === 'unpublish' && it.live === null) return 'unpublishes an item that is not live';
    if (a.kind === 'publish' && expectedState(m, a.item) === 'retired') return 'publishes a retired item';
  }
  return null;
}

// ---- the real system ----

const ITEM_FIELDS = 'state latestVersionNumber liveVersion { number } approvedVersion { number } reviews { versionNumber decision }';

interface ItemView {
  state: string;
  latestVersionNumber: number;
  liveVersion: { number: number } | null;
  approvedVersion: { number: number } | null;
  reviews: { versionNumber: number; decision: string }[];
}

type Outcome = { ok: true } | { ok: false; code: string; message: string };

async function call(r: Real, who: 'editor' | 'reviewer', query: string, variables: Record<string, unknown>): Promise<Outcome> {
  const res: GqlResult = await gql(r.api.url, query, variables, who === 'editor' ? r.editor : r.reviewer);
  if (res.errors?.length) return { ok: false, code: String(res.errors[0].extensions?.code), message: res.errors[0].message };
  return { ok: true };
}

/** Codes a refused workflow step may answer with; anything else (or a 500) is a failure of its own. */
const REFUSALS = ['ILLEGAL_TRANSITION', 'CONFLICT', 'VALIDATION_FAILED'];

function agree(m: Model, step: string, allowed: string | null, out: Outcome, refusals = REFUSALS): void {
  m.log.push(`${step}: model ${allowed === null ? 'allows' : `refuses (${allowed})`}, API ${out.ok ? 'accepted' : `refused ${out.code}: ${out.message}`}`);
  coverage.steps++;
  const verb = step.slice(0, step.indexOf('('));
  if (out.ok) coverage.accepted.set(verb, (coverage.accepted.get(verb) ?? 0) + 1);
  if (allowed === null && !out.ok) throw new Error(`${step} was refused, but the rules allow it.\n${m.log.join('\n')}`);
  if (allowed !== null && out.ok) throw new Error(`${step} was accepted, but the rules refuse it (${allowed}).\n${m.log.join('\n')}`);
  if (!out.ok && !refusals.includes(out.code))
    throw new Error(`${step} was refused with ${out.code}, expected one of ${refusals.join(', ')}.\n${m.log.join('\n')}`);
}

/** After every step: the real items and releases match the model, and no approval was ever lost. */
export async function checkAgreement(m: Model, r: Real): Promise<void> {
  // One request for the whole world, so checking after every step stays cheap.
  const fields = [
    ...r.itemIds.map((id, i) => `i${i}: item(id: "${id}") { ${ITEM_FIELDS} }`),
    ...r.releaseIds.map((id, k) => `r${k}: release(id: "${id}") { status }`),
  ];
  const res = await gql<Record<string, ItemView & { status: string }>>(r.api.url, `{ ${fields.join(' ')} }`, {}, r.editor);
  if (!res.data || res.errors?.length) throw new Error(`reading the world failed: ${JSON.stringify(res.errors)}`);
  const world = res.data;
  const problems: string[] = [];
  for (let i = 0; i < m.items.length; i++) {
    const it = m.items[i];
    const real = world[`i${i}`];
    // Review status per version, from the history (newest first), in the model's words (the API answers the UPPER_CASE
    // ReviewDecision names).
    const status = new Map<number, string>();
    for (const rv of real.reviews) if (!status.has(rv.versionNumber)) status.set(rv.versionNumber, rv.decision.toLowerCase());
    const lost = [...it.approved].filter((v) => status.get(v) !== 'approved');
    if (lost.length) problems.push(`item ${i}: approval of v${lost.join(', v')} was lost (now ${lost.map((v) => status.get(v) ?? 'none').join(', ')})`);
    const newest = it.approved.size ? Math.max(...it.approved) : null;
    if ((real.approvedVersion?.number ?? null) !== newest)
      problems.push(`item ${i}: approvedVersion is ${real.approvedVersion?.number ?? 'none'}, but v${newest} is the newest ever approved`);
    const want = { state: expectedState(m, i).toUpperCase(), latest: latest(it), live: it.live };
    const got = { state: real.state, latest: real.latestVersionNumber, live: real.liveVersion?.number ?? null };
    if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`item ${i}: expected ${JSON.stringify(want)}, API has ${JSON.stringify(got)}`);
    // The state agrees with the versions it describes, whatever the model says.
    const latestStatus = status.get(real.latestVersionNumber) ?? null;
    const isLive = real.liveVersion?.number === real.latestVersionNumber;
    if ((real.state === 'LIVE') !== isLive)
      problems.push(`item ${i}: state ${real.state} but latest v${real.latestVersionNumber} ${isLive ? 'is' : 'is not'} live`);
    if (['APPROVED', 'SCHEDULED'].includes(real.state) && latestStatus !== 'approved')
      problems.push(`item ${i}: state ${real.state} but latest version is ${latestStatus ?? 'never submitted'}`);
    if (real.state === 'IN_REVIEW' && latestStatus !== 'submitted')
      problems.push(`item ${i}: in review but latest version is ${latestStatus ?? 'never submitted'}`);
    if (real.state === 'DRAFT' && (latestStatus === 'approved' || latestStatus === 'submitted'))
      problems.push(`item ${i}: draft but latest version is ${latestStatus}`);
  }
  for (let k = 0; k < m.releases.length; k++) {
    const got = world[`r${k}`].status;
    // ReleaseStatus keeps its 0.1 lowercase names in the API (deployed clients compare them), the model's words.
    if (got !== m.releases[k].status) problems.push(`release ${k}: expected ${m.releases[k].status}, API has ${got}`);
  }
  if (problems.length) throw new Error(`After the steps below, the system disagrees with the rules:\n- ${problems.join('\n- ')}\nSteps:\n${m.log.join('\n')}`);
}

// ---- commands ----

type Cmd = fc.AsyncCommand<Model, Real>;

class Edit implements Cmd {
  constructor(readonly item: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const it = m.items[this.item];
    const input = meditationInput(it.slug, {
      durationSeconds: 600 + latest(it),
      media: { audioUrl: `${r.mediaBase}/ok/${it.slug}.mp3`, artworkUrl: `${r.mediaBase}/ok/${it.slug}.jpg` },
    });
    agree(
      m,
      this.toString(),
      null,
      await call(r, 'editor', 'mutation($id: ID!, $i: ItemInput!) { updateItem(id: $id, input: $i) { id } }', { id: r.itemIds[this.item], i: input }),
    );
    it.decisions.push([]);
    await checkAgreement(m, r);
  }
  toString = () => `edit(item ${this.item})`;
}

class Review implements Cmd {
  constructor(
    readonly item: number,
    readonly decision: Decision,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const it = m.items[this.item];
    const v = latest(it);
    const state = expectedState(m, this.item);
    const need = this.decision === 'submitted' ? 'draft' : 'in_review';
    const allowed = state === need ? null : `it is ${state}`;
    const id = r.itemIds[this.item];
    const out =
      this.decision === 'submitted'
        ? await call(r, 'editor', 'mutation($id: ID!) { submitForReview(itemId: $id) { id } }', { id })
        : this.decision === 'approved'
          ? await call(r, 'reviewer', 'mutation($id: ID!, $v: Int!) { approveVersion(itemId: $id, versionNumber: $v) { id } }', { id, v })
          : await call(r, 'reviewer', 'mutation($id: ID!, $v: Int!) { rejectVersion(itemId: $id, versionNumber: $v, comment: "not yet") { id } }', { id, v });
    agree(m, this.toString(), allowed, out);
    if (out.ok) {
      it.decisions[v - 1].push(this.decision);
      if (this.decision === 'approved') it.approved.add(v);
    }
    await checkAgreement(m, r);
  }
  toString = () => `${{ submitted: 'submit', approved: 'approve', rejected: 'reject' }[this.decision]}(item ${this.item})`;
}

class CreateRelease implements Cmd {
  check = (m: Readonly<Model>) => m.releases.length < 8;
  async run(m: Model, r: Real) {
    const res = await gql<{ createRelease: { id: string } }>(
      r.api.url,
      'mutation($n: String!) { createRelease(input: {name: $n}) { id } }',
      { n: `R${m.releases.length}` },
      r.editor,
    );
    if (!res.data) throw new Error(`createRelease failed: ${JSON.stringify(res.errors)}`);
    r.releaseIds.push(res.data.createRelease.id);
    m.releases.push({ status: 'draft', actions: [] });
    m.log.push(`${this.toString()}: release ${m.releases.length - 1}`);
  }
  toString = () => 'createRelease()';
}

/** Release commands name a release by a number taken modulo the releases that exist when they run; −1 is the newest. */
abstract class OnRelease implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.releases.length > 0;
  protected k(m: Model) {
    return this.pick < 0 ? m.releases.length - 1 : this.pick % m.releases.length;
  }
  abstract run(m: Model, r: Real): Promise<void>;
}

class Add extends OnRelease {
  constructor(
    pick: number,
    readonly item: number,
    readonly kind: 'publish' | 'unpublish',
  ) {
    super(pick);
  }
  async run(m: Model, r: Real) {
    const k = this.k(m);
    const rel = m.releases[k];
    const it = m.items[this.item];
    const pin = newestApproved(it);
    const allowed = !EDITABLE.includes(rel.status)
      ? `release is ${rel.status}`
      : expectedState(m, this.item) === 'retired'
        ? 'item is retired'
        : rel.actions.some((a) => a.item === this.item)
          ? 'already in the release'
          : this.kind === 'publish' && pin === null
            ? 'no approved version'
            : this.kind === 'unpublish' && it.live === null
              ? 'not live'
              : null;
    const out = await call(r, 'editor', 'mutation($r: ID!, $i: ID!, $a: ReleaseActionKind!) { addToRelease(releaseId: $r, itemId: $i, action: $a) { id } }', {
      r: r.releaseIds[k],
      i: r.itemIds[this.item],
      a: this.kind.toUpperCase(),
    });
    agree(m, `${this.toString()} → release ${k}`, allowed, out);
    if (out.ok) rel.actions.push({ item: this.item, kind: this.kind, version: this.kind === 'publish' ? pin : null });
    await checkAgreement(m, r);
  }
  override toString = () => `add(release #${this.pick}, item ${this.item}, ${this.kind})`;
}

class Remove extends OnRelease {
  constructor(
    pick: number,
    readonly item: number,
  ) {
    super(pick);
  }
  async run(m: Model, r: Real) {
    const k = this.k(m);
    const rel = m.releases[k];
    const allowed = !EDITABLE.includes(rel.status) ? `release is ${rel.status}` : !rel.actions.some((a) => a.item === this.item) ? 'not in the release' : null;
    const out = await call(r, 'editor', 'mutation($r: ID!, $i: ID!) { removeFromRelease(releaseId: $r, itemId: $i) { id } }', {
      r: r.releaseIds[k],
      i: r.itemIds[this.item],
    });
    // Removing an item that is not there answers NOT_FOUND.
    agree(m, `${this.toString()} → release ${k}`, allowed, out, [...REFUSALS, 'NOT_FOUND']);
    if (out.ok) rel.actions = rel.actions.filter((a) => a.item !== this.item);
    await checkAgreement(m, r);
  }
  override toString = () => `remove(release #${this.pick}, item ${this.item})`;
}

class Schedule extends OnRelease {
  async run(m: Model, r: Real) {
    const k = this.k(m);
    const rel = m.releases[k];
    const allowed = !EDITABLE.includes(rel.status) ? `release is ${rel.status}` : blocked(m, rel);
    const at = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    const out = await call(r, 'editor', 'mutation($id: ID!, $l: String!) { scheduleRelease(id: $id, input: {localDateTime: $l, timeZone: "UTC"}) { id } }', {
      id: r.releaseIds[k],
      l: at,
    });
    agree(m, `${this.toString()} → release ${k}`, allowed, out);
    if (out.ok) rel.status = 'scheduled';
    await checkAgreement(m, r);
  }
  override toString = () => `schedule(release #${this.pick}, tomorrow)`;
}

class Unschedule extends OnRelease {
  async run(m: Model, r: Real) {
    const k = this.k(m);
    const rel = m.releases[k];
    const out = await call(r, 'editor', 'mutation($id: ID!) { unscheduleRelease(id: $id) { id } }', { id: r.releaseIds[k] });
    agree(m, `${this.toString()} → release ${k}`, rel.status === 'scheduled' ? null : `release is ${rel.status}`, out);
    if (out.ok) rel.status = 'draft';
    await checkAgreement(m, r);
  }
  override toString = () => `unschedule(release #${this.pick})`;
}

class Cancel extends OnRelease {
  async run(m: Model, r: Real) {
    const k = this.k(m);
    const rel = m.releases[k];
    const out = await call(r, 'editor', 'mutation($id: ID!) { cancelRelease(id: $id) { id } }', { id: r.releaseIds[k] });
    agree(m, `${this.toString()} → release ${k}`, EDITABLE.includes(rel.status) ? null : `release is ${rel.status}`, out);
    if (out.ok) rel.status = 'cancelled';
    await checkAgreement(m, r);
  }
  override toString = () => `cancel(release #${this.pick})`;
}

class Launch extends OnRelease {
  async run(m: Model, r: Real) {
    const k = this.k(m);
    const rel = m.releases[k];
    const allowed = !EDITABLE.includes(rel.status) ? `release is ${rel.status}` : blocked(m, rel);
    const id = r.releaseIds[k];
    const out = await call(r, 'editor', 'mutation($id: ID!) { launchReleaseNow(id: $id) { id } }', { id });
    agree(m, `${this.toString()} → release ${k}`, allowed, out);
    if (out.ok) {
      // The worker launches it; wait for that, not for a fixed time.
      const status = await pollUntil(
        async () =>
          (
            await gql<{ release: { status: string; events: { kind: string; message: string }[] } }>(
              r.api.url,
              'query($id: ID!) { release(id: $id) { status events { kind message } } }',
              { id },
              r.editor,
            )
          ).data?.release,
        (s) => s?.status === 'launched' || s?.status === 'failed',
        { what: `release ${k} to launch`, intervalMs: 20, timeoutMs: 30000 },
      );
      if (status?.status !== 'launched') throw new Error(`release ${k} ${status?.status} at launch: ${JSON.stringify(status?.events)}\n${m.log.join('\n')}`);
      for (const a of rel.actions) {
        const it = m.items[a.item];
        a.prior = { live: it.live, liveRelease: it.liveRelease };
        it.live = a.kind === 'publish' ? a.version : null;
        it.liveRelease = k;
      }
      rel.status = 'launched';
    }
    await checkAgreement(m, r);
  }
  override toString = () => `launchNow(release #${this.pick})`;
}

class Rollback extends OnRelease {
  async run(m: Model, r: Real) {
    const k = this.k(m);
    const rel = m.releases[k];
    const allowed =
      rel.status !== 'launched'
        ? `release is ${rel.status}`
        : rel.actions.some((a) => m.items[a.item].liveRelease !== k)
          ? 'a later release changed its items'
          : null;
    const out = await call(r, 'editor', 'mutation($id: ID!) { rollbackRelease(id: $id) { id } }', { id: r.releaseIds[k] });
    agree(m, `${this.toString()} → release ${k}`, allowed, out);
    if (out.ok) {
      for (const a of [...rel.actions].reverse()) {
        m.items[a.item].live = a.prior!.live;
        m.items[a.item].liveRelease = a.prior!.liveRelease;
      }
      rel.status = 'rolled_back';
    }
    await checkAgreement(m, r);
  }
  override toString = () => `rollback(release #${this.pick})`;
}

/** Several steps in a row (each checked on its own), so random sequences reach launches and rollbacks more often. */
class Steps implements Cmd {
  constructor(readonly parts: Cmd[]) {}
  check = () => true;
  async run(m: Model, r: Real) {
    for (const p of this.parts) if (p.check(m)) await p.run(m, r);
  }
  toString = () => this.parts.map(String).join('; ');
}

/**
 * Random workflow steps on `items` items: a fixed-length-range array rather than fc.commands, whose small default size
 * rarely got as far as a launch. Weighted towards the steps that move work forward, so most runs approve, launch, edit
 * and roll back, in every order.
 */
export function workflowCommands(items: number, minCommands: number, maxCommands: number): fc.Arbitrary<Cmd[]> {
  const item = fc.nat({ max: items - 1 });
  // Mostly the newest release, where the work is; sometimes any, to reach old, launched and rolled-back ones.
  const pick = fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat({ max: 7 }) });
  const kind = fc.constantFrom<'publish' | 'unpublish'>('publish', 'publish', 'unpublish');
  const step = fc.oneof(
    { weight: 3, arbitrary: item.map((i): Cmd => new Edit(i)) },
    { weight: 2, arbitrary: item.map((i): Cmd => new Review(i, 'submitted')) },
    { weight: 2, arbitrary: item.map((i): Cmd => new Review(i, 'approved')) },
    { weight: 1, arbitrary: item.map((i): Cmd => new Review(i, 'rejected')) },
    { weight: 4, arbitrary: item.map((i): Cmd => new Steps([new Review(i, 'submitted'), new Review(i, 'approved')])) },
    { weight: 1, arbitrary: item.map((i): Cmd => new Steps([new Review(i, 'submitted'), new Review(i, 'rejected')])) },
    { weight: 1, arbitrary: fc.constant<Cmd>(new CreateRelease()) },
    { weight: 3, arbitrary: fc.tuple(pick, item, kind).map(([p, i, k]): Cmd => new Add(p, i, k)) },
    // A new release with one item: it is the newest, so its pick is the release count at run time (see OnRelease).
    { weight: 3, arbitrary: fc.tuple(item, kind).map(([i, k]): Cmd => new Steps([new CreateRelease(), new Add(-1, i, k)])) },
    {
      weight: 2,
      arbitrary: item.map(
        (i): Cmd => new Steps([new Review(i, 'submitted'), new Review(i, 'approved'), new CreateRelease(), new Add(-1, i, 'publish'), new Launch(-1)]),
      ),
    },
    { weight: 1, arbitrary: fc.tuple(pick, item).map(([p, i]): Cmd => new Remove(p, i)) },
    { weight: 1, arbitrary: pick.map((p): Cmd => new Schedule(p)) },
    { weight: 2, arbitrary: item.map((i): Cmd => new Steps([new CreateRelease(), new Add(-1, i, 'publish'), new Schedule(-1)])) },
    { weight: 2, arbitrary: pick.map((p): Cmd => new Unschedule(p)) },
    { weight: 1, arbitrary: pick.map((p): Cmd => new Cancel(p)) },
    { weight: 4, arbitrary: pick.map((p): Cmd => new Launch(p)) },
    { weight: 4, arbitrary: pick.map((p): Cmd => new Rollback(p)) },
  );
  return fc.array(step, { minLength: minCommands, maxLength: maxCommands });
}

/** A fresh world for one run: `items` new items, each at v1 in draft, and no releases. */
export async function freshWorld(r: Omit<Real, 'itemIds' | 'releaseIds'>, items: number, tag: string): Promise<{ model: Model; real: Real }> {
  const model: Model = { items: [], releases: [], log: [] };
  const real: Real = { ...r, itemIds: [], releaseIds: [] };
  for (let i = 0; i < items; i++) {
    const slug = `wf-${tag}-${i}`;
    const input = meditationInput(slug, { media: { audioUrl: `${r.mediaBase}/ok/${slug}.mp3`, artworkUrl: `${r.mediaBase}/ok/${slug}.jpg` } });
    const res = await gql<{ createItem: { id: string } }>(r.api.url, 'mutation($i: ItemInput!) { createItem(input: $i) { id } }', { i: input }, r.editor);
    if (!res.data) throw new Error(`createItem failed: ${JSON.stringify(res.errors)}`);
    real.itemIds.push(res.data.createItem.id);
    model.items.push({ slug, decisions: [[]], live: null, liveRelease: null, approved: new Set() });
  }
  return { model, real };
}
