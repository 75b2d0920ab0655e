import type { ReactNode } from 'react';

export type FieldRequirement = 'required' | 'optional' | 'none' | undefined;

interface FieldProps {
  label: ReactNode;
  htmlFor?: string;
  /** "required" adds a marker; "optional" a quiet tag. */
  requirement?: FieldRequirement;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}

/** Label, control, hint and inline error, laid out the same everywhere. */
export function Field({ label, htmlFor, requirement, hint, error, children, className, testId }: FieldProps) {
  return (
    <div className={`field ${error ? 'has-error' : ''} ${className ?? ''}`} data-testid={testId}>
      <label className="field-label" htmlFor={htmlFor}>
        {label}
        {requirement === 'required' && (
          <span className="req" title="Required before launch" aria-label="required">
            *
          </span>
        )}
        {requirement === 'optional' && <span className="opt">optional</span>}
      </label>
      {children}
      {error ? (
        <p className="field-error" role="alert" data-testid={htmlFor ? `error-${htmlFor}` : undefined}>
          {error}
        </p>
      ) : (
        hint && <p className="field-hint">{hint}</p>
      )}
    </div>
  );
}
