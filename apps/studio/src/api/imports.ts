import { gql, rest } from './client';
import { graphql } from './generated';
import type { ImportJob, ImportJobDetail, ImportJobState } from './types';

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ImportJobFields = graphql(`
  fragment ImportJobFields on ImportJob {
    id
    filename
    format
    source
    state
    totalRows
    processedRows
    createdItems
    updatedItems
    unchangedItems
    failedRows
    failure
    createdAt
    finishedAt
  }
`);

const ImportJobQuery = graphql(`
  query ImportJob($id: ID!) {
    importJob(id: $id) {
      ...ImportJobFields
      errors {
        row
        slug
        problems {
          field
          message
        }
      }
    }
  }
`);

const ImportJobsQuery = graphql(`
  query ImportJobs($limit: Int) {
    importJobs(limit: $limit) {
      ...ImportJobFields
    }
  }
`);

export const IMPORT_TEMPLATE_URL = '/api/imports/template.csv';

function importContentType(filename: string): string {
  return /\.(jsonl|ndjson|json)$/i.test(filename) ? 'application/x-ndjson' : 'text/csv';
}

export async function uploadImport(file: File): Promise<{ id: string; state: ImportJobState; totalRows: number }> {
  return rest(`/api/imports?filename=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    body: file,
    headers: { 'content-type': importContentType(file.name) },
  });
}

export async function fetchImportJob(id: string): Promise<ImportJobDetail> {
  return (await gql(ImportJobQuery, { id })).importJob;
}

export async function fetchImportJobs(limit = 20): Promise<ImportJob[]> {
  return (await gql(ImportJobsQuery, { limit })).importJobs;
}

export function isImportRunning(state: ImportJobState): boolean {
  return state === 'QUEUED' || state === 'RUNNING';
}
