import { FieldProblem, InputError } from '@marquee/platform-core';

export type OpeErrorReason =
  | 'MISSING_COLUMNS'
  | 'BAD_VALUE'
  | 'BAD_PROPENSITY'
  | 'EMPTY_WINDOW'
  | 'UNKNOWN_ITEM'
  | 'BAD_POLICY_OUTPUT'
  | 'UNKNOWN_POLICY'
  | 'BAD_OPTION'
  | 'UNREADABLE_FILE';

// Raised before anything is written, so the caller can fix the input and retry; BAD_USER_INPUT to the API layer.
export class OpeInputError extends InputError {
  constructor(
    readonly reason: OpeErrorReason,
    message: string,
    problems: FieldProblem[] = [],
  ) {
    super(message, problems);
    this.name = 'OpeInputError';
  }
}

export function isOpeInputError(e: unknown): e is OpeInputError {
  return e instanceof OpeInputError;
}
