import type { ContentKind } from '../../api/types';
import type { ItemForm } from './form';

export interface SectionProps {
  form: ItemForm;
  kind: ContentKind | undefined;
  onChange(patch: Partial<ItemForm>): void;
  errors: Record<string, string>;
  readOnly: boolean;
}

/** Errors for list entries (`topics[2]`) keyed by index. */
export function indexedErrors(errors: Record<string, string>, field: string): Record<number, string> {
  const out: Record<number, string> = {};
  const re = new RegExp(`^${field}\\[(\\d+)\\]$`);
  for (const [k, v] of Object.entries(errors)) {
    const m = re.exec(k);
    if (m) out[Number(m[1])] = v;
  }
  return out;
}

export function firstIndexed(errors: Record<string, string>, field: string): string | undefined {
  const e = indexedErrors(errors, field);
  const keys = Object.keys(e);
  return errors[field] ?? (keys.length ? e[Number(keys[0])] : undefined);
}
