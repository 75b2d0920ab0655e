import type { ImportJobState } from '../../api/types';
import { Badge, type Tone } from '../../components/Badge';

const STATE: Record<ImportJobState, { label: string; tone: Tone }> = {
  QUEUED: { label: 'Queued', tone: 'neutral' },
  RUNNING: { label: 'Running', tone: 'accent' },
  SUCCEEDED: { label: 'Succeeded', tone: 'success' },
  COMPLETED_WITH_ERRORS: { label: 'Completed with errors', tone: 'warning' },
  FAILED: { label: 'Failed', tone: 'danger' },
};

export function ImportStatusBadge({ status }: { status: ImportJobState }) {
  const s = STATE[status] ?? { label: status, tone: 'neutral' as Tone };
  return (
    <Badge tone={s.tone} testId="import-status">
      {s.label}
    </Badge>
  );
}
