import type { InputHTMLAttributes, ReactNode } from 'react';

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

type TextFieldProps = Omit<FieldProps, 'children' | 'htmlFor' | 'testId'> &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'className'> & {
    /** The input's id, its data-testid and (as `error-<id>`) its error's test id. */
    id: string;
    value: string;
    onChange: (value: string) => void;
    /** The input's class ("input" unless given); `className` is the field's. */
    inputClassName?: string;
  };

/** A Field around one text input: id, test id and aria-invalid follow from `id` and `error`. */
export function TextField({ id, label, requirement, hint, error, className, inputClassName = 'input', value, onChange, ...input }: TextFieldProps) {
  return (
    <Field label={label} htmlFor={id} requirement={requirement} hint={hint} error={error} className={className}>
      <input {...input} className={inputClassName} id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!!error} data-testid={id} />
    </Field>
  );
}
