import { gql, rest } from './client';
import type { ImportJob, ImportJobDetail } from './types';

const JOB = 'id filename format source status totalRows processedRows createdItems updatedItems failedRows failure createdAt finishedAt';

export const IMPORT_TEMPLATE_URL = '/api/imports/template.csv';

export function importContentType(filename: string): string {
  return /\.(jsonl|ndjson|json)$/i.test(filename) ? 'application/x-ndjson' : 'text/csv';
}

export async function uploadImport(file: File): Promise<{ id: string; status: string; totalRows: number }> {
  return rest(`/api/imports?filename=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    body: file,
    headers: { 'content-type': importContentType(file.name) },
  });
}

export async function fetchImportJob(id: string): Promise<ImportJobDetail> {
  const d = await gql<{ importJob: ImportJobDetail }>(`query ImportJob($id: ID!) { importJob(id: $id) { ${JOB} errors { row slug problems { field message } } } }`, { id });
  return d.importJob;
}

export async function fetchImportJobs(limit = 20): Promise<ImportJob[]> {
  const d = await gql<{ importJobs: ImportJob[] }>(`query ImportJobs($limit: Int) { importJobs(limit: $limit) { ${JOB} } }`, { limit });
  return d.importJobs;
}

export function isImportRunning(status: string): boolean {
  return status === 'queued' || status === 'running';
}
