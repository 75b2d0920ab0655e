import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '@marquee/audit';
import { InputError, NotFoundError, assertId, isDomainError, isUuid, Clock, stopwatch, unstorableText } from '@marquee/platform-core';
import { ImportJobEntity, ImportRowError } from '../entities/import-job.entity';
import { CatalogService } from '../services/catalog.service';
import { countImportRows, detectFormat, ImportFormat, ImportHeaderRepeats, ImportTooLarge, parseImport } from './parse';

export interface ImportProgress {
  total: number;
  processed: number;
  failed: number;
}

const MAX_STORED_ERRORS = 1000;
/** U+202A to U+202E (embeddings and overrides) and U+2066 to U+2069 (isolates). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * Imports items row by row. Each row is its own transaction through the same CatalogService as the editor,
 * so an invalid row writes nothing and the valid rows around it are kept. Progress is stored on the job row,
 * which is what the Studio polls and what lets a retried job resume where it stopped.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger('Import');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: CatalogService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, filename: string, content: string, source: ImportJobEntity['source'], format?: ImportFormat): Promise<ImportJobEntity> {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(filename))
      throw new InputError('The file name contains control characters (such as a NUL or a line break). Rename the file and upload it again.', [
        { field: 'filename', message: 'contains control characters' },
      ]);
    // Bidirectional controls make "gpj.exe" read as "exe.jpg" in the Studio's list and in logs.
    if (BIDI_CONTROLS.test(filename))
      throw new InputError(
        'The file name contains bidirectional control characters (U+202A to U+202E or U+2066 to U+2069), which change how it reads. Rename the file and upload it again.',
        [{ field: 'filename', message: 'contains bidirectional control characters' }],
      );
    const name = (filename || 'upload').slice(0, 200);
    if (!content.trim())
      throw new InputError('The file is empty. Choose a CSV or JSON Lines file with one item per row.', [{ field: 'file', message: 'is empty' }]);
    if (content.includes('\u0000'))
      throw new InputError(
        'The file contains NUL bytes, so it is not UTF-8 text: it may be saved as UTF-16 (some spreadsheet exports are) or be a binary file. Save it as "CSV UTF-8" or JSON Lines in UTF-8 and upload it again.',
        [{ field: 'file', message: 'is not UTF-8 text' }],
      );
    const fmt = format ?? detectFormat(name, content);
    // Bounded work before anything is stored: rows are counted (stopping one past the limit) and a CSV is parsed a
    // slice at a time, so a huge file is refused without holding the process. The worker builds the rows.
    let totalRows: number;
    try {
      totalRows = await countImportRows(content, fmt);
    } catch (e) {
      if (e instanceof ImportTooLarge) throw new InputError(e.message, [{ field: 'file', message: e.problem }]);
      if (e instanceof ImportHeaderRepeats) throw new InputError(e.message, [{ field: 'header', message: e.problem }]);
      throw new InputError(
        `The file could not be read as ${fmt === 'csv' ? 'CSV' : 'JSON Lines'}: ${(e as Error).message}. Fix the file and upload it again.`,
        [{ field: 'file', message: (e as Error).message }],
      );
    }
    if (totalRows === 0)
      throw new InputError(
        `The file has no item rows${fmt === 'csv' ? ', only a header' : ''}. Add one row per item (the CSV template, on the Studio's Import page or at /api/imports/template.csv, shows the columns) and upload it again.`,
        [{ field: 'file', message: 'has no rows' }],
      );
    return this.db.getRepository(ImportJobEntity).save({
      filename: name,
      format: fmt,
      source,
      status: 'queued',
      content,
      totalRows,
      createdBy: isUuid(actor.id) ? actor.id : null,
    });
  }

  async get(id: string): Promise<ImportJobEntity> {
    assertId('import', id);
    const job = await this.db.getRepository(ImportJobEntity).findOne({ where: { id } });
    if (!job) throw new NotFoundError('import', id);
    return job;
  }

  async list(limit = 20): Promise<ImportJobEntity[]> {
    return this.db.getRepository(ImportJobEntity).find({ order: { createdAt: 'DESC' }, take: limit });
  }

  async run(id: string, actor: Actor, onProgress?: (p: ImportProgress) => void): Promise<ImportJobEntity> {
    const repo = this.db.getRepository(ImportJobEntity);
    const job = await this.get(id);
    if (job.status === 'succeeded' || job.status === 'completed_with_errors' || job.status === 'failed') return job;
    if (job.content === null) {
      await repo.update(id, { status: 'failed', failure: 'The uploaded file is no longer stored. Upload it again.', finishedAt: this.clock.now() });
      return this.get(id);
    }
    let rows;
    try {
      rows = await parseImport(job.content, job.format);
    } catch (e) {
      await repo.update(id, {
        status: 'failed',
        failure: `The file could not be read: ${(e as Error).message}. Fix the file and upload it again.`,
        finishedAt: this.clock.now(),
      });
      return this.get(id);
    }
    await repo.update(id, { status: 'running', totalRows: rows.length });
    const errors: ImportRowError[] = [...job.errors];
    let { processedRows, createdItems, updatedItems, unchangedItems, failedRows } = job;
    let sinceFlush = stopwatch();
    const flush = async () => {
      await repo.update(id, { processedRows, createdItems, updatedItems, unchangedItems, failedRows, errors: errors.slice(0, MAX_STORED_ERRORS) });
      sinceFlush = stopwatch();
    };
    // A retried job resumes after the last row it recorded.
    for (let i = processedRows; i < rows.length; i++) {
      const r = rows[i];
      // Shown with the row's errors (stored as JSON, which cannot hold a NUL or a lone surrogate): escaped if need be.
      const raw = typeof r.input?.slug === 'string' ? r.input.slug.slice(0, 200) : null;
      const slug = raw !== null && unstorableText(raw) ? JSON.stringify(raw).slice(1, -1) : raw;
      if (r.error || !r.input) {
        errors.push({ row: r.row, slug, problems: [{ field: 'row', message: r.error ?? 'could not be read' }] });
        failedRows++;
      } else {
        try {
          const res = await this.catalog.upsertBySlug(actor, r.input);
          // A row with the content the item already has wrote nothing (no version, no audit entry): it is counted apart.
          if (res.created) createdItems++;
          else if (res.unchanged) unchangedItems++;
          else updatedItems++;
        } catch (e) {
          if (!isDomainError(e)) throw e;
          const problems = (e.details.problems as { field: string; message: string }[] | undefined) ?? [{ field: 'row', message: e.message }];
          errors.push({ row: r.row, slug, problems });
          failedRows++;
        }
      }
      processedRows = i + 1;
      onProgress?.({ total: rows.length, processed: processedRows, failed: failedRows });
      if (sinceFlush() > 250 || processedRows === rows.length) await flush();
    }
    await flush();
    // An unchanged row is a row imported: a re-import where every row is unchanged succeeded.
    const status = failedRows === 0 ? 'succeeded' : createdItems + updatedItems + unchangedItems === 0 ? 'failed' : 'completed_with_errors';
    await repo.update(id, {
      status,
      content: null,
      finishedAt: this.clock.now(),
      failure: status === 'failed' ? `No row could be imported (${failedRows} with errors). Fix the rows listed and upload again.` : null,
    });
    // A clean import says so in words a log search for "error" does not match; a partial one says where to look.
    const counts = `${createdItems} created, ${updatedItems} updated, ${unchangedItems} unchanged`;
    if (failedRows === 0) this.logger.log(`Import ${id} (${job.filename}): ${counts}, every row valid.`);
    else
      this.logger.warn(
        `Import ${id} (${job.filename}): ${counts}, ${failedRows} rows with errors; the import's page in the Studio (or importJob(id).errors) lists each row and what to fix.`,
      );
    return this.get(id);
  }

  async markFailed(id: string, reason: string): Promise<void> {
    await this.db.getRepository(ImportJobEntity).update(id, { status: 'failed', failure: reason, finishedAt: this.clock.now() });
  }
}
