import { useState, type FormEvent } from 'react';
import { trainModel } from '../../api/analytics';
import type { ModelVersion, Surface } from '../../api/types';
import { TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../lib/hooks';
import { LogDaysField, logDaysProblem } from './analyticsParts';

/** Admins queue a training run on a surface's recent logs; the gate and (by default) the canary follow on their own. */
export function TrainDialog({ surface, onClose, onQueued }: { surface: Surface; onClose(): void; onQueued(m: ModelVersion): void }) {
  const [days, setDays] = useState('30');
  const [epochs, setEpochs] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, submit: send } = useSubmit();
  const problems = { ...(error?.problemMap() ?? {}), ...local };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const d = Number(days);
    const daysProblem = logDaysProblem(days);
    if (daysProblem) errs.days = daysProblem;
    const ep = epochs.trim() === '' ? null : Number(epochs);
    if (ep !== null && (!/^\d+$/.test(epochs.trim()) || ep < 1 || ep > 50)) errs.epochs = 'A whole number from 1 to 50, or empty for the default.';
    setLocal(errs);
    if (Object.keys(errs).length) return;
    await send(async () => {
      const m = await trainModel(surface.key, d, ep);
      onQueued(m);
      onClose();
    });
  };

  return (
    <FormDialog
      title={`Train a model for ${surface.name}`}
      testId="train-dialog"
      size="sm"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="train-form"
      submitLabel="Start training"
      submitTestId="train-submit"
      error={error}
      placed={['days', 'epochs']}
    >
      <p className="muted small">
        The worker trains a TensorFlow.js reward model on the surface's logged impressions, checks it against the live policy offline (the gate), and — when it
        passes — puts it on a canary share of traffic. Progress shows in the table.
      </p>
      <LogDaysField
        id="tr-days"
        value={days}
        onChange={setDays}
        error={problems.days}
        hint="Days of impressions to learn from (1 to 90); the newest is held out to measure it."
      />
      <TextField
        label="Epochs"
        id="tr-epochs"
        requirement="optional"
        error={problems.epochs}
        hint="Passes over the data; empty uses the trainer's default."
        inputClassName="input input-xnarrow"
        inputMode="numeric"
        value={epochs}
        onChange={setEpochs}
      />
    </FormDialog>
  );
}
