import { Link } from 'react-router-dom';
import type { ContentKind, ContentTest, Surface } from '../../api/types';
import { SUCCESS_EVENTS } from '../../api/types';
import { Field } from '../../components/Field';
import { TagInput } from '../../components/TagInput';
import { Time } from '../../components/Time';
import { plural } from '../../lib/format';
import { automaticQuota, formatShare, ruleSentence, SUCCESS_EVENT_TEXT, successEventLabel } from './placementText';
import type { SurfaceForm } from './surfaceForm';
import { testPositionsText } from './surfaceForm';

interface Props {
  surface: Surface;
  form: SurfaceForm;
  onChange(patch: Partial<SurfaceForm>): void;
  errors: Record<string, string>;
  readOnly: boolean;
  kinds: ContentKind[];
  /** The surface's running tests, to say what quota they got. */
  runningTests: ContentTest[] | undefined;
}

function numberOr(text: string, fallback: number): number {
  const n = Number(text.trim().replace(',', '.'));
  return text.trim() !== '' && Number.isFinite(n) ? n : fallback;
}

/** A number input with its unit after it ("%", "days"). */
function UnitInput({
  id,
  value,
  onChange,
  unit,
  readOnly,
  invalid,
  step,
  min,
  max,
  testId,
}: {
  id: string;
  value: string;
  onChange(v: string): void;
  unit: string;
  readOnly: boolean;
  invalid: boolean;
  step?: number;
  min?: number;
  max?: number;
  testId: string;
}) {
  return (
    <div className="unit-input">
      <input
        id={id}
        className="input"
        type="number"
        inputMode="decimal"
        step={step}
        min={min}
        max={max}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={readOnly}
        aria-invalid={invalid}
        data-testid={testId}
      />
      <span className="muted">{unit}</span>
    </div>
  );
}

/** How a request's slots divide on average: personalised, content tests (up to), and the uniform-random floor. */
function ExplorationBar({ budget, floor }: { budget: number; floor: number }) {
  const b = Math.min(Math.max(budget, 0), 50);
  const f = Math.min(Math.max(floor, 0), b);
  return (
    <div className="exploration-bar" data-testid="exploration-bar">
      <div className="exploration-track" aria-hidden="true">
        <span className="seg seg-personalized" style={{ width: `${100 - b}%` }} />
        <span className="seg seg-test" style={{ width: `${b - f}%` }} />
        <span className="seg seg-floor" style={{ width: `${f}%` }} />
      </div>
      <div className="exploration-legend small">
        <span>
          <i className="swatch seg-personalized" /> Personalized, at least {formatShare((100 - b) / 100)}
        </span>
        <span>
          <i className="swatch seg-test" /> Content tests, up to {formatShare((b - f) / 100)}
        </span>
        <span>
          <i className="swatch seg-floor" /> Random floor, {formatShare(f / 100)}
        </span>
      </div>
    </div>
  );
}

