import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { fetchImportJob, fetchImportJobs, IMPORT_TEMPLATE_URL, isImportRunning, uploadImport } from '../../api/imports';
import { toApiError, type ApiError } from '../../api/client';
import type { ImportJobDetail } from '../../api/types';
import { canWrite, useCurrentUser } from '../../auth/AuthContext';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { keys, useApiQuery, useDocumentTitle, useInvalidate } from '../../lib/hooks';
import { DropZone } from './DropZone';
import { ImportResult } from './ImportResult';
import { ImportStatusBadge } from './importStatus';

export function ImportPage() {
  useDocumentTitle('Import');
  const user = useCurrentUser();
  const toast = useToast();
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<ApiError | null>(null);
  const [job, setJob] = useState<ImportJobDetail | null>(null);
  const invalidate = useInvalidate();
  const recent = useApiQuery([...keys.imports, 'recent'], () => fetchImportJobs(15));
  const running = !!job && isImportRunning(job.state);
  // Progress every 500 ms while the job runs; a failed poll (a blip) keeps the last progress and polls on.
  const progress = useQuery({
    queryKey: [...keys.imports, 'job', job?.id],
    queryFn: () => fetchImportJob(job!.id),
    enabled: running,
    refetchInterval: 500,
    retry: true,
  });
  const polled = progress.data;

  useEffect(() => {
    if (!polled || !job || polled.id !== job.id || !isImportRunning(job.state)) return;
    setJob(polled);
    if (!isImportRunning(polled.state)) {
      void invalidate(keys.imports, keys.items);
      if (polled.state === 'SUCCEEDED')
        toast.success(`Import finished: ${polled.createdItems} created, ${polled.updatedItems} updated, ${polled.unchangedItems} unchanged.`);
      else if (polled.state === 'COMPLETED_WITH_ERRORS')
        toast.show(`Import finished with ${polled.failedRows} row${polled.failedRows === 1 ? '' : 's'} to fix.`);
      else if (polled.state === 'FAILED') toast.error('The import failed.');
    }
  }, [polled, job, invalidate, toast]);

  useEffect(() => setUploadError(null), [file]);

  if (!canWrite(user)) {
    return (
      <div className="page">
        <PageHeader title="Import" />
        <EmptyState icon="lock" title="Imports are for editors" testId="forbidden">
          Your role reads everything and changes nothing.
        </EmptyState>
      </div>
    );
  }

  const start = async () => {
    if (!file) return;
    setUploading(true);
    setUploadError(null);
    try {
      const r = await uploadImport(file);
      setJob({
        id: r.id,
        filename: file.name,
        format: '',
        source: 'studio',
        state: r.state,
        totalRows: r.totalRows,
        processedRows: 0,
        createdItems: 0,
        updatedItems: 0,
        unchangedItems: 0,
        failedRows: 0,
        failure: null,
        createdAt: new Date().toISOString(),
        finishedAt: null,
        errors: [],
      });
      setFile(null);
      void invalidate(keys.imports);
    } catch (e) {
      setUploadError(toApiError(e));
    } finally {
      setUploading(false);
    }
  };

  const open = async (id: string) => {
    try {
      setJob(await fetchImportJob(id));
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } catch (e) {
      toast.error(toApiError(e).message);
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Import"
        subtitle="Create and update many items at once from a CSV or JSON Lines file."
        actions={
          <a className="btn btn-secondary" href={IMPORT_TEMPLATE_URL} download="marquee-import-template.csv" data-testid="import-template">
            <Icon name="download" /> CSV template
          </a>
        }
      />
      <div className="import-grid">
        <section className="card">
          <div className="card-header">
            <h2>Upload a file</h2>
          </div>
          <div className="card-body form-stack">
            <DropZone file={file} onFile={setFile} disabled={uploading} />
            {uploadError && <ErrorBanner error={uploadError} />}
            <div className="row-end">
              <Button variant="primary" icon="upload" disabled={!file} loading={uploading} onClick={start} data-testid="import-start">
                Start import
              </Button>
            </div>
          </div>
        </section>
        <section className="card import-help">
          <div className="card-header">
            <h2>File format</h2>
          </div>
          <div className="card-body small">
            <p>One item per row. The first row names the columns:</p>
            <ul className="help-list">
              <li>
                <code>slug</code>, <code>kind</code>, <code>default_locale</code>, <code>locales</code> (<code>en|de</code>)
              </li>
              <li>
                <code>title.en</code>, <code>subtitle.en</code>, <code>description.en</code> — one set per locale
              </li>
              <li>
                <code>duration</code> in seconds or <code>mm:ss</code>
              </li>
              <li>
                <code>audio_url</code>, <code>video_url</code>, <code>artwork_url</code>
              </li>
              <li>
                <code>topics</code>, <code>collections</code>, <code>platforms</code> separated by <code>|</code>
              </li>
              <li>
                <code>attr.narrator</code> and other kind attributes
              </li>
            </ul>
            <p className="muted">JSON Lines files hold one item object per line, shaped like the API's ItemInput.</p>
          </div>
        </section>
      </div>

      {job && <ImportResult job={job} />}

      <section className="card" data-testid="recent-imports">
        <div className="card-header">
          <h2>Recent imports</h2>
          <Button size="sm" variant="ghost" icon="refresh" onClick={() => void recent.reload()} loading={recent.loading && !!recent.data}>
            Refresh
          </Button>
        </div>
        {recent.error ? (
          <div className="card-body">
            <ErrorBanner error={recent.error} onRetry={() => void recent.reload()} />
          </div>
        ) : recent.data && recent.data.length === 0 ? (
          <EmptyState icon="import" title="No imports yet">
            Imports you and your team run appear here with their results.
          </EmptyState>
        ) : (
          <table className="table table-hover">
            <thead>
              <tr>
                <th>File</th>
                <th>Status</th>
                <th className="num">Rows</th>
                <th className="num">Created</th>
                <th className="num">Updated</th>
                <th className="num">Unchanged</th>
                <th className="num">Errors</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {!recent.data && <SkeletonRows rows={3} cols={8} />}
              {recent.data?.map((j) => (
                <tr key={j.id} className={`row-link ${job?.id === j.id ? 'is-selected' : ''}`} onClick={() => void open(j.id)} data-testid="recent-import-row">
                  <td>
                    <span className="row-title">{j.filename}</span> <span className="muted small">{j.format.toUpperCase()}</span>
                  </td>
                  <td>
                    <ImportStatusBadge status={j.state} />
                  </td>
                  <td className="num">{j.totalRows}</td>
                  <td className="num">{j.createdItems}</td>
                  <td className="num">{j.updatedItems}</td>
                  <td className="num">{j.unchangedItems}</td>
                  <td className={`num ${j.failedRows ? 'text-danger' : ''}`}>{j.failedRows}</td>
                  <td className="nowrap">
                    <Time iso={j.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
