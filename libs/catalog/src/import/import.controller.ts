import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { InputError } from '@marquee/platform-core';
import { actorOf } from '../graphql/mappers';
import { ImportService } from './import.service';
import { CatalogJobs } from '../services/catalog-jobs';

/**
 * File uploads stay out of GraphQL, whose bodies are capped at 1 MB: the Studio posts the file here and then
 * follows the job's progress through the `importJob` query.
 */
@Controller('api/imports')
export class ImportController {
  constructor(
    private readonly imports: ImportService,
    private readonly jobs: CatalogJobs,
  ) {}

  @Post()
  @HttpCode(202)
  @Allow(...Who.editors)
  async upload(@CurrentPrincipal() p: Principal, @Req() req: Request, @Body() body: unknown, @Query('filename') filename?: unknown) {
    // `?filename=a&filename=b` arrives as an array (and `?filename[x]=a` as an object): one name, as text, or none.
    if (filename !== undefined && typeof filename !== 'string')
      throw new InputError('Give the file name once, as text: ?filename=items.csv. Upload the file again with a single filename.', [
        { field: 'filename', message: 'must be given once, as text' },
      ]);
    if (typeof body !== 'string') {
      throw new InputError('Send the file as the request body with Content-Type text/csv or application/x-ndjson.', [{ field: 'file', message: 'is missing' }]);
    }
    const type = (req.header('content-type') ?? '').toLowerCase();
    const format = type.includes('csv') ? 'csv' : type.includes('ndjson') || type.includes('jsonl') ? 'jsonl' : undefined;
    const job = await this.imports.create(actorOf(p), filename ?? req.header('x-filename') ?? 'upload', body, 'studio', format);
    await this.jobs.runImport(job.id);
    // `state` spells the job's state as GraphQL's ImportJob.state does (QUEUED, RUNNING, …); `status` is the stored
    // lowercase value that existing clients compare, kept alongside as ImportJob.status is.
    return { id: job.id, state: job.status.toUpperCase(), status: job.status, totalRows: job.totalRows, format: job.format };
  }

  @Get('template.csv')
  @Allow(...Who.staff)
  template(): string {
    return IMPORT_TEMPLATE;
  }
}

const IMPORT_TEMPLATE = [
  'slug,kind,default_locale,locales,title.en,subtitle.en,description.en,title.de,description.de,duration,audio_url,artwork_url,topics,collections,availability,platforms,min_app_version,attr.narrator',
  'evening-calm,meditation,en,en|de,Evening Calm,Ten minutes to unwind,A slow body scan for the end of the day.,Abendruhe,Ein langsamer Body-Scan für den Abend.,10:00,https://cdn.example.com/evening-calm.mp3,https://cdn.example.com/evening-calm.jpg,sleep|stress,evening,free,ios|android|web,4.2,Ana Ruiz',
  '',
].join('\n');