/** Every setting of a surface, as cards, with a plain-language summary beside them. */
export function SurfaceSettings({ surface, form, onChange, errors, readOnly, kinds, runningTests }: Props) {
  const slots = numberOr(form.slots, surface.slots);
  const budget = numberOr(form.budget, 0);
  const floor = numberOr(form.floor, 0);
  const firstN = numberOr(form.firstN, 0);
  const shownBudget = Math.min(Math.max(budget, 0), 50);
  const shownFloor = Math.min(Math.max(floor, 0), shownBudget);
  const quotas = [...new Set((runningTests ?? []).map((t) => t.quota))].sort((a, b) => a - b);
  const toggleKind = (k: string, on: boolean) => onChange({ kinds: on ? [...form.kinds, k] : form.kinds.filter((x) => x !== k) });
  const limitText = (v: string, what: string) => (v.trim() ? `at most ${v.trim()} of one ${what}` : null);
  const diversityText = [limitText(form.maxPerKind, 'kind'), limitText(form.maxPerTopic, 'topic')].filter(Boolean).join(' and ');

  return (
    <div className="surface-grid" data-testid="surface-settings">
      <div className="surface-main">
        <section className="card" data-testid="surface-basics">
          <div className="card-header">
            <h2>Basics</h2>
            <span className="muted small">
              Clients ask for it by its key, <code>{surface.key}</code>
            </span>
          </div>
          <div className="card-body form-stack">
            <div className="form-grid basics-grid">
              <Field label="Name" htmlFor="s-name" requirement="required" error={errors.name}>
                <input
                  id="s-name"
                  className="input"
                  maxLength={80}
                  value={form.name}
                  onChange={(e) => onChange({ name: e.target.value })}
                  disabled={readOnly}
                  aria-invalid={!!errors.name}
                  data-testid="s-name"
                />
              </Field>
              <Field label="Slots" htmlFor="s-slots" error={errors.slots} hint="Items per slate.">
                <input
                  id="s-slots"
                  className="input"
                  type="number"
                  min={1}
                  max={100}
                  value={form.slots}
                  onChange={(e) => onChange({ slots: e.target.value })}
                  disabled={readOnly}
                  aria-invalid={!!errors.slots}
                  data-testid="s-slots"
                />
              </Field>
            </div>
            <Field
              label="Description"
              htmlFor="s-description"
              requirement="optional"
              error={errors.description}
              hint="Where it appears in the apps and what it is for."
            >
              <textarea
                id="s-description"
                className="input"
                rows={2}
                value={form.description}
                onChange={(e) => onChange({ description: e.target.value })}
                disabled={readOnly}
                data-testid="s-description"
              />
            </Field>
          </div>
        </section>

        <section className="card" data-testid="surface-candidates">
          <div className="card-header">
            <h2>Candidates</h2>
            <span className="muted small">Which live items the engine may place here</span>
          </div>
          <div className="card-body form-stack">
            <Field label="Kinds" error={errors['candidateRule.kinds']} hint={form.kinds.length ? 'Only the checked kinds.' : 'None checked: every kind.'}>
              <div className="checks kind-checks" id="s-kinds">
                {kinds.map((k) => (
                  <label key={k.key} className="check">
                    <input
                      type="checkbox"
                      checked={form.kinds.includes(k.key)}
                      onChange={(e) => toggleKind(k.key, e.target.checked)}
                      disabled={readOnly}
                      data-testid={`s-kind-${k.key}`}
                    />
                    {k.label}
                  </label>
                ))}
              </div>
            </Field>
            <div className="form-grid">
              <Field
                label="Topics"
                htmlFor="s-topics"
                error={errors['candidateRule.topics'] ?? errors.candidateRule}
                hint="Items with any of these topics. Empty: any topic."
              >
                <TagInput
                  id="s-topics"
                  value={form.topics}
                  onChange={(topics) => onChange({ topics })}
                  placeholder="sleep, focus…"
                  disabled={readOnly}
                  invalid={!!(errors['candidateRule.topics'] ?? errors.candidateRule)}
                />
              </Field>
              <Field
                label="Collections"
                htmlFor="s-collections"
                error={errors['candidateRule.collections']}
                hint="Items in any of these collections. Empty: any."
              >
                <TagInput
                  id="s-collections"
                  value={form.collections}
                  onChange={(collections) => onChange({ collections })}
                  placeholder="daily-calm…"
                  disabled={readOnly}
                  invalid={!!errors['candidateRule.collections']}
                />
              </Field>
            </div>
            <p className="muted small rule-note">
              An item is a candidate when it matches every part that is filled in. It must also suit each request: live for that user (staged rollouts
              included), and right for their locale, platform, app version and tier.
            </p>
          </div>
        </section>

        <section className="card" data-testid="surface-exploration">
          <div className="card-header">
            <h2>Success and exploration</h2>
            <span className="muted small">What the engine optimizes, and how much it may explore</span>
          </div>
          <div className="card-body form-stack">
            <Field
              label="Success event"
              htmlFor="s-success"
              error={errors.successEvent}
              hint="What counts as success when the model learns and when content tests are judged."
            >
              <select
                id="s-success"
                className="input select"
                value={form.successEvent}
                onChange={(e) => onChange({ successEvent: e.target.value })}
                disabled={readOnly}
                data-testid="s-success"
              >
                {SUCCESS_EVENTS.map((e) => (
                  <option key={e} value={e}>
                    {SUCCESS_EVENT_TEXT[e].label}: {SUCCESS_EVENT_TEXT[e].hint.replace(/\.$/, '').toLowerCase()}
                  </option>
                ))}
              </select>
            </Field>
            <div className="form-grid">
              <Field
                label="Exploration budget"
                htmlFor="s-budget"
                error={errors.explorationBudget}
                hint="Share of impressions content tests and random exploration may use, at most 50%. Kept within ±1 point every hour."
              >
                <UnitInput
                  id="s-budget"
                  value={form.budget}
                  onChange={(budget) => onChange({ budget })}
                  unit="%"
                  step={0.5}
                  min={0}
                  max={50}
                  readOnly={readOnly}
                  invalid={!!errors.explorationBudget}
                  testId="s-budget"
                />
              </Field>
              <Field
                label="Random floor"
                htmlFor="s-floor"
                error={errors.randomFloor}
                hint="Part of the budget placed uniformly at random, so every item keeps a chance and logs stay usable for offline evaluation."
              >
                <UnitInput
                  id="s-floor"
                  value={form.floor}
                  onChange={(floor) => onChange({ floor })}
                  unit="%"
                  step={0.5}
                  min={0}
                  max={50}
                  readOnly={readOnly}
                  invalid={!!errors.randomFloor}
                  testId="s-floor"
                />
              </Field>
            </div>
            <ExplorationBar budget={budget} floor={floor} />
          </div>
        </section>

        <section className="card" data-testid="surface-tests">
          <div className="card-header">
            <h2>Content tests</h2>
            <span className="muted small">Every item that launches onto this surface gets one</span>
          </div>
          <div className="card-body form-stack">
            <Field
              label="Impressions per test (quota)"
              htmlFor="s-quota"
              error={errors.testQuota}
              hint={
                form.quotaMode === 'auto' ? (
                  <>
                    Automatic sizes it for ±30% precision at the surface's current success rate when the test starts: {automaticQuota(0.1).toLocaleString('en')}{' '}
                    impressions at a 10% rate, {automaticQuota(0.025).toLocaleString('en')} at 2.5%.
                    {quotas.length > 0 && ` Running tests here got ${quotas.map((q) => q.toLocaleString('en')).join(', ')}.`}
                  </>
                ) : (
                  'Every new test gets this many impressions. Tests already running keep their quota.'
                )
              }
            >
              <div className="quota-row">
                <div className="segmented" role="radiogroup" aria-label="Quota">
                  {(['auto', 'fixed'] as const).map((m) => (
                    <label key={m} className={`segment ${form.quotaMode === m ? 'is-active' : ''}`}>
                      <input
                        type="radio"
                        name="quota-mode"
                        checked={form.quotaMode === m}
                        onChange={() => onChange({ quotaMode: m, quota: m === 'fixed' && !form.quota ? String(automaticQuota(0.1)) : form.quota })}
                        disabled={readOnly}
                        data-testid={`s-quota-${m}`}
                      />
                      {m === 'auto' ? 'Automatic' : 'Fixed'}
                    </label>
                  ))}
                </div>
                {form.quotaMode === 'fixed' && (
                  <UnitInput
                    id="s-quota"
                    value={form.quota}
                    onChange={(quota) => onChange({ quota })}
                    unit="impressions"
                    step={10}
                    min={10}
                    readOnly={readOnly}
                    invalid={!!errors.testQuota}
                    testId="s-quota"
                  />
                )}
              </div>
            </Field>
            <Field
              label="Longest a test may run"
              htmlFor="s-days"
              error={errors.testMaxDays}
              hint="A test ends at its quota or after this many days, whichever comes first, then it is decided."
            >
              <UnitInput
                id="s-days"
                value={form.maxDays}
                onChange={(maxDays) => onChange({ maxDays })}
                unit="days"
                min={1}
                max={90}
                readOnly={readOnly}
                invalid={!!errors.testMaxDays}
                testId="s-days"
              />
            </Field>
            <Field
              label="Test positions"
              htmlFor="s-test-last"
              error={errors.testMaxPosition}
              hint="Tests are shown at positions 2 up to this one, never at position 1. Higher positions are looked at more, so a test learns more from each impression there; it also displaces a better-seen item."
            >
              <UnitInput
                id="s-test-last"
                value={form.testMaxPosition}
                onChange={(testMaxPosition) => onChange({ testMaxPosition })}
                unit="last position"
                min={2}
                max={100}
                readOnly={readOnly}
                invalid={!!errors.testMaxPosition}
                testId="s-test-last"
              />
            </Field>
          </div>
        </section>

        <section className="card" data-testid="surface-diversity">
          <div className="card-header">
            <h2>Diversity</h2>
            <span className="muted small">Keeps the top of the slate varied</span>
          </div>
          <div className="card-body form-stack">
            <div
              className={`diversity-sentence ${errors.diversity || errors['diversity.firstN'] || errors['diversity.maxPerKind'] || errors['diversity.maxPerTopic'] ? 'has-error' : ''}`}
            >
              <span>At most</span>
              <input
                className="input input-sm"
                type="number"
                min={1}
                placeholder="any"
                aria-label="At most this many of one kind"
                value={form.maxPerKind}
                onChange={(e) => onChange({ maxPerKind: e.target.value })}
                disabled={readOnly}
                aria-invalid={!!errors['diversity.maxPerKind']}
                data-testid="s-max-kind"
              />
              <span>of one kind and</span>
              <input
                className="input input-sm"
                type="number"
                min={1}
                placeholder="any"
                aria-label="At most this many of one topic"
                value={form.maxPerTopic}
                onChange={(e) => onChange({ maxPerTopic: e.target.value })}
                disabled={readOnly}
                aria-invalid={!!errors['diversity.maxPerTopic']}
                data-testid="s-max-topic"
              />
              <span>of one topic in the first</span>
              <input
                className="input input-sm"
                type="number"
                min={1}
                max={100}
                aria-label="In the first this many slots"
                value={form.firstN}
                onChange={(e) => onChange({ firstN: e.target.value })}
                disabled={readOnly}
                aria-invalid={!!errors['diversity.firstN']}
                data-testid="s-first-n"
              />
              <span>slots.</span>
            </div>
            {[errors['diversity.maxPerKind'], errors['diversity.maxPerTopic'], errors['diversity.firstN'], errors.diversity].filter(Boolean).map((m) => (
              <p key={m} className="field-error" role="alert">
                {m}
              </p>
            ))}
            <p className="field-hint">
              Leave a limit empty for none. Pins count towards the limits; random exploration never breaks them.
              {firstN > slots ? ` The surface has only ${slots} slots, so the rule covers all of them.` : ''}
            </p>
          </div>
        </section>
      </div>

      <aside className="surface-side">
        <section className="card side-card" data-testid="surface-summary">
          <div className="card-header">
            <h2>In short</h2>
          </div>
          <div className="card-body">
            <ul className="summary-list">
              <li>
                <strong>{plural(slots, 'slot')}</strong>, filled from{' '}
                <strong>{ruleSentence({ kinds: form.kinds, topics: form.topics, collections: form.collections }, kinds)}</strong>.
              </li>
              <li>
                Learns from <strong>{successEventLabel(form.successEvent).toLowerCase()}</strong> events.
              </li>
              <li>
                On average <strong>{((slots * shownBudget) / 100).toLocaleString('en', { maximumFractionDigits: 2 })}</strong> of {slots} slots per request
                explore: {((slots * shownFloor) / 100).toLocaleString('en', { maximumFractionDigits: 2 })} at random, the rest for content tests while tests
                need impressions.
              </li>
              <li>
                Tests get {form.quotaMode === 'auto' ? 'an automatic quota' : <strong>{Number(form.quota || 0).toLocaleString('en')} impressions</strong>}{' '}
                within <strong>{plural(numberOr(form.maxDays, 0), 'day')}</strong>, {testPositionsText(numberOr(form.testMaxPosition, 2), slots)}.
              </li>
              <li>
                {diversityText ? `${diversityText.charAt(0).toUpperCase()}${diversityText.slice(1)} in the first ${firstN} slots.` : 'No diversity limit.'}
              </li>
              <li>
                {plural(surface.pins.filter((p) => !p.endsAt || new Date(p.endsAt).getTime() > Date.now()).length, 'current or future pin')},{' '}
                {plural(surface.fallbackOrder.length, 'item')} in the fallback order.
              </li>
            </ul>
            <dl className="when-facts surface-facts">
              <div>
                <dt>Updated</dt>
                <dd>
                  <Time iso={surface.updatedAt} />
                </dd>
              </div>
              <div>
                <dt>History</dt>
                <dd>
                  <Link to={`/audit-log?entityType=surface&entityId=${surface.id}`}>Audit log</Link>
                </dd>
              </div>
            </dl>
          </div>
        </section>
      </aside>
    </div>
  );
}
