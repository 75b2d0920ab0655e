import { useState, type FormEvent } from 'react';
import { createRelease, updateRelease } from '../../api/launch';
import type { ReleaseDetail } from '../../api/types';
import { Field } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../lib/hooks';

/** Name and description: a new release, or the details of an existing one. */
export function ReleaseFormDialog({ release, onClose, onSaved }: { release?: ReleaseDetail; onClose(): void; onSaved(r: ReleaseDetail): void }) {
  const [name, setName] = useState(release?.name ?? '');
  const [description, setDescription] = useState(release?.description ?? '');
  const { busy, error, submit: send } = useSubmit();
  const [local, setLocal] = useState<string | undefined>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setLocal('Give the release a name.');
      return;
    }
    setLocal(undefined);
    await send(async () => {
      const input = { name: name.trim(), description: description.trim() || null };
      const r = release ? await updateRelease(release.id, input) : await createRelease(input);
      onSaved(r);
      onClose();
    });
  };

  return (
    <FormDialog
      title={release ? 'Release details' : 'New release'}
      testId="release-form-dialog"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="release-form"
      submitLabel={release ? 'Save' : 'Create release'}
      submitTestId="release-form-submit"
      error={error}
      placed={['name']}
    >
      <Field
        label="Name"
        htmlFor="release-name"
        requirement="required"
        error={local ?? error?.problemMap().name}
        hint='What it launches, e.g. "Autumn sleep stories".'
      >
        <input
          id="release-name"
          className="input"
          maxLength={120}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={!!(local ?? error?.problemMap().name)}
          data-testid="release-name"
        />
      </Field>
      <Field
        label="Description"
        htmlFor="release-description"
        requirement="optional"
        hint="Why, for whom, and anything reviewers or the next editor should know. At most 2,000 characters."
        error={error?.problemMap().description}
      >
        <textarea
          id="release-description"
          className="input"
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="release-description"
        />
      </Field>
      {!release && <p className="muted small">Next you add items, check validation, set the rollout and schedule it.</p>}
    </FormDialog>
  );
}
