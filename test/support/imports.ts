import { gql } from './stack';
import { pollUntil } from './wait';

/** An import job as the Studio shows it once the worker has finished it. */
export type FinishedImport = {
  status: string;
  createdItems: number;
  failedRows: number;
  errors: { row: number; slug: string | null; problems: { field: string; message: string }[] }[];
};

/** Uploads a file to `/api/imports` as the Studio does (bearer session) and answers the import's id; expects 202. */
export async function uploadImport(apiUrl: string, token: string, filename: string, contentType: string, body: string): Promise<string> {
  const res = await fetch(`${apiUrl}/api/imports?filename=${filename}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body,
  });
  if (res.status !== 202) throw new Error(`upload of ${filename} answered ${res.status}, expected 202: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Waits (on the job's state, not a fixed time) until the worker has finished import `id`, and answers it. */
export function importFinished(apiUrl: string, token: string, id: string): Promise<FinishedImport> {
  return pollUntil(
    async () =>
      (
        await gql<{ importJob: FinishedImport }>(
          apiUrl,
          'query($id: ID!) { importJob(id: $id) { status createdItems failedRows errors { row slug problems { field message } } } }',
          { id },
          { token },
        )
      ).data!.importJob,
    (j) => !['queued', 'running'].includes(j.status),
    { what: `import ${id} to finish` },
  );
}
