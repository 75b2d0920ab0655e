import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useContentKinds } from '../../lib/reference-data';
import { toApiError, type ApiError } from '../../api/client';
import { fetchReleases } from '../../api/launch';
import { fetchFeedPreview, fetchSurfaces } from '../../api/placement';
import type { FeedPreview, FeedReason, Persona } from '../../api/types';
import { isAdmin, useCurrentUser } from '../../auth/AuthContext';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, SkeletonRows, Spinner } from '../../components/Spinner';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { canonicalLocale, COMMON_LOCALES } from '../../lib/locales';
import { browserZone, formatInZone, localDateTimeIn, offsetMinutes } from '../../lib/time';
import { PLATFORMS } from '../releases/releaseText';
import { randomSeed } from '../surfaces/placementText';
import { ReasonLegend, SlateTable } from './SlateTable';

const TIERS = [
  { key: 'free', label: 'Free' },
  { key: 'premium', label: 'Premium' },
];

interface PersonaForm {
  userId: string;
  locale: string;
  platform: string;
  tier: string;
  appVersion: string;
  /** HH:mm on the device, or ''. */
  localTime: string;
}

interface Request {
  surface: string;
  persona: Persona;
  instant: string | null;
  seed: number;
}

interface Result {
  preview: FeedPreview;
  request: Request;
}

/** "+01:00" for minutes east of UTC. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "de · iOS · free · app 5.2 · 22:30" for the slate's caption. */
function describePersona(p: Persona): string {
  const parts = [
    p.locale ?? 'any locale',
    p.platform ? (PLATFORMS.find((x) => x.key === p.platform)?.label ?? p.platform) : 'any platform',
    p.tier ?? 'no tier (free)',
  ];
  if (p.appVersion) parts.push(`app ${p.appVersion}`);
  if (p.localTime) parts.push(`${p.localTime.slice(11, 16)} on the device`);
  return parts.join(' · ');
}

/**
 * The feed preview: a persona's slate on a surface, now or at a future instant once scheduled releases apply, with
 * reasons and propensities. The same engine as the client feed; nothing is logged.
 */
