import { FieldProblem, InputError } from '@marquee/platform-core';

// Raised before training starts, so nothing is written.
export class TrainingInputError extends InputError {
  constructor(message: string, problems: FieldProblem[] = []) {
    super(message, problems);
    this.name = 'TrainingInputError';
  }
}

export function isTrainingInputError(e: unknown): e is TrainingInputError {
  return e instanceof TrainingInputError;
}
