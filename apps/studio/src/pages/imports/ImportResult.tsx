import type { ImportJobDetail } from '../../api/types';
import { isImportRunning } from '../../api/imports';
import { Banner } from '../../components/Banner';
import { Time } from '../../components/Time';
import { ImportStatusBadge } from './importStatus';

/** One count of the import's summary. */
function Stat({ value, label, testId, danger = false }: { value: number; label: string; testId: string; danger?: boolean }) {
  return (
    <div className={`stat ${danger ? 'stat-danger' : ''}`}>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

/** Progress while an import runs, then its summary and per-row errors. */
export function ImportResult({ job }: { job: ImportJobDetail }) {
  const running = isImportRunning(job.state);
  const pct = job.totalRows ? Math.min(100, Math.round((job.processedRows / job.totalRows) * 100)) : running ? 0 : 100;
  return (
    <section className="card" data-testid="import-result">
      <div className="card-header">
        <h2 className="truncate">{job.filename}</h2>
        <ImportStatusBadge status={job.state} />
      </div>
      <div className="card-body form-stack">
        <div>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="import-progress">
            <div className={`progress-bar ${running ? 'is-running' : ''} ${job.state === 'FAILED' ? 'is-failed' : ''}`} style={{ width: `${pct}%` }} />
          </div>
          <div className="progress-label muted small">
            <span data-testid="import-rows">
              {job.processedRows.toLocaleString('en')} of {job.totalRows.toLocaleString('en')} rows
            </span>
            <span>
              {running ? (
                `${pct}%`
              ) : job.finishedAt ? (
                <>
                  Finished <Time iso={job.finishedAt} />
                </>
              ) : null}
            </span>
          </div>
        </div>
        <div className="stats" data-testid="import-summary">
          <Stat value={job.createdItems} label="created" testId="import-created" />
          <Stat value={job.updatedItems} label="updated" testId="import-updated" />
          <Stat value={job.unchangedItems} label="unchanged" testId="import-unchanged" />
          <Stat value={job.failedRows} label="rows with errors" testId="import-failed" danger={job.failedRows > 0} />
        </div>
        {job.failure && (
          <Banner tone="error" title="The import failed" testId="import-failure">
            {job.failure}
          </Banner>
        )}
        {job.state === 'SUCCEEDED' && (
          <Banner tone="success">Every row was imported. New items are drafts; updated items have a new version; unchanged rows wrote nothing.</Banner>
        )}
      </div>
      {job.errors.length > 0 && (
        <>
          <div className="card-subheader">
            <h3>Rows with errors</h3>
            <span className="muted small">Fix these rows in your file and import it again; rows that worked are not duplicated.</span>
          </div>
          <table className="table table-hover" data-testid="import-errors">
            <thead>
              <tr>
                <th className="num" style={{ width: 70 }}>
                  Row
                </th>
                <th style={{ width: '24%' }}>Slug</th>
                <th style={{ width: '24%' }}>Field</th>
                <th>Problem</th>
              </tr>
            </thead>
            <tbody>
              {job.errors.flatMap((e) =>
                (e.problems.length ? e.problems : [{ field: '', message: 'could not be imported' }]).map((p, i) => (
                  <tr key={`${e.row}-${i}`} data-testid="import-error-row">
                    <td className="num">{i === 0 ? e.row : ''}</td>
                    <td>{i === 0 && (e.slug ? <code>{e.slug}</code> : <span className="muted">—</span>)}</td>
                    <td>
                      <code>{p.field || '—'}</code>
                    </td>
                    <td>{p.message}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