export function FeedPreviewPage() {
  useDocumentTitle('Feed preview');
  const user = useCurrentUser();
  const zone = browserZone();
  const [params, setParams] = useSearchParams();
  const surfaceKey = params.get('surface') ?? '';
  const surfaces = useApiQuery(keys.surfaces, fetchSurfaces);
  const releases = useApiQuery([...keys.releases, 'scheduled'], () => fetchReleases({ states: ['SCHEDULED'] }));
  const kinds = useContentKinds().data ?? [];
  const [persona, setPersona] = useState<PersonaForm>({ userId: 'preview-user', locale: 'en', platform: '', tier: '', appVersion: '', localTime: '' });
  const [mode, setMode] = useState<'now' | 'at'>('now');
  const [at, setAt] = useState('');
  const [seedMode, setSeedMode] = useState<'new' | 'fixed'>('new');
  const [seed, setSeed] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Result | null>(null);
  const [previous, setPrevious] = useState<Result | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const resultRef = useRef<Result | null>(null);

  useEffect(() => () => abortRef.current?.abort(), []);

  const surface = surfaces.data?.find((s) => s.key === surfaceKey);
  const upcoming = useMemo(
    () =>
      (releases.data ?? [])
        .filter((r) => r.scheduledAt && new Date(r.scheduledAt).getTime() > Date.now())
        .sort((a, b) => a.scheduledAt!.localeCompare(b.scheduledAt!))
        .slice(0, 4),
    [releases.data],
  );
  const kindLabel = (k: string) => kinds.find((x) => x.key === k)?.label ?? k.replace(/_/g, ' ');

  const setSurface = (key: string) => {
    const next = new URLSearchParams(params);
    if (key) next.set('surface', key);
    else next.delete('surface');
    setParams(next, { replace: true });
  };

  // Without a surface in the address, start on the first one. The address is read again here: this effect can run
  // after the user has already picked a surface (its render saw none), and must not override that choice.
  useEffect(() => {
    if (surfaceKey || !surfaces.data?.length) return;
    if (new URLSearchParams(window.location.search).get('surface')) return;
    setSurface(surfaces.data[0].key);
    // setSurface is rebuilt each render from the address; this runs only when the surfaces or the choice change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [surfaceKey, surfaces.data]);

  /** The form as a request, or the problems that stop it. */
  const buildRequest = (overrides: { instantLocal?: string | null; reroll?: boolean } = {}): { request?: Request; problems: Record<string, string> } => {
    const problems: Record<string, string> = {};
    if (!surfaceKey) problems.surface = 'Choose a surface.';
    const userId = persona.userId.trim();
    if (!userId) problems.userId = 'Any id: a real user id uses what the engine learned from their events.';
    let locale: string | null = null;
    if (persona.locale.trim()) {
      locale = canonicalLocale(persona.locale);
      if (!locale) problems.locale = 'A locale code like en, de or pt-BR.';
    }
    const atLocal = overrides.instantLocal !== undefined ? overrides.instantLocal : mode === 'at' ? at : null;
    let instant: string | null = null;
    if (atLocal !== null) {
      const d = new Date(atLocal);
      if (!atLocal || Number.isNaN(d.getTime())) problems.instant = 'Choose a date and time.';
      else if (d.getTime() < Date.now() - 30_000) problems.instant = 'The preview looks forward: choose a moment from now on.';
      else instant = d.toISOString();
    }
    let localTime: string | null = null;
    if (persona.localTime) {
      const when = instant ? new Date(instant) : new Date();
      const date = localDateTimeIn(when, zone, false).slice(0, 10);
      localTime = `${date}T${persona.localTime}:00${offsetText(offsetMinutes(when, zone))}`;
    }
    let seedValue = randomSeed();
    if (seedMode === 'fixed' && !overrides.reroll) {
      const n = Number(seed.trim());
      if (!/^\d+$/.test(seed.trim()) || n > 2_147_483_647) problems.seed = 'A whole number from 0 to 2147483647.';
      else seedValue = n;
    }
    if (Object.keys(problems).length) return { problems };
    return {
      problems,
      request: {
        surface: surfaceKey,
        persona: { userId, locale, platform: persona.platform || null, tier: persona.tier || null, appVersion: persona.appVersion.trim() || null, localTime },
        instant,
        seed: seedValue,
      },
    };
  };

  const run = async (overrides: { instantLocal?: string | null; reroll?: boolean } = {}) => {
    const { request, problems } = buildRequest(overrides);
    setLocal(problems);
    if (!request) return;
    if (seedMode === 'fixed' && overrides.reroll) setSeed(String(request.seed));
    abortRef.current?.abort();
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    setLoading(true);
    setError(null);
    try {
      const preview = await fetchFeedPreview(request.surface, request.persona, request.instant, request.seed, ctrl.signal);
      if (ctrl.signal.aborted) return;
      const prev = resultRef.current;
      const next = { preview, request };
      resultRef.current = next;
      setPrevious(prev && prev.request.surface === request.surface ? prev : null);
      setResult(next);
    } catch (e) {
      if (!ctrl.signal.aborted) setError(toApiError(e));
    } finally {
      if (!ctrl.signal.aborted) setLoading(false);
    }
  };

  // A first slate as soon as a surface is chosen, and a new one when it changes.
  useEffect(() => {
    if (!surfaceKey || !surfaces.data) return;
    setPrevious(null);
    setResult(null);
    resultRef.current = null;
    void run();
    // `run` reads the persona form as it is now; the slate is rebuilt on a new surface, not on each keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [surfaceKey, surfaces.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run();
  };

  const pickRelease = (iso: string) => {
    const l = localDateTimeIn(iso, zone, true);
    setMode('at');
    setAt(l);
    void run({ instantLocal: l });
  };

  const problems = { ...(error?.problemMap() ?? {}), ...local };
  const placed = ['surface', 'instant', 'seed', 'persona.userId', 'persona.locale'];
  const unplacedProblems = error ? error.problems.filter((p) => !placed.includes(p.field)) : [];
  const counts = useMemo(() => {
    const c: Partial<Record<FeedReason, number>> = {};
    for (const e of result?.preview.entries ?? []) c[e.reason] = (c[e.reason] ?? 0) + 1;
    return c;
  }, [result]);
  const preview = result?.preview;
  const future = !!result?.request.instant;
  const scheduledCount = preview?.entries.filter((e) => e.source === 'SCHEDULED').length ?? 0;

  if (surfaces.data && surfaces.data.length === 0) {
    return (
      <div className="page">
        <PageHeader title="Feed preview" />
        <EmptyState
          icon="layers"
          title="No surfaces to preview"
          testId="preview-no-surfaces"
          actions={
            isAdmin(user) ? (
              <Link to="/surfaces" className="btn btn-primary">
                Create a surface
              </Link>
            ) : undefined
          }
        >
          The preview shows what a persona gets on a surface. {isAdmin(user) ? 'Create one first.' : 'An admin creates surfaces.'}
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page page-wide page-preview" data-testid="feed-preview-page">
      <PageHeader
        title="Feed preview"
        subtitle="What a persona's feed looks like now, or at a future moment once scheduled releases have launched. The same engine as the apps; nothing is logged or counted."
        actions={
          surface && (
            <Link to={`/surfaces/${surface.key}`} className="btn btn-secondary" data-testid="preview-surface-link">
              <Icon name="layers" /> {surface.name} settings
            </Link>
          )
        }
      />
      {surfaces.error && <ErrorBanner error={surfaces.error} onRetry={() => void surfaces.reload()} />}

      <form className="card preview-form" onSubmit={submit} noValidate data-testid="preview-form">
        <div className="preview-row persona-row">
          <Field label="Surface" htmlFor="p-surface" error={problems.surface}>
            <select
              id="p-surface"
              className="input select"
              value={surfaceKey}
              onChange={(e) => setSurface(e.target.value)}
              disabled={!surfaces.data}
              data-testid="preview-surface"
            >
              {!surfaces.data && <option value="">Loading…</option>}
              {surfaces.data && surfaceKey && !surface && <option value={surfaceKey}>{surfaceKey} (not found)</option>}
              {surfaces.data?.map((s) => (
                <option key={s.key} value={s.key}>
                  {surfaces.data!.some((o) => o.key !== s.key && o.name === s.name) ? `${s.name} (${s.key})` : s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="User id" htmlFor="p-user" error={problems.userId ?? problems['persona.userId']}>
            <div className="input-with-button">
              <input
                id="p-user"
                className="input mono"
                value={persona.userId}
                onChange={(e) => setPersona((p) => ({ ...p, userId: e.target.value }))}
                aria-invalid={!!problems.userId}
                data-testid="p-user"
              />
              <button
                type="button"
                className="icon-btn"
                title="A new first-time user"
                aria-label="A new first-time user"
                onClick={() => setPersona((p) => ({ ...p, userId: `preview-${Math.random().toString(36).slice(2, 8)}` }))}
              >
                <Icon name="refresh" size={14} />
              </button>
            </div>
          </Field>
          <Field label="Locale" htmlFor="p-locale" error={problems.locale ?? problems['persona.locale']}>
            <input
              id="p-locale"
              className="input"
              list="p-locales"
              placeholder="Any"
              value={persona.locale}
              onChange={(e) => setPersona((p) => ({ ...p, locale: e.target.value }))}
              aria-invalid={!!problems.locale}
              data-testid="p-locale"
            />
            <datalist id="p-locales">
              {COMMON_LOCALES.map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
          </Field>
          <Field label="Platform" htmlFor="p-platform">
            <select
              id="p-platform"
              className="input select"
              value={persona.platform}
              onChange={(e) => setPersona((p) => ({ ...p, platform: e.target.value }))}
              data-testid="p-platform"
            >
              <option value="">Any</option>
              {PLATFORMS.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Tier" htmlFor="p-tier">
            <select
              id="p-tier"
              className="input select"
              value={persona.tier}
              onChange={(e) => setPersona((p) => ({ ...p, tier: e.target.value }))}
              title="Without a tier, the engine treats the user as free"
              data-testid="p-tier"
            >
              <option value="">Not sent</option>
              {TIERS.map((t) => (
                <option key={t.key} value={t.key}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="App version" htmlFor="p-app">
            <input
              id="p-app"
              className="input"
              placeholder="Any"
              value={persona.appVersion}
              onChange={(e) => setPersona((p) => ({ ...p, appVersion: e.target.value }))}
              data-testid="p-app"
            />
          </Field>
          <Field label="Device time" htmlFor="p-time">
            <input
              id="p-time"
              className="input"
              type="time"
              value={persona.localTime}
              onChange={(e) => setPersona((p) => ({ ...p, localTime: e.target.value }))}
              title="The device's time of day, a feature of the model; sent with your zone's offset. Empty: not used."
              data-testid="p-time"
            />
          </Field>
        </div>

        <div className="preview-row when-row">
          <div className="field when-field">
            <span className="field-label">Instant</span>
            <div className="inline-controls">
              <div className="segmented" role="radiogroup" aria-label="Instant">
                {(['now', 'at'] as const).map((m) => (
                  <label key={m} className={`segment ${mode === m ? 'is-active' : ''}`}>
                    <input
                      type="radio"
                      name="instant-mode"
                      checked={mode === m}
                      onChange={() => {
                        setMode(m);
                        if (m === 'at' && !at) setAt(localDateTimeIn(Date.now() + 86_400_000, zone, false));
                      }}
                      data-testid={`p-mode-${m}`}
                    />
                    {m === 'now' ? 'Now' : 'Later'}
                  </label>
                ))}
              </div>
              {mode === 'at' && (
                <input
                  id="p-at"
                  className="input p-at"
                  type="datetime-local"
                  step={1}
                  value={at}
                  onChange={(e) => setAt(e.target.value)}
                  aria-label={`Date and time in your zone, ${zone}`}
                  aria-invalid={!!problems.instant}
                  data-testid="p-at"
                />
              )}
            </div>
          </div>
          <div className="field draw-field">
            <span className="field-label">Random draw</span>
            <div className="inline-controls">
              <div className="segmented" role="radiogroup" aria-label="Random draw">
                {(['new', 'fixed'] as const).map((m) => (
                  <label key={m} className={`segment ${seedMode === m ? 'is-active' : ''}`}>
                    <input
                      type="radio"
                      name="seed-mode"
                      checked={seedMode === m}
                      onChange={() => {
                        setSeedMode(m);
                        if (m === 'fixed' && !seed) setSeed(String(result?.request.seed ?? randomSeed()));
                      }}
                      data-testid={`p-seed-${m}`}
                    />
                    {m === 'new' ? 'New each run' : 'Fixed seed'}
                  </label>
                ))}
              </div>
              {seedMode === 'fixed' && (
                <input
                  id="p-seed"
                  className="input mono p-seed"
                  inputMode="numeric"
                  aria-label="Seed"
                  value={seed}
                  onChange={(e) => setSeed(e.target.value)}
                  aria-invalid={!!problems.seed}
                  data-testid="p-seed"
                />
              )}
            </div>
          </div>
          <div className="filter-spacer" />
          <Button type="submit" variant="primary" icon="eye" loading={loading} disabled={!surfaceKey} data-testid="preview-run">
            Show slate
          </Button>
        </div>
        {(problems.instant || problems.seed) && (
          <div className="preview-row-errors">
            {[problems.instant, problems.seed].filter(Boolean).map((m) => (
              <p key={m} className="field-error" role="alert">
                {m}
              </p>
            ))}
          </div>
        )}

        <div className="preview-row picks-row" data-testid="release-picks">
          <span className="field-label">Scheduled releases</span>
          {releases.loading && !releases.data && (
            <span className="muted small">
              <Spinner size={12} /> Loading…
            </span>
          )}
          {releases.data && upcoming.length === 0 && <span className="muted small">None scheduled. Choose “Later” to preview any future moment.</span>}
          {upcoming.map((r) => (
            <button
              key={r.id}
              type="button"
              className="release-pick"
              onClick={() => pickRelease(r.scheduledAt!)}
              data-testid="release-pick"
              data-instant={r.scheduledAt}
              title={`Preview the moment "${r.name}" launches`}
            >
              <Icon name="calendar" size={14} />
              <span className="release-pick-name truncate">{r.name}</span>
              <span className="release-pick-when">{formatInZone(r.scheduledAt!, zone, { weekday: false })}</span>
            </button>
          ))}
          <span className="muted small picks-help">
            {seedMode === 'fixed'
              ? 'A fixed seed makes the same random choices, to compare personas or instants on one draw.'
              : 'Each run draws anew, like real requests; fix the seed to compare on one draw.'}{' '}
            Times in your zone, {zone}.
          </span>
        </div>
      </form>

      <div className="preview-results">
        <section className="card slate-card" data-testid="slate-card" data-state={loading ? 'loading' : error ? 'error' : preview ? 'ready' : 'idle'}>
          <div className="card-header">
            <div className="slate-heading">
              <h2>{surface ? `${surface.name} slate` : 'Slate'}</h2>
              {result && (
                <span className="muted small truncate" data-testid="slate-caption">
                  {describePersona(result.request.persona)} · {result.request.instant ? formatInZone(result.request.instant, zone, { weekday: false }) : 'now'}
                </span>
              )}
            </div>
            <div className="row-actions">
              {loading && <Spinner size={14} />}
              <Button
                size="sm"
                icon="shuffle"
                onClick={() => void run({ reroll: true })}
                disabled={!surfaceKey || loading}
                title="Draw again with a new seed"
                data-testid="preview-reroll"
              >
                Re-roll
              </Button>
            </div>
          </div>
          {error && (
            <div className="card-body">
              <ErrorBanner error={error} unplaced={unplacedProblems} onRetry={() => void run()} />
              {error.problems.some((p) => p.field === 'surface') && (
                <p className="muted small slate-hint">
                  A surface created or enabled in the last few seconds appears once the engine refreshes its state; try again in a moment.
                </p>
              )}
            </div>
          )}
          {preview && (
            <dl className="preview-facts" data-testid="preview-facts">
              <div>
                <dt>Instant</dt>
                <dd data-testid="preview-instant" data-instant={preview.instant}>
                  {future ? formatInZone(preview.instant, zone, { weekday: false }) : 'Now'}
                </dd>
              </div>
              <div>
                <dt>Eligible</dt>
                <dd>
                  {preview.eligible} <span className="muted">of {preview.candidates} candidates</span>
                </dd>
              </div>
              <div>
                <dt>Seed</dt>
                <dd>
                  <code className="slug-inline" data-testid="preview-seed">
                    {preview.seed}
                  </code>
                  {seedMode === 'new' && (
                    <button
                      type="button"
                      className="link-btn small keep-seed"
                      onClick={() => {
                        setSeedMode('fixed');
                        setSeed(String(result!.request.seed));
                      }}
                      data-testid="keep-seed"
                    >
                      Keep
                    </button>
                  )}
                </dd>
              </div>
              <div className="fact-wide">
                <dt>Policy</dt>
                <dd className="truncate" title={`${preview.policyVersion}, engine state revision ${preview.stateRevision}`}>
                  <code className="slug-inline">{preview.policyVersion}</code> <span className="muted">rev {preview.stateRevision}</span>
                </dd>
              </div>
            </dl>
          )}
          {future && preview && (
            <div className="slate-note small" data-testid="future-note">
              <Icon name="calendar" size={14} />
              <span>
                At this moment, scheduled releases that launch by then apply
                {scheduledCount
                  ? `: ${scheduledCount} ${scheduledCount === 1 ? 'item is' : 'items are'} marked Scheduled`
                  : ', but none of their items made this slate'}
                . What the model has learned is as of now.
              </span>
            </div>
          )}
          {!preview && loading && (
            <table className="table slate-table">
              <tbody>
                <SkeletonRows cols={5} rows={6} />
              </tbody>
            </table>
          )}
          {!preview && !loading && !error && !surfaces.data && <LoadingState label="Loading surfaces…" />}
          {preview && preview.entries.length > 0 && (
            <SlateTable entries={preview.entries} kindLabel={kindLabel} previous={previous?.preview.entries ?? null} stale={loading} />
          )}
          {preview && preview.entries.length === 0 && (
            <EmptyState icon="inbox" title="Nothing for this persona" testId="slate-empty">
              No live item matches this surface's candidates and suits this persona ({describePersona(result!.request.persona)}). Try another locale, platform
              or tier, or a later instant.
            </EmptyState>
          )}
          {preview && (
            <div className="slate-note small" data-testid="nearest-titles">
              <Icon name="users" size={14} />
              {preview.nearestTitles.length === 0 ? (
                <span>No learned taste for this person on this surface yet: the slate comes from the shared model and the request context.</span>
              ) : (
                <span>
                  Nearest titles to this person's taste (from {preview.personEvents} of their events):{' '}
                  {preview.nearestTitles.map((t, i) => (
                    <span
                      key={t.itemId}
                      data-testid="nearest-title"
                      title={`Taste lift ${t.affinity.toFixed(2)} (probit units)${t.inSlate ? ', in this slate' : ', not in this slate'}`}
                    >
                      {i > 0 ? ', ' : ''}
                      {t.inSlate ? <strong>{t.title}</strong> : t.title}
                    </span>
                  ))}
                  . Bold ones are in the slate.
                </span>
              )}
            </div>
          )}
          {previous && preview && (
            <p className="muted small slate-compare" data-testid="slate-compare">
              “Change” compares with the previous slate: {describePersona(previous.request.persona)} ·{' '}
              {previous.request.instant ? formatInZone(previous.request.instant, zone, { weekday: false }) : 'now'} · seed {previous.request.seed}
              {previous.request.seed === result!.request.seed ? ' (same draw)' : ''}.
            </p>
          )}
        </section>
        <ReasonLegend counts={counts} />
      </div>
    </div>
  );
}
