import type { FormEvent, ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { ErrorBanner } from './Banner';
import { Button } from './Button';
import { Modal } from './Modal';

interface FormDialogProps {
  title: string;
  testId: string;
  size?: 'sm' | 'md' | 'lg';
  /** While the form is being sent: the dialog cannot be closed and the submit button spins. */
  busy: boolean;
  onClose(): void;
  onSubmit(e: FormEvent): void;
  /** The form's id (the footer's submit button sits outside the form) and the submit button's label and test id. */
  formId: string;
  submitLabel: string;
  submitTestId: string;
  /** The last answer's error. Problems on the fields in `placed` show beside those fields; the banner shows the rest. */
  error: ApiError | null;
  placed?: readonly string[];
  children: ReactNode;
}

/** A dialog around one form: Cancel and the submit button in the footer, and the error banner above the fields. */
export function FormDialog({ title, testId, size, busy, onClose, onSubmit, formId, submitLabel, submitTestId, error, placed = [], children }: FormDialogProps) {
  const unplaced = error ? error.problems.filter((p) => !placed.includes(p.field)) : [];
  return (
    <Modal
      title={title}
      onClose={onClose}
      size={size}
      busy={busy}
      testId={testId}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form={formId} loading={busy} data-testid={submitTestId}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form id={formId} className="form-stack" onSubmit={onSubmit} noValidate>
        {error && (!error.problems.length || unplaced.length > 0) && <ErrorBanner error={error} unplaced={unplaced} />}
        {children}
      </form>
    </Modal>
  );
}
