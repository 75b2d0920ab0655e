import { useState, type FormEvent } from 'react';
import { evaluatePolicy, fetchModelVersions } from '../../api/analytics';
import { OPE_TARGETS, type OpeRun, type OpeTarget, type Surface } from '../../api/types';
import { Field, TextField } from '../../components/Field';
import { keys, useApiQuery, useSubmit } from '../../lib/hooks';
import { OPE_TARGET_TEXT, modelStatusText } from './analyticsText';
import { LogDaysField, logDaysProblem } from './analyticsParts';
import { FormDialog } from '../../components/FormDialog';

const PLACED = ['target', 'modelId', 'days', 'config'];

/** Admins queue an offline evaluation of a policy on the surface's recent logs; the worker runs it. */
export function EvaluateDialog({
  surface,
  initialModelId,
  onClose,
  onQueued,
}: {
  surface: Surface;
  initialModelId?: string | null;
  onClose(): void;
  onQueued(run: OpeRun): void;
}) {
  const [target, setTarget] = useState<OpeTarget>(initialModelId ? 'MODEL' : 'CURRENT');
  const [modelId, setModelId] = useState(initialModelId ?? '');
  const [days, setDays] = useState('7');
  const [budget, setBudget] = useState(String(Math.round(surface.explorationBudget * 1000) / 10));
  const [floor, setFloor] = useState(String(Math.round(surface.randomFloor * 1000) / 10));
  const [slots, setSlots] = useState(String(surface.slots));
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, submit: send } = useSubmit();
  // Models with trained weights can be evaluated.
  const models = useApiQuery([...keys.models, surface.key, 'evaluable'], async () =>
    (await fetchModelVersions(surface.key)).filter((m) => m.metrics && m.status !== 'TRAINING' && m.status !== 'FAILED'),
  );
  const problems = { ...(error?.problemMap() ?? {}), ...local };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const d = Number(days);
    const daysProblem = logDaysProblem(days);
    if (daysProblem) errs.days = daysProblem;
    if (target === 'MODEL' && !modelId) errs.modelId = 'Choose the model version to evaluate.';
    let config: Record<string, number> | null = null;
    if (target === 'CONFIG') {
      const b = Number(budget) / 100;
      const f = Number(floor) / 100;
      const s = Number(slots);
      if (!(b >= 0 && b <= 0.5) || budget.trim() === '') errs.budget = 'From 0% to 50%.';
      if (!(f >= 0 && f <= b) || floor.trim() === '') errs.floor = 'From 0% up to the budget.';
      if (!/^\d+$/.test(slots.trim()) || s < 1 || s > 100) errs.slots = 'A whole number from 1 to 100.';
      config = {};
      if (b !== surface.explorationBudget) config.explorationBudget = b;
      if (f !== surface.randomFloor) config.randomFloor = f;
      if (s !== surface.slots) config.slots = s;
      if (!errs.budget && !errs.floor && !errs.slots && Object.keys(config).length === 0)
        errs.config = 'Change at least one setting: with the live settings this is the live policy.';
    }
    setLocal(errs);
    if (Object.keys(errs).length) return;
    await send(async () => {
      const run = await evaluatePolicy({ surface: surface.key, target, modelId: target === 'MODEL' ? modelId : null, config, days: d });
      onQueued(run);
      onClose();
    });
  };

  return (
    <FormDialog
      title={`Evaluate a policy on ${surface.name}`}
      testId="evaluate-dialog"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="evaluate-form"
      submitLabel="Queue evaluation"
      submitTestId="evaluate-submit"
      error={error}
      placed={PLACED}
    >
      <p className="muted small">
        Replays the surface's logged feeds under the chosen policy and estimates its success per impression with IPS, SNIPS, DM and DR, each with a bootstrap
        95% interval. It runs in the worker; progress shows in the runs table.
      </p>
      <Field label="Policy" htmlFor="ev-target" error={problems.target}>
        <div className="target-options" role="radiogroup" aria-label="Policy">
          {OPE_TARGETS.map((t) => (
            <label key={t} className={`target-option ${target === t ? 'is-active' : ''}`}>
              <input type="radio" name="ev-target" checked={target === t} onChange={() => setTarget(t)} data-testid={`ev-target-${t}`} />
              <span>
                <strong>{OPE_TARGET_TEXT[t].label}</strong>
                <span className="muted small">{OPE_TARGET_TEXT[t].help}</span>
              </span>
            </label>
          ))}
        </div>
      </Field>
      {target === 'MODEL' && (
        <Field
          label="Model version"
          htmlFor="ev-model"
          requirement="required"
          error={problems.modelId}
          hint={models.data && models.data.length === 0 ? 'No trained model on this surface yet: train one on the Models page.' : undefined}
        >
          <select
            id="ev-model"
            className="input select"
            value={modelId}
            onChange={(e) => setModelId(e.target.value)}
            aria-invalid={!!problems.modelId}
            data-testid="ev-model"
          >
            <option value="">{models.loading ? 'Loading…' : 'Choose a model'}</option>
            {(models.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.version} — {modelStatusText(m.status).label}
              </option>
            ))}
          </select>
        </Field>
      )}
      {target === 'CONFIG' && (
        <>
          <div className="form-grid config-grid">
            <TextField label="Exploration budget (%)" id="ev-budget" error={problems.budget} inputMode="decimal" value={budget} onChange={setBudget} />
            <TextField label="Random floor (%)" id="ev-floor" error={problems.floor} inputMode="decimal" value={floor} onChange={setFloor} />
            <TextField label="Slots" id="ev-slots" error={problems.slots} inputMode="numeric" value={slots} onChange={setSlots} />
          </div>
          {problems.config && (
            <p className="field-error" role="alert" data-testid="error-ev-config">
              {problems.config}
            </p>
          )}
        </>
      )}
      <LogDaysField
        id="ev-days"
        value={days}
        onChange={setDays}
        error={problems.days}
        hint="Days of logged feeds to evaluate on (1 to 90). The newest feeds are used first, up to the server's limit."
      />
    </FormDialog>
  );
}
