import { useState, type FormEvent } from 'react';
import { createSurface } from '../../api/placement';
import type { Surface } from '../../api/types';
import { Field } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../lib/hooks';

const KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** "Sleep tab" → "sleep-tab": a suggestion for the key while the admin has not typed one. */
function keyFrom(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** Admins add a surface: key, name and slots; every other setting starts from the defaults and is edited on its page. */
export function NewSurfaceDialog({ onClose, onCreated }: { onClose(): void; onCreated(s: Surface): void }) {
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(false);
  const [slots, setSlots] = useState('12');
  const [description, setDescription] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, submit: send } = useSubmit();

  const effectiveKey = keyTouched ? key : keyFrom(name);
  const problems = { ...(error?.problemMap() ?? {}), ...local };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'Give the surface a name.';
    if (!KEY.test(effectiveKey)) errs.key = 'Lowercase letters, digits, "-" or "_", up to 40, starting with a letter or digit.';
    const n = Number(slots);
    if (!/^\d+$/.test(slots.trim()) || n < 1 || n > 100) errs.slots = 'A whole number from 1 to 100.';
    setLocal(errs);
    if (Object.keys(errs).length) return;
    await send(async () => {
      const s = await createSurface(effectiveKey, name.trim(), n, { description: description.trim() || null });
      onCreated(s);
      onClose();
    });
  };

  return (
    <FormDialog
      title="New surface"
      testId="new-surface-dialog"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="new-surface-form"
      submitLabel="Create surface"
      submitTestId="new-surface-submit"
      error={error}
      placed={['key', 'name', 'slots', 'description']}
    >
      <Field label="Name" htmlFor="ns-name" requirement="required" error={problems.name} hint='What editors call it, e.g. "Focus tab".'>
        <input
          id="ns-name"
          className="input"
          maxLength={80}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={!!problems.name}
          data-testid="ns-name"
        />
      </Field>
      <div className="form-grid new-surface-grid">
        <Field label="Key" htmlFor="ns-key" requirement="required" error={problems.key} hint="What client apps send as surface. It cannot change later.">
          <input
            id="ns-key"
            className="input mono"
            maxLength={40}
            value={effectiveKey}
            onChange={(e) => {
              setKeyTouched(true);
              setKey(e.target.value);
            }}
            aria-invalid={!!problems.key}
            data-testid="ns-key"
          />
        </Field>
        <Field label="Slots" htmlFor="ns-slots" requirement="required" error={problems.slots} hint="Items per slate, 1 to 100.">
          <input
            id="ns-slots"
            className="input"
            type="number"
            min={1}
            max={100}
            value={slots}
            onChange={(e) => setSlots(e.target.value)}
            aria-invalid={!!problems.slots}
            data-testid="ns-slots"
          />
        </Field>
      </div>
      <Field label="Description" htmlFor="ns-description" requirement="optional">
        <textarea
          id="ns-description"
          className="input"
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="ns-description"
        />
      </Field>
      <p className="muted small">
        It starts with every live item as a candidate, a 10% exploration budget with a 2% random floor, automatic test quotas and 14-day tests. Change any of it
        on the next page.
      </p>
    </FormDialog>
  );
}
