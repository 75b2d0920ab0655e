import { useEffect, useState } from 'react';
import { setReleaseRollout } from '../../api/launch';
import type { Audience, ReleaseDetail } from '../../api/types';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { TagInput } from '../../components/TagInput';
import { useToast } from '../../components/Toast';
import { describeRollout, PLATFORMS } from './releaseText';
import { useSubmit } from '../../lib/hooks';

interface Props {
  release: ReleaseDetail;
  /** The user may change it (an editor, and the release is not rolled back or cancelled). */
  canEdit: boolean;
  onSaved(r: ReleaseDetail): void;
}

function sameAudience(a: Audience, b: Audience): boolean {
  const norm = (x: Audience) => JSON.stringify([[...x.locales].sort(), [...x.platforms].sort(), [...x.tiers].sort()]);
  return norm(a) === norm(b);
}

/**
 * Who gets the release: a share of users (by a stable hash of user and release) and an audience. Before launch
 * anything goes; after launch the share can only be raised and the audience is fixed.
 */
export function RolloutCard({ release, canEdit, onSaved }: Props) {
  const toast = useToast();
  const launched = release.state === 'LAUNCHED';
  const [percent, setPercent] = useState(release.rolloutPercent);
  const [audience, setAudience] = useState<Audience>(release.audience);
  const { busy, error, submit: send, clearError } = useSubmit();

  useEffect(() => {
    setPercent(release.rolloutPercent);
    setAudience(release.audience);
  }, [release.rolloutPercent, release.audience]);

  const min = launched ? release.rolloutPercent : 1;
  const dirty = percent !== release.rolloutPercent || !sameAudience(audience, release.audience);
  const audienceLocked = !canEdit || launched;
  const problems = error?.problemMap() ?? {};

  const save = async () => {
    await send(async () => {
      const r = await setReleaseRollout(release.id, percent, audience);
      onSaved(r);
      toast.success(`Rollout saved: ${describeRollout(r.rolloutPercent, r.audience)}.`);
    });
  };

  const clamp = (n: number) => Math.max(min, Math.min(100, Math.round(n)));

  return (
    <section className="card" data-testid="rollout-card">
      <div className="card-header">
        <h2>Rollout</h2>
        <span className="muted small" data-testid="rollout-summary">
          {describeRollout(release.rolloutPercent, release.audience)}
        </span>
      </div>
      <div className="card-body form-stack">
        {error && !error.problems.length && <ErrorBanner error={error} onDismiss={() => clearError()} />}
        {!canEdit ? (
          <p className="rollout-static" data-testid="rollout-static">
            <strong>{release.rolloutPercent}%</strong> of users{release.rolloutPercent < 100 ? ', chosen by a stable hash of user and release' : ''}.
          </p>
        ) : (
          <Field
            label="Share of users"
            htmlFor="rollout-percent"
            error={problems.percent}
            hint={
              launched
                ? release.rolloutPercent >= 100
                  ? 'Live to everyone in the audience. To withdraw it, roll the release back.'
                  : `Live to ${release.rolloutPercent}% now: the share can only be raised. To withdraw it, roll the release back.`
                : 'Each user is in or out by a stable hash of their id and this release, so raising the share only adds users.'
            }
          >
            <div className="rollout-row">
              <input
                type="range"
                className="rollout-slider"
                min={1}
                max={100}
                value={percent}
                disabled={launched && release.rolloutPercent >= 100}
                aria-label="Share of users (slider)"
                onChange={(e) => setPercent(clamp(Number(e.target.value)))}
                data-testid="rollout-slider"
              />
              <div className="rollout-input">
                <input
                  id="rollout-percent"
                  type="number"
                  className="input input-sm"
                  min={min}
                  max={100}
                  value={percent}
                  disabled={launched && release.rolloutPercent >= 100}
                  onChange={(e) => setPercent(e.target.value === '' ? min : clamp(Number(e.target.value)))}
                  data-testid="rollout-percent"
                />
                <span className="muted">%</span>
              </div>
            </div>
          </Field>
        )}
        {audienceLocked ? (
          <dl className="audience-summary" data-testid="rollout-audience">
            <div>
              <dt>Platforms</dt>
              <dd>
                {release.audience.platforms.length ? (
                  release.audience.platforms.map((p) => PLATFORMS.find((x) => x.key === p)?.label ?? p).join(', ')
                ) : (
                  <span className="muted">Every platform</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Locales</dt>
              <dd>{release.audience.locales.length ? release.audience.locales.join(', ') : <span className="muted">Every locale</span>}</dd>
            </div>
            <div>
              <dt>Tiers</dt>
              <dd>{release.audience.tiers.length ? release.audience.tiers.join(', ') : <span className="muted">Every tier</span>}</dd>
            </div>
          </dl>
        ) : (
          <div className="form-grid rollout-audience">
            <Field label="Platforms" hint="None checked: every platform." error={problems['audience.platforms']}>
              <div className="checks">
                {PLATFORMS.map((p) => (
                  <label key={p.key} className="check">
                    <input
                      type="checkbox"
                      checked={audience.platforms.includes(p.key)}
                      onChange={(e) =>
                        setAudience((a) => ({ ...a, platforms: e.target.checked ? [...a.platforms, p.key] : a.platforms.filter((x) => x !== p.key) }))
                      }
                      data-testid={`rollout-platform-${p.key}`}
                    />
                    {p.label}
                  </label>
                ))}
              </div>
            </Field>
            <Field label="Locales" htmlFor="rollout-locales" hint="e.g. en, de, pt-BR. Empty: every locale." error={problems['audience.locales']}>
              <TagInput
                id="rollout-locales"
                value={audience.locales}
                onChange={(locales) => setAudience((a) => ({ ...a, locales }))}
                placeholder="Any locale"
                invalid={!!problems['audience.locales']}
              />
            </Field>
            <Field label="Tiers" htmlFor="rollout-tiers" hint="e.g. free, premium. Empty: every tier.">
              <TagInput id="rollout-tiers" value={audience.tiers} onChange={(tiers) => setAudience((a) => ({ ...a, tiers }))} placeholder="Any tier" />
            </Field>
          </div>
        )}
        {launched && canEdit && release.rolloutPercent < 100 && (
          <p className="muted small">The audience of a launched release cannot change: roll it back and launch a new release for a different audience.</p>
        )}
        {canEdit && !(launched && release.rolloutPercent >= 100) && (
          <div className="row-end">
            {dirty && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  setPercent(release.rolloutPercent);
                  setAudience(release.audience);
                  clearError();
                }}
              >
                Reset
              </Button>
            )}
            <Button size="sm" variant={dirty ? 'primary' : 'secondary'} disabled={!dirty} loading={busy} onClick={() => void save()} data-testid="rollout-save">
              {launched ? 'Raise share' : 'Save rollout'}
            </Button>
          </div>
        )}
      </div>
    </section>
  );
}
